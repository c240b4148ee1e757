from __future__ import annotations

import csv
import io

import pytest

from cases.export import neutralise
from tests.factories import CaseFactory, OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Khurram Parvez", "Khurram Parvez"),
        ("", ""),
    ],
)
def test_cells_that_a_spreadsheet_would_run_get_a_leading_apostrophe(value, expected):
    assert neutralise(value) == expected


def test_the_export_neutralises_formulas_in_names_and_titles(token_client):
    person = PersonFactory(primary_name="=cmd|' /C calc'!A0")
    case = CaseFactory(person=person, title="@SUM(1+1)")
    client = token_client(OrganisationFactory(name="Fake CSV Partner"))
    header, *data = rows(client.get("/api/v1/cases/export.csv"))
    row = dict(zip(header, data[0], strict=True))
    assert row["title"] == "'@SUM(1+1)"
    assert row["person"] == "'=cmd|' /C calc'!A0"
    assert row["reference"] == case.reference


def test_the_export_applies_the_list_filters(token_client):
    india = CaseFactory(country="IN")
    CaseFactory(country="RU")
    client = token_client(OrganisationFactory(name="Fake CSV Partner"))
    _header, *data = rows(client.get("/api/v1/cases/export.csv?country=IN"))
    assert [r[1] for r in data] == [india.reference]
    assert client.get("/api/v1/cases/export.csv?bogus=1").status_code == 400
