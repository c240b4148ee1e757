"""``manage.py import_chronology``: files in, a case's records out, clear errors."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cases.models import Case, TimelineEvent
from seeds.chronology import parse
from tests.factories import CaseFactory, OrganisationFactory

KHURRAM = Path(__file__).resolve().parents[2] / "seeds" / "texts" / "khurram_parvez_chronology.txt"


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_chronology", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def case(db) -> Case:
    return CaseFactory(person__primary_name="Fake Defender")


def test_it_imports_into_a_case_by_id_and_prints_counts(case):
    out, _ = run(str(KHURRAM), "--case", str(case.pk))
    assert TimelineEvent.objects.filter(case=case).count() == 20
    rows = {line.split()[0]: line.split()[-4:] for line in out.splitlines()[2:10]}
    assert rows["timeline"] == ["20", "0", "0", "0"]
    assert "warning line 27 [out_of_sequence]" in out


def test_a_second_run_by_reference_changes_nothing(case):
    run(str(KHURRAM), "--case", str(case.pk))
    out, _ = run(str(KHURRAM), "--case", case.reference)
    row = next(line for line in out.splitlines() if line.startswith("timeline events"))
    assert row.split()[-4:] == ["0", "0", "20", "0"]


def test_dry_run_writes_nothing(case):
    out, _ = run(str(KHURRAM), "--case", str(case.pk), "--dry-run")
    assert "Dry run: nothing was written." in out
    assert not TimelineEvent.objects.filter(case=case).exists()


def test_json_prints_exactly_the_parse_result_on_stdout(case):
    out, _ = run(str(KHURRAM), "--json")
    assert json.loads(out) == parse(KHURRAM.read_text(encoding="utf-8")).to_dict()
    data = json.loads(out)
    assert {"line", "date", "precision", "approximate", "as_written", "type", "text"} <= set(
        data["entries"][0]
    )
    assert data["warnings"][0]["line"] == 24
    assert not TimelineEvent.objects.exists()


def test_json_with_a_case_imports_and_keeps_stdout_pure_json(case):
    out, err = run(str(KHURRAM), "--case", str(case.pk), "--json")
    json.loads(out)
    assert "timeline events" in err
    assert TimelineEvent.objects.filter(case=case).count() == 20


def test_person_and_country_create_an_internal_case_owned_by_the_member_org(db):
    member = OrganisationFactory(name="Fake Member Org", is_member=True)
    run(str(KHURRAM), "--person", "Fake New Person", "--country", "in")
    case = Case.objects.get(title="Fake New Person")
    assert (case.owner, case.country, case.tier, case.consent) == (member, "IN", "internal", "none")
    assert case.person.primary_name == "Fake New Person"
    assert case.timelineevents.count() == 20


def test_owner_can_be_named_by_acronym(db):
    OrganisationFactory(name="Fake Member Org", is_member=True)
    other = OrganisationFactory(name="Fake Other Org", acronym="FOO")
    run(str(KHURRAM), "--person", "Fake New Person", "--country", "IN", "--owner", "FOO")
    assert Case.objects.get(title="Fake New Person").owner == other


def test_a_dry_run_new_case_is_rolled_back_too(db):
    OrganisationFactory(name="Fake Member Org", is_member=True)
    run(str(KHURRAM), "--person", "Fake New Person", "--country", "IN", "--dry-run")
    assert not Case.objects.exists()


def test_public_is_not_a_tier_for_a_new_case(db):
    with pytest.raises(CommandError, match="invalid choice: 'public'"):
        run(str(KHURRAM), "--person", "X", "--country", "IN", "--tier", "public")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"", "is empty"),
        (b" \n\t\n", "is empty"),
        (b"\x7fELF\x00\x00\x01", "binary file"),
        (b"22 Novembre 2021: caf\xe9", "not UTF-8"),
        ("dir", "is a directory"),
    ],
)
def test_unusable_files_give_a_clear_error_and_write_nothing(case, tmp_path, content, message):
    path = tmp_path / "chronology.txt"
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run(str(path), "--case", str(case.pk))
    assert not TimelineEvent.objects.exists()


def test_an_unknown_case_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No case with id or reference '999'"):
        run(str(KHURRAM), "--case", "999")


def test_a_bad_country_code_is_a_clear_error(db):
    OrganisationFactory(name="Fake Member Org", is_member=True)
    with pytest.raises(CommandError, match="'ZZ' is not an ISO 3166-1 alpha-2"):
        run(str(KHURRAM), "--person", "X", "--country", "ZZ")
    assert not Case.objects.exists()


def test_person_needs_a_country_and_an_unambiguous_owner(db):
    with pytest.raises(CommandError, match="--person needs --country"):
        run(str(KHURRAM), "--person", "X")
    with pytest.raises(CommandError, match="no member organisations"):
        run(str(KHURRAM), "--person", "X", "--country", "IN")


def test_without_a_target_it_asks_for_one(db):
    with pytest.raises(CommandError, match="--case ID or --person"):
        run(str(KHURRAM))


def test_long_inputs_print_progress_every_thousand_entries(case, tmp_path, monkeypatch):
    # The real step is 1,000 entries (and only inputs of 1,000+ entries report); scaled
    # down by 100 here so the test stays fast.
    monkeypatch.setattr("seeds.chronology_loader.PROGRESS_EVERY", 10)
    monkeypatch.setattr("seeds.management.commands.import_chronology.PROGRESS_FROM", 10)
    path = tmp_path / "long.txt"
    lines = [f"{1 + i % 28} March {1900 + i // 28}: Raid number {i}." for i in range(21)]
    path.write_text("\n".join(lines), encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import_chronology", str(path), "--case", str(case.pk), stdout=out, stderr=err)
    progress = [line for line in err.getvalue().splitlines() if "entries written" in line]
    assert progress == [
        "… 10 of 21 entries written",
        "… 20 of 21 entries written",
        "… 21 of 21 entries written",
    ]
