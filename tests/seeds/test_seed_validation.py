"""Bad seed data gives a clear error naming the file and entry, and writes nothing."""

from __future__ import annotations

import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cases.models import Case
from people.models import Organisation
from seeds.loader import load_seeds
from seeds.schema import DATA_DIR, SeedError

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_dir(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_unknown_event_type_names_the_file_and_entry_and_writes_nothing(data_dir):
    _edit(data_dir / "cases_004_asia.yaml", "type: detention", "type: arest")
    with pytest.raises(SeedError) as err:
        load_seeds(data_dir=data_dir)
    message = str(err.value)
    assert "cases_004_asia.yaml" in message
    assert "seed-th-netiporn-sanesangkhon" in message
    assert "events[0]" in message
    assert "unknown event type 'arest'" in message
    assert Case.objects.count() == 0
    assert Organisation.objects.count() == 0


def test_a_misspelt_key_is_reported_not_ignored(data_dir):
    _edit(
        data_dir / "cases_004_india.yaml",
        "    summary: >-\n      Kashmiri",
        "    sumary: >-\n      Kashmiri",
    )
    with pytest.raises(SeedError, match=r"seed-in-khurram-parvez: unknown key\(s\) sumary"):
        load_seeds(data_dir=data_dir)


def test_a_bad_date_is_reported(data_dir):
    _edit(data_dir / "cases_000_russia_belarus.yaml", "date: 2010-01\n", "date: 2010-13\n")
    with pytest.raises(SeedError, match=r"not a real date"):
        load_seeds(data_dir=data_dir)


def test_a_model_validation_error_rolls_back_everything_already_written(data_dir):
    # Valid YAML, but the case's release precedes its detention: only Case.clean() sees it,
    # after organisations and earlier cases have been written in the same transaction.
    _edit(
        data_dir / "cases_004_south_central_asia.yaml",
        "released_on: {date: 2022-04-03,",
        "released_on: {date: 2022-04-01,",
    )
    with pytest.raises(SeedError) as err:
        load_seeds(data_dir=data_dir)
    assert "seed-lk-thisara-anuruddha-bandara" in str(err.value)
    assert "released_on" in str(err.value)
    assert Organisation.objects.count() == 0
    assert Case.objects.count() == 0


def test_invalid_yaml_is_reported_with_its_file(data_dir):
    (data_dir / "broken.yaml").write_text("cases: [\n", encoding="utf-8")
    with pytest.raises(SeedError, match=r"broken.yaml: not valid YAML"):
        load_seeds(data_dir=data_dir)


def test_unknown_references_are_reported(data_dir):
    _edit(
        data_dir / "campaigns.yaml",
        "cases: [seed-mm-lgbtiq-killed-after-coup]",
        "cases: [seed-nope]",
    )
    with pytest.raises(SeedError, match=r"unknown case 'seed-nope'"):
        load_seeds(data_dir=data_dir)


def test_the_command_reports_errors_without_a_traceback(monkeypatch, data_dir):
    _edit(data_dir / "cases_004_asia.yaml", "status: detained", "status: jailed")
    monkeypatch.setattr("seeds.schema.DATA_DIR", data_dir)
    monkeypatch.setattr(
        "seeds.management.commands.load_seeds.load_seeds",
        lambda dry_run: load_seeds(data_dir=data_dir, dry_run=dry_run),
    )
    with pytest.raises(CommandError, match=r"nothing was written[\s\S]*unknown status 'jailed'"):
        call_command("load_seeds", stdout=StringIO())


def test_dry_run_counts_but_writes_nothing():
    counts = load_seeds(dry_run=True)
    assert counts.total("created") > 1000
    assert Case.objects.count() == 0
