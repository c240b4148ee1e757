"""Event type of an entry, by keywords, first matching rule wins.

Why this order: an entry often names several things ("UN experts expressed concern over
the arrest", "raids ... an arrest memo", "appeared before the court ... extended his
detention"). The rule that wins is the one describing what *happened on that date*:
an anniversary or a statement *about* an arrest is not an arrest; a custody extension
is the outcome of the hearing it happened at; a raid that ends in an arrest is recorded
as the raid (the arrest still yields a detention record, see ``custody``).
"""

from __future__ import annotations

import re

_I = re.IGNORECASE
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, _I))
    for kind, pattern in (
        ("anniversary", r"\banniversary\b"),
        (
            "custody_extension",
            r"\b(?:custody|detention|remand)(?:\s++\w++){0,2}?\s++(?:(?:was|were|has\s++been|had"
            r"\s++been)\s++)?(?:further\s++)?(?:extended|prolonged|renewed)\b|\b(?:extended|"
            r"prolonged|renewed)\s++(?:[\w’']++[\s-]++){0,3}?(?:custody|detention|remand)\b",
        ),
        (
            "charge_sheet",
            r"\b(?:filed|submitted|presented|lodged|framed)\s++(?:\w++\s++){0,2}?charge[\s-]?"
            r"sheets?\b|\bcharge[\s-]?sheets?\s++(?:was|were|has\s++been)\s++(?:filed|submitted)",
        ),
        ("award", r"\b(?:awarded|award|prize|laureate|honou?red\s++with)\b"),
        ("campaign", r"\b(?:campaign|petition|open\s++letter|joint\s++letter|vigil|rally)\b"),
        (
            "statement",
            r"\b(?:expressed\s++(?:\w++\s++)?concern|statements?|(?<!information\s)(?<!police\s)"
            r"(?<!medical\s)reports?|urged|condemn\w*|resolution|communication|called\s++for"
            r"(?!\s++(?:questioning|interrogation))|calling\s++for|denounced)\b",
        ),
        ("sentence", r"\bsentenced\b|\bsentence\s++of\b"),
        ("verdict", r"\b(?:convicted|acquitted|found\s++(?:not\s++)?guilty|verdict|conviction)\b"),
        ("death", r"\b(?:died|killed|passed\s++away|murdered)\b|\bdeath\b(?!\s++threats?)"),
        ("hunger_strike", r"\bhunger[\s-]strik"),
        ("raid", r"\b(?:raids?|raided|searched)\b|\bsearch(?:es)?\s++(?:of|at|on)\b"),
        ("bail", r"\bbail\b"),
        ("trial", r"(?<![\w-])trials?\b(?!\s++(?:detention|custody))"),
        (
            "hearing",
            r"\b(?:hearings?|appeared\s++(?:at|before|in)|produced\s++(?:at|before|in)|court"
            r"\s++session|appeals?|appealed)\b",
        ),
        (
            "arrest",
            r"\b(?:arrested|arrest\s++memo|re-?arrested|taken\s++into\s++custody|arrestation|"
            r"arrêtée?|arrestad[oa]s?)\b",
        ),
        ("transfer", r"\btransferred\b"),
        # "taken to", "moved to" are transfers only when custody is mentioned ("the family
        # moved to Delhi" is not): see _CUSTODY_CONTEXT.
        ("transfer?", r"\b(?:moved|shifted|taken|relocated|sent)\s++(?:\w++\s++){0,2}?to\b"),
        ("release", r"\b(?:released|freed|set\s++free|release)\b"),
        (
            "detention",
            r"\b(?:detained|detention|imprisoned|jailed|in\s++custody|incarcerated|abducted|"
            r"disappeared|whereabouts|house\s++arrest|détenue?|detenid[oa]s?|detención)\b",
        ),
        (
            "travel_ban",
            r"\btravel\s++ban|\b(?:barred|banned|prevented|stopped)\s++from\s++(?:travel|leaving|"
            r"boarding)|\bpassport\s++(?:was\s++)?(?:seized|confiscated|revoked)",
        ),
        (
            "charge",
            r"\b(?:charged|charges?|accused\s++of|indicted|indictment|booked\s++under|FIR|First"
            r"\s++Information\s++Report)\b",
        ),
        (
            "designation",
            r"\b(?:designated|foreign\s++agents?|undesirable\s++organi[sz]ation|listed\s++as)\b",
        ),
    )
)

# Entry types after which a court record (``Hearing``) is written.
HEARING_TYPES = frozenset({"hearing", "trial", "verdict", "sentence", "bail", "custody_extension"})
# Entry types that talk *about* custody rather than change it: no detention record.
NO_CUSTODY_TYPES = frozenset(
    {"statement", "campaign", "award", "anniversary", "release", "designation"}
)


# Further events an entry may name besides its own type, each written as its own
# timeline event on the same date: the raid that ends in an arrest ("raids ... an arrest
# memo"), the hearing that orders a transfer ("extended his detention ... ordered that he
# be transferred"), the arrest that follows a travel ban. Narrower patterns than _RULES:
# only words that say the event happened ("transferred", not "taken to").
_ALSO_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "arrest",
        re.compile(r"\b(?:arrested|re-?arrested|arrest\s++memo|taken\s++into\s++custody)\b", _I),
    ),
    ("travel_ban", dict(_RULES)["travel_ban"]),
    ("transfer", re.compile(r"\btransferred\b", _I)),
)
# Types that talk *about* events rather than being one: they name no further events.
_NARRATIVE_TYPES = frozenset({"statement", "campaign", "award", "anniversary", "other"})


def also_types(text: str, primary: str) -> list[str]:
    """The further event types ``text`` names besides ``primary`` (see ``_ALSO_RULES``)."""
    if primary in _NARRATIVE_TYPES:
        return []
    return [kind for kind, pattern in _ALSO_RULES if kind != primary and pattern.search(text)]


CUSTODY_CONTEXT = re.compile(
    r"\b(?:detained|detention|custody|prison|jail|police|cell|arrested|prisoner)\b", _I
)


def classify(text: str) -> str:
    """The event type of ``text``: the first rule of ``_RULES`` that matches, else "other".
    A kind ending in "?" only counts when the text also mentions custody."""
    for kind, pattern in _RULES:
        if pattern.search(text):
            if not kind.endswith("?"):
                return kind
            if CUSTODY_CONTEXT.search(text):
                return kind[:-1]
    return "other"
