"""``python manage.py import_chronology PATH (--case ID | --person NAME --country XX)``.

Parse a chronology text file and write it into a case (``seeds.chronology_loader``).
``--dry-run`` parses and validates every row, then writes nothing; ``--json`` prints the
parse result to stdout (counts and progress then go to stderr, so stdout stays JSON).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django_countries import countries

from cases.models import Case
from casetracker.fields import Tier
from people.models import Organisation
from seeds.chronology_loader import (
    OUTCOMES,
    ChronologyImportError,
    ImportReport,
    chronology_case_create,
    chronology_import,
    chronology_parse,
)

_SNIFF = 8192
PROGRESS_FROM = 1000  # inputs with at least this many entries report progress on stderr
# A new case is never public: publicity needs recorded consent (DOMAIN.md).
NEW_CASE_TIERS = (Tier.PARTNERS, Tier.INTERNAL, Tier.RESTRICTED)


class _DryRun(Exception):
    pass


def read_text_file(path: str) -> str:
    """The file's text, or a ``CommandError`` saying why it cannot be used."""
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise CommandError(f"{path}: is a directory, not a text file.") from None
    except OSError as exc:
        raise CommandError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    if b"\x00" in data[:_SNIFF]:
        raise CommandError(f"{path}: looks like a binary file, not a text chronology.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CommandError(
            f"{path}: is not UTF-8 text (undecodable byte at offset {exc.start}); "
            "save it as UTF-8 and try again."
        ) from None
    if not text.strip():
        raise CommandError(f"{path}: is empty; nothing to import.")
    return text


class Command(BaseCommand):
    help = (
        "Import a chronology (dated entries, charges, hearings, detentions, warnings) into "
        "a case. Importing the same text again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="UTF-8 text file, or - for standard input")
        target = parser.add_mutually_exclusive_group()
        target.add_argument("--case", help="id or reference of the case to import into")
        target.add_argument("--person", help="create a new case for this person")
        parser.add_argument("--country", help="ISO 3166-1 alpha-2 code, with --person")
        parser.add_argument(
            "--owner", help="owning organisation (name or acronym); default: the member org"
        )
        parser.add_argument(
            "--tier",
            choices=[str(t) for t in NEW_CASE_TIERS],
            default=Tier.INTERNAL,
            help="tier of a new case (default internal; never public without consent)",
        )
        parser.add_argument(
            "--status",
            choices=Case.Status.values,
            default=Case.Status.DETAINED,
            help="status of a new case (default detained)",
        )
        parser.add_argument("--title", default="", help="source title (default: the file name)")
        parser.add_argument("--default-year", type=int, help="year for dates written without")
        parser.add_argument("--dry-run", action="store_true", help="validate, write nothing")
        parser.add_argument("--json", action="store_true", help="print the parse result as JSON")

    def handle(self, *args, **opts) -> None:
        text = read_text_file(opts["path"])
        if opts["person"] and not opts["country"]:
            raise CommandError("--person needs --country (ISO 3166-1 alpha-2, e.g. IN).")
        if opts["country"] and not opts["person"]:
            raise CommandError("--country goes with --person (a new case).")
        try:
            result = chronology_parse(text, default_year=opts["default_year"])
        except ChronologyImportError as exc:
            raise CommandError(f"{opts['path']}: {exc}") from None
        out = self.stderr if opts["json"] else self.stdout
        if opts["json"]:
            self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        if not (opts["case"] or opts["person"]):
            if not opts["json"]:
                raise CommandError("Say where to import: --case ID or --person NAME --country XX.")
            return
        report = self._import(text, result, opts, out)
        self._print(report, out)

    def _import(self, text: str, result, opts: dict, out) -> ImportReport:
        title = opts["title"] or Path(opts["path"]).name
        if opts["path"] == "-" and not opts["title"]:
            title = "Chronology from standard input"

        def progress(done: int, total: int) -> None:
            if total >= PROGRESS_FROM:
                self.stderr.write(f"… {done:,} of {total:,} entries written")

        try:
            with transaction.atomic():
                case = self._case(opts)
                report = chronology_import(
                    case=case, text=text, result=result, source_title=title, progress=progress
                )
                out.write(f"Case {case.pk} ({case.reference}): {case.title}")
                if opts["dry_run"]:
                    raise _DryRun(report)
        except _DryRun as stop:
            report = stop.args[0]
            report.dry_run = True
        except ChronologyImportError as exc:
            raise CommandError(f"{opts['path']}: {exc} Nothing was written.") from None
        return report

    def _case(self, opts: dict) -> Case:
        if opts["case"]:
            return _existing_case(opts["case"])
        return chronology_case_create(
            person_name=opts["person"],
            country=_country(opts["country"]),
            owner=_owner(opts["owner"]),
            status=opts["status"],
            tier=opts["tier"],
        )

    def _print(self, report: ImportReport, out) -> None:
        width = max((len(k) for k, _ in report.table()), default=10)
        out.write(f"{'':{width}}  " + "  ".join(f"{o:>11}" for o in OUTCOMES))
        for kind, row in report.table():
            out.write(f"{kind:{width}}  " + "  ".join(f"{row[o]:>11}" for o in OUTCOMES))
        warnings = report.result.warnings
        for w in warnings:
            out.write(f"warning line {w.line} [{w.kind}]: {w.message}")
        if report.dry_run:
            out.write(self.style.WARNING("Dry run: nothing was written."))


def _existing_case(value: str) -> Case:
    case = None
    if value.isdigit():
        case = Case.objects.filter(pk=int(value)).first()
    case = case or Case.objects.filter(reference=value).first()
    if case is None:
        raise CommandError(f"No case with id or reference {value!r}.")
    return case


def _country(value: str) -> str:
    code = value.strip().upper()
    if code not in dict(countries):
        raise CommandError(f"{value!r} is not an ISO 3166-1 alpha-2 country code (e.g. IN, RU).")
    return code


def _owner(value: str | None) -> Organisation:
    if value:
        match = Organisation.objects.filter(name=value) | Organisation.objects.filter(acronym=value)
        found = list(match[:2])
        if len(found) != 1:
            raise CommandError(f"No single organisation named or abbreviated {value!r}.")
        return found[0]
    members = list(Organisation.objects.filter(is_member=True)[:2])
    if len(members) != 1:
        raise CommandError(
            "Say which organisation owns the new case: --owner NAME "
            f"({'several' if members else 'no'} member organisations to choose from)."
        )
    return members[0]
