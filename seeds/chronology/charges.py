"""Charges: law + section + quoted description, paired by position.

Two layouts occur and both are read, per group of sections:

* descriptions BEFORE the sections: ``“a”, “b” (Sections 1 and 2 of the X Code,
  respectively)``: the quotes between the previous group and this one;
* descriptions AFTER the sections: ``Sections 1 and 2 of the X Code (“a” and “b”,
  respectively)``: the quotes in the parenthesis right after the law's name.

The i-th description goes with the i-th section. When the counts differ the nearest
quotes are used if there are too many, and descriptions are left empty if there are too
few (a wrong pairing would be worse than none).

A law named without a section ("charged under the Computer Crimes Act") is a charge
with section "" when a charging verb governs it; it is dropped when the same law
already appears with sections (a summary sentence restating the detailed charges).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from casetracker.partialdate import PartialDate

from .model import Charge

# Blanks inside a line. Quantifiers on them are possessive ("++", "*+") wherever what follows
# cannot be a blank, so a long run of blanks is never re-split by backtracking.
_B = r"[^\S\n]"
_NUM = r"[0-9]{1,4}[A-Za-z]{0,2}(?:[.-][0-9]{1,3}){0,3}(?:\([0-9A-Za-z]{1,4}\)){0,3}(?!\w)"
_NUM_SEP = rf"(?:{_B}*+,{_B}*+(?:(?:and|or){_B}++)?|{_B}++(?:and|or){_B}++|{_B}*+&{_B}*+)"
_NAME_WORD = r"(?:[A-Z][\w’'-]*+|\([A-Z][\w’'-]*+\)|[0-9]{4}(?![0-9]))"
_CONNECTOR = r"(?:of|the|and|on|for|against|in|de|des|du|la|le|del|y|et)"
_LAW = rf"[A-Z][\w’'-]*+(?:{_B}++(?:{_CONNECTOR}{_B}++){{0,2}}{_NAME_WORD}){{0,12}}"
_LOWER_WORDS = rf"(?:[a-z][\w-]*+{_B}++){{0,3}}?"  # "the draconian", skipped before a name
_LAW_INTRO = rf"(?:{_B}*+,)?{_B}++(?:of|under){_B}++(?:the{_B}++)?{_LOWER_WORDS}"

_GROUP_RE = re.compile(
    rf"\b(?:[Ss]ections?|[Aa]rticles?|[Aa]rts?\.|[Ss]ecs?\.|[Pp]aragraphs?){_B}++"
    rf"(?P<nums>{_NUM}(?:{_NUM_SEP}{_NUM}){{0,30}})"
    rf"(?:{_LAW_INTRO}(?P<law>{_LAW})|{_B}++(?P<acronym>[A-Z]{{2,6}})\b)?"
)
_NUM_RE = re.compile(_NUM)
_LAW_ONLY_RE = re.compile(
    r"\b(?:charged|charges?|indicted|prosecuted|booked|convicted|sentenced|accused|arrested|"
    rf"investigated|cases?){_B}++(?:[\w’']++{_B}++){{0,3}}?under{_B}++(?:the{_B}++)?"
    rf"{_LOWER_WORDS}(?P<law>{_LAW})"
)
_MORE_LAW_RE = re.compile(
    rf"(?:{_B}*+,)?{_B}++(?:and|or){_B}++(?:the{_B}++)?{_LOWER_WORDS}(?P<law>{_LAW})"
)
_LAW_HEAD = re.compile(
    r"\b(?:Act|Code|Law|Ordinance|Decree|Regulations?|Proclamation|Statute|Order|Bill)\b"
)
_QUOTE_RE = re.compile(r"“(?P<curly>[^“”\n]{1,400})”|\"(?P<straight>[^\"\n]{1,400})\"")
_OPEN_PAREN_RE = re.compile(rf"{_B}*+,?{_B}*+\({_B}*+(?=[“\"])")
_BETWEEN_QUOTES_RE = re.compile(r"[\s,;]*+(?:(?:and|or)\s++)?")
_DOCUMENTS = (
    ("arrest memo", re.compile(r"\barrest[\s-]++memo", re.IGNORECASE)),
    ("charge sheet", re.compile(r"\bcharge[\s-]?sheet", re.IGNORECASE)),
    ("FIR", re.compile(r"\bFIR\b|\b(?i:first\s++information\s++report)")),
)
_CHEAP_CHECK = re.compile(r"[Ss]ection|[Aa]rticle|[Aa]rts?\.|[Ss]ecs?\.|[Pp]aragraph|under")

# Where a charge sits -> (document date, text of the entry it belongs to).
Owner = Callable[[int, int], tuple[PartialDate | None, str]]


@dataclass(frozen=True)
class _Group:
    start: int
    end: int
    sections: tuple[str, ...]
    law: str


@dataclass(frozen=True)
class _Quote:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class _Mentions:
    """Quotes and document names in one text, sorted by position, for bisecting."""

    quotes: list[_Quote]
    quote_starts: list[int]
    documents: list[tuple[int, str]]

    @classmethod
    def of(cls, text: str, with_quotes: bool = True) -> _Mentions:
        quotes = (
            [
                _Quote(q.start(), q.end(), q["curly"] or q["straight"])
                for q in _QUOTE_RE.finditer(text)
            ]
            if with_quotes
            else []
        )
        documents = sorted((m.start(), name) for name, p in _DOCUMENTS for m in p.finditer(text))
        return cls(quotes, [q.start for q in quotes], documents)

    def document(self, before: int) -> str | None:
        """The document named nearest before ``before``, else the first one after it."""
        k = bisect.bisect_left(self.documents, (before, ""))
        if k > 0:
            return self.documents[k - 1][1]
        return self.documents[k][1] if k < len(self.documents) else None


class _Context:
    """What charges in one line need: its mentions and the entry each position belongs to."""

    def __init__(self, number: int, line: str, owner: Owner) -> None:
        self.number, self.line, self.owner = number, line, owner
        self.mentions = _Mentions.of(line)
        self._entry_docs: dict[str, _Mentions] = {}

    def attribution(self, pos: int) -> tuple[PartialDate | None, str | None]:
        """(document date, document) for a charge cited at ``pos``."""
        date, entry_text = self.owner(self.number, pos)
        document = self.mentions.document(pos)
        if document is None and entry_text:
            if entry_text not in self._entry_docs:
                self._entry_docs[entry_text] = _Mentions.of(entry_text, with_quotes=False)
            document = self._entry_docs[entry_text].document(len(entry_text))
        return date, document


def extract_charges(lines: list[str], owner: Owner) -> list[Charge]:
    charges: list[Charge] = []
    for number, line in enumerate(lines, 1):
        if _CHEAP_CHECK.search(line):
            charges.extend(_charges_in_line(_Context(number, line, owner)))
    return _drop_restated(charges)


def _charges_in_line(ctx: _Context) -> list[Charge]:
    charges: list[Charge] = []
    cursor = 0
    for m in _GROUP_RE.finditer(ctx.line):
        group = _group(m)
        if _NOT_A_CHARGE.search(group.law):
            continue
        descriptions, cursor = _descriptions(ctx, group, cursor)
        date, document = ctx.attribution(group.start)
        charges.extend(
            Charge(ctx.number, group.law, section, description, document, date)
            for section, description in zip(group.sections, descriptions, strict=True)
        )
    charges.extend(_law_only(ctx))
    return charges


# Rights instruments are cited ("Article 9 of the Covenant"), never charged under.
_NOT_A_CHARGE = re.compile(r"\b(?:Covenant|Convention|Declaration|Constitution|Charter)\b")


def _group(m: re.Match[str]) -> _Group:
    law = _clean_law(m["law"]) if m["law"] else (m["acronym"] or "")
    sections = tuple(n.group(0) for n in _NUM_RE.finditer(m["nums"]))
    end = m.end("law") if m["law"] else m.end()
    return _Group(m.start(), end, sections, law)


_NEXT_CITATION_RE = re.compile(r"[^\S\n]++(?:and|or)[^\S\n]++(?:Sections?|Articles?)\b")
_TRAILING_ALIAS_RE = re.compile(r"[^\S\n]++(?:\([A-Z][A-Z0-9-]*+\)|[0-9]{4})$")


def _clean_law(law: str) -> str:
    # "Indian Penal Code and Sections 17 ..." -> stop at the next citation.
    law = _NEXT_CITATION_RE.split(law, maxsplit=1)[0]
    # "Unlawful Activities (Prevention) Act 1967 (UAPA)" -> readable name without the
    # acronym and year, so every mention of one law gets the same name.
    previous = None
    while previous != law:
        previous, law = law, _TRAILING_ALIAS_RE.sub("", law)
    return law.strip()


def _descriptions(ctx: _Context, group: _Group, cursor: int) -> tuple[list[str], int]:
    """Descriptions for ``group`` and the new cursor (end of what has been consumed)."""
    n = len(group.sections)
    after, paren_end = _quotes_after(ctx, group)
    if after:
        return _fit([q.text for q in after[:n]], n), paren_end
    return _fit(_quotes_before(ctx.mentions, cursor, group.start, n), n), group.end


def _quotes_before(mentions: _Mentions, cursor: int, start: int, n: int) -> list[str]:
    """Up to ``n`` quotes lying between ``cursor`` and ``start``, the nearest ones."""
    found: list[str] = []
    k = bisect.bisect_left(mentions.quote_starts, start) - 1
    while k >= 0 and len(found) < n and mentions.quotes[k].start >= cursor:
        if mentions.quotes[k].end <= start:
            found.append(mentions.quotes[k].text)
        k -= 1
    return found[::-1]


def _quotes_after(ctx: _Context, group: _Group) -> tuple[list[_Quote], int]:
    opening = _OPEN_PAREN_RE.match(ctx.line, group.end)
    if not opening:
        return [], group.end
    quotes, run, position = ctx.mentions.quotes, [], opening.end()
    k = bisect.bisect_left(ctx.mentions.quote_starts, position)
    while k < len(quotes) and quotes[k].start == _BETWEEN_QUOTES_RE.match(ctx.line, position).end():
        run.append(quotes[k])
        position = quotes[k].end
        k += 1
    closing = ctx.line.find(")", position, position + 200)
    return run, (closing + 1 if closing >= 0 else position)


def _fit(descriptions: list[str], n: int) -> list[str]:
    cleaned = [" ".join(d.split()) for d in descriptions]
    return cleaned if len(cleaned) == n else [""] * n


def _law_only(ctx: _Context) -> list[Charge]:
    charges: list[Charge] = []
    for m in _LAW_ONLY_RE.finditer(ctx.line):
        date, document = ctx.attribution(m.start())
        charges.extend(
            Charge(ctx.number, law, "", "", document, date) for law in _laws_from(ctx.line, m)
        )
    return charges


def _laws_from(line: str, m: re.Match[str]) -> list[str]:
    """The law after "under" and any joined to it by "and": "under the X Act and the Y Code"."""
    laws, end = [m["law"]], m.end("law")
    while (more := _MORE_LAW_RE.match(line, end)) is not None and len(laws) < 5:
        laws.append(more["law"])
        end = more.end("law")
    cleaned = (_clean_law(law) for law in laws)
    return [law for law in cleaned if _LAW_HEAD.search(law) and not _NOT_A_CHARGE.search(law)]


def _drop_restated(charges: list[Charge]) -> list[Charge]:
    sectioned = {c.law.casefold() for c in charges if c.section}
    kept: list[Charge] = []
    seen: set[tuple[str, str | None]] = set()
    for charge in charges:
        if not charge.section:
            law = charge.law.casefold()
            key = (law, charge.document_date.iso() if charge.document_date else None)
            if key in seen or any(s == law or s.endswith(" " + law) for s in sectioned):
                continue
            seen.add(key)
        kept.append(charge)
    return kept
