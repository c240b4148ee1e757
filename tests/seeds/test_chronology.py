"""The chronology parser on the Khurram Parvez extract and on small inline chronologies.

Pure tests: no database, no Django settings needed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casetracker.partialdate import PartialDate, Precision
from seeds.chronology import ChronologyError, ParseResult, parse

KHURRAM = Path(__file__).resolve().parents[2] / "seeds" / "texts" / "khurram_parvez_chronology.txt"
SOURCE = Path(__file__).resolve().parents[2] / "seeds" / "texts" / "004_3b1c1290b5fd59d9.txt"

IPC = "Indian Penal Code"
UAPA = "Unlawful Activities (Prevention) Act"
PCA = "Prevention of Corruption Act"
WAGE_WAR = "punishment for conspiracy to wage war against the government of India"
RECRUITING = "recruiting any person or persons for commission of a terrorist act"
MEMBERSHIP = "offence relating to membership of a terrorist organisation"

# Every dated entry of the extract: (line, date, precision, type). Lines 7 and 9 are
# prose entries (the background paragraph); the rest are list entries. Line 5's summary
# "He was detained in November 2021" restates the arrest of line 12 and is no entry.
# Lines 7, 12 and 22 each narrate two events on one date (arrest after a travel ban; a
# raid ending in an arrest memo; a remand hearing that orders the Tihar transfer).
KHURRAM_ENTRIES = [
    (7, "2016-09", "month", "arrest"),
    (7, "2016-09", "month", "travel_ban"),
    (9, "2020-10", "month", "raid"),
    (12, "2021-11-22", "day", "raid"),
    (12, "2021-11-22", "day", "arrest"),
    (16, "2021-11-24", "day", "transfer"),
    (18, "2021-11-30", "day", "hearing"),
    (20, "2021-12-02", "day", "statement"),
    (22, "2021-12-04", "day", "custody_extension"),
    (22, "2021-12-04", "day", "transfer"),
    (24, "2021-12-25", "day", "custody_extension"),
    (27, "2021-01-24", "day", "custody_extension"),
    (29, "2022-02-12", "day", "custody_extension"),
    (31, "2022-03-24", "day", "custody_extension"),
    (33, "2022-03-27", "day", "raid"),
    (35, "2022-05-13", "day", "charge_sheet"),
    (39, "2022-06-21", "day", "statement"),
    (41, "2022-07-06", "day", "hearing"),
    (43, "2022-11-16", "day", "statement"),
    (45, "2022-11-21", "day", "anniversary"),
]


@pytest.fixture(scope="module")
def khurram() -> ParseResult:
    return parse(KHURRAM.read_text(encoding="utf-8"))


def only(text: str, **kw: object):
    """The single entry of a one-entry chronology."""
    result = parse(text, **kw)
    assert len(result.entries) == 1, result.entries
    return result.entries[0]


# -- the extract ----------------------------------------------------------------------------
def test_the_extract_is_lines_136_to_182_of_the_source_byte_for_byte():
    source = SOURCE.read_bytes().split(b"\n")
    assert KHURRAM.read_bytes() == b"\n".join(source[135:182]) + b"\n"
    assert KHURRAM.read_text(encoding="utf-8").startswith("India: Chronology of harassment")


def test_it_reads_every_dated_entry_of_the_khurram_chronology(khurram):
    table = [(e.line, e.date.iso(), e.date.precision.label, e.type) for e in khurram.entries]
    assert table == KHURRAM_ENTRIES


def test_it_keeps_the_date_as_written_and_the_entry_text(khurram):
    by_line = {e.line: e for e in khurram.entries}
    assert by_line[12].as_written == "22 November 2021"
    assert by_line[12].text.startswith("Officials from the National Investigation Agency (NIA)")
    assert by_line[18].text == "Appeared at the NIA court."
    assert by_line[7].as_written == "September 2016"
    assert by_line[7].text.startswith("In September 2016, the Indian authorities arrested him")


def test_a_date_referred_to_inside_an_entry_is_not_an_entry_of_its_own(khurram):
    assert "2021-11-06" not in {e.date.iso() for e in khurram.entries}


def test_prose_entries_come_from_sentences_that_narrate_an_event(khurram):
    prose = [(e.line, e.as_written) for e in khurram.entries if e.style == "prose"]
    assert prose == [(7, "September 2016"), (7, "September 2016"), (9, "October 2020")]


def test_a_summary_restating_a_listed_arrest_is_not_a_second_entry(khurram):
    assert not [e for e in khurram.entries if e.line == 5]
    assert not [d for d in khurram.detentions if d.line == 5]


def test_a_second_event_named_in_an_entry_is_its_own_entry_with_its_own_fingerprint(khurram):
    raid, arrest = (e for e in khurram.entries if e.line == 12)
    assert (raid.type, raid.secondary, arrest.type, arrest.secondary) == (
        "raid",
        False,
        "arrest",
        True,
    )
    assert raid.text == arrest.text and raid.fingerprint != arrest.fingerprint


def test_a_statement_about_an_arrest_names_no_further_event():
    assert [e.type for e in parse("2 May 2022: UN experts condemned his arrest.").entries] == [
        "statement"
    ]


def test_it_pairs_arrest_memo_sections_with_quoted_descriptions_by_position(khurram):
    memo = [(c.law, c.section, c.description) for c in khurram.charges if c.line == 14]
    assert memo == [
        (IPC, "120B", "criminal conspiracy"),
        (IPC, "121", "waging war against the government of India"),
        (IPC, "121A", WAGE_WAR),
        (UAPA, "17", "raising funds for terror activities"),
        (UAPA, "18", "punishment for conspiracy"),
        (UAPA, "18B", RECRUITING),
        (UAPA, "38", MEMBERSHIP),
        (UAPA, "40", "offence of raising funds for terrorist organisations"),
    ]


def test_it_pairs_charge_sheet_sections_with_the_descriptions_that_follow_them(khurram):
    sheet = [(c.law, c.section, c.description) for c in khurram.charges if c.line == 35]
    assert sheet == [
        (IPC, "120B", "criminal conspiracy"),
        (IPC, "121A", WAGE_WAR),
        (
            PCA,
            "8",
            "taking gratification, in order, by corrupt or illegal means, to influence "
            "public servant",
        ),
        (UAPA, "13", "unlawful activities"),
        (UAPA, "18", "conspiracy"),
        (UAPA, "18B", RECRUITING),
        (UAPA, "38", MEMBERSHIP),
        (UAPA, "39", "giving support to a terrorist organisation"),
    ]


def test_charges_carry_the_document_and_the_date_of_the_entry_they_belong_to(khurram):
    documents = {(c.line, c.document, c.document_date.iso()) for c in khurram.charges if c.section}
    assert documents == {(14, "arrest memo", "2021-11-22"), (35, "charge sheet", "2022-05-13")}


def test_a_law_named_without_a_section_is_a_charge_with_an_empty_section(khurram):
    lawless = [
        (c.line, c.law, c.section, c.document_date.iso()) for c in khurram.charges if not c.section
    ]
    # The 2016 PSA detention; the summary "charges under the Penal Code and ... UAPA" on
    # line 5 restates laws that are charged with sections and is dropped.
    assert lawless == [(7, "Jammu and Kashmir Public Safety Act", "", "2016-09")]


def test_custody_extensions_carry_their_days_and_the_date_custody_runs_to(khurram):
    extensions = [
        (h.line, h.custody_days, h.custody_until.iso())
        for h in khurram.hearings
        if h.kind == "custody_extension"
    ]
    assert extensions == [
        (22, 20, "2021-12-24"),  # 4 December + 20 days
        (24, 30, "2022-01-21"),  # the stated "until 21 January 2022" is kept
        (27, 40, "2021-03-05"),  # computed from the date as written (flagged elsewhere)
        (29, 40, "2022-03-24"),
        (31, 50, "2022-05-13"),
    ]


def test_hearings_name_the_court_when_the_text_does(khurram):
    hearings = [(h.line, h.date.iso(), h.kind, h.court) for h in khurram.hearings]
    assert hearings == [
        (18, "2021-11-30", "other", "NIA court"),
        (22, "2021-12-04", "custody_extension", "NIA Special Court in New Delhi"),
        (24, "2021-12-25", "custody_extension", None),
        (27, "2021-01-24", "custody_extension", None),
        (29, "2022-02-12", "custody_extension", None),
        (31, "2022-03-24", "custody_extension", "NIA Court"),
        (41, "2022-07-06", "trial_session", "NIA Special Court in New Delhi"),
    ]


def test_the_transfer_to_tihar_is_a_pre_trial_detention_in_new_delhi(khurram):
    # Not "prison" (the sentenced type): he is on remand in judicial custody (line 24).
    tihar = [d for d in khurram.detentions if d.facility == "Tihar"]
    assert [(d.line, d.date.iso(), d.type, d.place) for d in tihar] == [
        (22, "2021-12-04", "pre_trial", "New Delhi")
    ]


def test_a_transfer_to_a_prison_after_a_sentence_is_a_prison_detention():
    result = parse(
        "3 May 2022: He was sentenced to five years and transferred to the Insein prison, "
        "in Yangon."
    )
    assert [(d.type, d.facility) for d in result.detentions] == [("prison", "Insein")]


def test_custody_records_follow_the_arrests_and_transfers(khurram):
    records = [(d.line, d.date.iso(), d.type, d.facility, d.place) for d in khurram.detentions]
    assert records == [
        (7, "2016-09", "administrative", None, None),  # the Public Safety Act detention
        (12, "2021-11-22", "police_custody", None, None),  # the arrest memo
        (16, "2021-11-24", "police_custody", None, "New Delhi"),
        (22, "2021-12-04", "pre_trial", "Tihar", "New Delhi"),
    ]


def test_it_raises_exactly_the_three_warnings_of_the_khurram_chronology(khurram):
    warnings = [(w.line, w.kind, w.as_written, w.suggestion) for w in khurram.warnings]
    assert warnings == [
        (24, "arithmetic", "21 January 2022", "2022-01-24"),
        (27, "out_of_sequence", "24 January 2021", "2022-01-24"),
        (45, "anniversary_mismatch", "21 November 2022", "2022-11-22"),
    ]


def test_the_arithmetic_warning_states_both_dates(khurram):
    message = next(w.message for w in khurram.warnings if w.kind == "arithmetic")
    assert "24 January 2022" in message
    assert "21 January 2022" in message


def test_an_out_of_sequence_date_is_flagged_but_kept_as_written(khurram):
    entry = next(e for e in khurram.entries if e.line == 27)
    assert entry.date.iso() == "2021-01-24"
    message = next(w.message for w in khurram.warnings if w.kind == "out_of_sequence")
    assert "25 December 2021" in message and "12 February 2022" in message


def test_the_anniversary_warning_names_the_arrest_date(khurram):
    message = next(w.message for w in khurram.warnings if w.kind == "anniversary_mismatch")
    assert "22 November 2021" in message


# -- date styles ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "iso", "precision", "as_written"),
    [
        ("22 November 2021: Arrested by the NIA.", "2021-11-22", "day", "22 November 2021"),
        ("January 27, 2026: Sentenced to five years.", "2026-01-27", "day", "January 27, 2026"),
        ("Nov. 13, 2025: Released on bail.", "2025-11-13", "day", "Nov. 13, 2025"),
        ("July 11, 2021 - Arrested at a protest.", "2021-07-11", "day", "July 11, 2021"),
        ("2022 - Designated a foreign agent.", "2022", "year", "2022"),
        ("September 1979: Born in Srinagar.", "1979-09", "month", "September 1979"),
        ("1972: Born.", "1972", "year", "1972"),
        ("2021-11-22: Arrested by the NIA.", "2021-11-22", "day", "2021-11-22"),
        ("On 10 June 2025: Arrested.", "2025-06-10", "day", "10 June 2025"),
        ("- 3 May 2022: Charged.", "2022-05-03", "day", "3 May 2022"),
    ],
)
def test_it_reads_a_list_entry_in_each_date_style(text, iso, precision, as_written):
    entry = only(text)
    assert (entry.date.iso(), entry.date.precision.label, entry.as_written) == (
        iso,
        precision,
        as_written,
    )
    assert entry.style == "list"


def test_it_reads_a_prose_sentence_led_by_on_and_a_date():
    entry = only("On 10 June 2025, police arrested the lawyer at her home.")
    assert (entry.date.iso(), entry.type, entry.style) == ("2025-06-10", "arrest", "prose")


def test_it_reads_in_september_2016_as_a_month():
    entry = only("In September 2016, the authorities arrested him.")
    assert (entry.date.iso(), entry.date.precision) == ("2016-09", Precision.MONTH)
    assert entry.as_written == "September 2016"


def test_early_1980_is_an_approximate_year_written_with_its_qualifier():
    entry = only("Early 1980: The family left Srinagar.")
    assert (entry.date.iso(), entry.date.precision.label, entry.approximate) == (
        "1980",
        "year",
        True,
    )
    assert entry.as_written == "Early 1980"
    assert entry.date.edtf() == "1980~"


def test_around_makes_a_date_approximate():
    assert only("Around 2015: First threats.").approximate is True


def test_in_the_1970s_is_an_approximate_decade():
    entry = only("He was first imprisoned in the 1970s.")
    assert (entry.date.iso(), entry.date.precision.label, entry.approximate) == (
        "1970",
        "decade",
        True,
    )
    assert entry.date.edtf() == "197X~"


def test_mid_february_is_an_approximate_month_taking_the_year_from_context():
    result = parse(
        "1 February 2025: Arrested.\nIn mid-February, he was transferred to Evin Prison."
    )
    entry = result.entries[1]
    assert (entry.date.iso(), entry.approximate, entry.as_written) == (
        "2025-02",
        True,
        "mid-February",
    )


def test_since_10_march_takes_the_previous_entrys_year_and_warns():
    result = parse("1 February 2025: Arrested in Yangon.\n\nHe has been detained since 10 March.")
    assert [e.date.iso() for e in result.entries] == ["2025-02-01", "2025-03-10"]
    [warning] = result.warnings
    assert (warning.line, warning.kind, warning.as_written) == (3, "missing_year", "10 March")
    assert "assumed 2025" in warning.message


def test_a_date_without_a_year_uses_default_year_when_nothing_came_before():
    result = parse("Since 10 March: detained in Insein prison.", default_year=2024)
    assert result.entries[0].date.iso() == "2024-03-10"
    assert "assumed 2024 from default_year" in result.warnings[0].message


def test_a_date_without_a_year_and_no_context_is_dropped_with_a_warning():
    result = parse("10 March: detained.")
    assert result.entries == ()
    assert [w.kind for w in result.warnings] == ["missing_year"]


def test_a_new_year_is_assumed_when_the_month_goes_back_after_december():
    result = parse("25 December 2021: Detained.\n10 January: Custody extended for 30 days.")
    assert result.entries[1].date.iso() == "2022-01-10"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("22 novembre 2021 : arrestation de l'avocat.", "2021-11-22"),
        ("22 de noviembre de 2021: detenido por la policía.", "2021-11-22"),
        ("1er mars 2020 : convocation.", "2020-03-01"),
    ],
)
def test_it_reads_french_and_spanish_month_names(text, iso):
    assert only(text).date.iso() == iso


def test_a_date_alone_on_a_line_heads_the_next_line():
    entry = only("22 November 2021\nOfficials raided his house.")
    assert (entry.line, entry.date.iso(), entry.text, entry.type) == (
        1,
        "2021-11-22",
        "Officials raided his house.",
        "raid",
    )


def test_a_bare_year_in_prose_is_not_a_date():
    assert (
        parse("He was charged under the Unlawful Activities (Prevention) Act 1967.").entries == ()
    )


def test_a_prose_sentence_about_nothing_in_particular_does_not_become_an_entry():
    assert parse("The report was long. Its annex mentions 3 March 2020 twice.").entries == ()


# -- event types --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Judicial custody extended for 30 days.", "custody_extension"),
        ("The NIA filed a charge sheet against him.", "charge_sheet"),
        ("Nine simultaneous raids were conducted.", "raid"),
        ("One year anniversary of his detention.", "anniversary"),
        ("UN experts expressed concern over the arrest.", "statement"),
        ("He appeared before the Special Court.", "hearing"),
        ("Police arrested him at home.", "arrest"),
        ("He was taken to New Delhi where he remained detained.", "transfer"),
        ("The court sentenced him to seven years.", "sentence"),
        ("He was acquitted.", "verdict"),
        ("He was granted bail.", "bail"),
        ("He was released.", "release"),
        ("He began a hunger strike.", "hunger_strike"),
        ("He was barred from travelling abroad.", "travel_ban"),
        ("He died in custody.", "death"),
        ("He was designated a foreign agent.", "designation"),
        ("CIVICUS launched a petition.", "campaign"),
        ("He was awarded the Martin Ennals prize.", "award"),
        ("His trial began.", "trial"),
        ("He was charged with sedition.", "charge"),
        ("The family moved to Delhi.", "other"),
    ],
)
def test_it_classifies_entries_by_keyword_priority(text, kind):
    assert only(f"1 May 2022: {text}").type == kind


# -- charges in other layouts ---------------------------------------------------------------------
def test_it_reads_an_article_with_a_dotted_number_and_a_jurisdiction():
    result = parse(
        "12 March 2023: He was charged under Article 275.1 of the Criminal Code of the "
        "Russian Federation (“confidential cooperation with a foreign state”)."
    )
    [charge] = result.charges
    assert (charge.law, charge.section, charge.description) == (
        "Criminal Code of the Russian Federation",
        "275.1",
        "confidential cooperation with a foreign state",
    )
    assert charge.document_date == PartialDate.day(2023, 3, 12)


def test_it_reads_straight_quotes_after_a_single_section():
    result = parse('3 May 2022: Charged under Section 112 of the Criminal Code ("lese majeste").')
    assert [(c.law, c.section, c.description) for c in result.charges] == [
        ("Criminal Code", "112", "lese majeste")
    ]


def test_a_law_without_a_section_has_an_empty_section():
    result = parse("4 May 2022: She was charged under the Computer Crimes Act.")
    assert [(c.law, c.section, c.description) for c in result.charges] == [
        ("Computer Crimes Act", "", "")
    ]


def test_it_lists_sections_joined_by_commas_and_and():
    result = parse(
        "1 May 2022: Charged under Sections 17, 18, 18B, 38, and 40 of the draconian "
        "Unlawful Activities (Prevention) Act (UAPA)."
    )
    assert [(c.law, c.section) for c in result.charges] == [
        (UAPA, "17"),
        (UAPA, "18"),
        (UAPA, "18B"),
        (UAPA, "38"),
        (UAPA, "40"),
    ]


def test_descriptions_are_left_empty_when_they_cannot_be_paired():
    result = parse("1 May 2022: Charged with “sedition” under Sections 124A and 153A of the IPC.")
    assert [(c.section, c.description) for c in result.charges] == [("124A", ""), ("153A", "")]


def test_a_charge_after_an_fir_reference_takes_the_fir_as_its_document():
    result = parse("6 November 2021: The FIR lists Section 120B of the Indian Penal Code.")
    assert result.charges[0].document == "FIR"


# -- hearings and detentions in other layouts --------------------------------------------------
def test_a_custody_extension_in_weeks_runs_to_the_computed_date():
    [hearing] = parse("1 March 2022: Pre-trial detention extended for 2 weeks.").hearings
    assert (hearing.kind, hearing.custody_days, hearing.custody_until.iso()) == (
        "custody_extension",
        14,
        "2022-03-15",
    )


def test_a_bail_decision_is_a_bail_hearing():
    [hearing] = parse("1 March 2022: The High Court of Delhi granted him bail.").hearings
    assert (hearing.kind, hearing.court) == ("bail", "High Court of Delhi")


def test_house_arrest_is_its_own_detention_type():
    [record] = parse("4 December 2021: Placed under house arrest.").detentions
    assert record.type == "house_arrest"


# -- warnings ------------------------------------------------------------------------------------
def test_lines_that_look_like_entries_but_cannot_be_read_are_unreadable():
    result = parse("32 November 2021: x\n13/05/2022: y\nSeptmber 2021 - z\n31 February 2022: w")
    warnings = [(w.line, w.kind, w.as_written, w.suggestion) for w in result.warnings]
    assert warnings == [
        (1, "unreadable", "32 November 2021", None),
        (2, "unreadable", "13/05/2022", "2022-05-13"),
        (3, "unreadable", "Septmber 2021", None),
        (4, "unreadable", "31 February 2022", None),
    ]
    assert result.entries == ()


def test_a_descending_chronology_is_not_out_of_sequence():
    result = parse("1 January 2023: Released.\n4 December 2021: Detained.\n1 March 2021: Raided.")
    assert result.warnings == ()


def test_an_anniversary_on_the_right_day_raises_no_warning():
    result = parse(
        "22 November 2021: Arrested.\n22 November 2022: One year anniversary of his arrest."
    )
    assert result.warnings == ()


def test_an_anniversary_one_day_off_is_flagged():
    result = parse(
        "22 November 2021: Arrested.\n21 November 2022: One year anniversary of his arrest."
    )
    assert [(w.kind, w.suggestion) for w in result.warnings] == [
        ("anniversary_mismatch", "2022-11-22")
    ]


# -- shape and identity --------------------------------------------------------------------------
def test_to_dict_has_exactly_the_documented_json_shape(khurram):
    data = json.loads(json.dumps(khurram.to_dict()))
    assert list(data) == ["entries", "charges", "hearings", "detentions", "warnings"]
    assert set(data["entries"][0]) == {
        "line",
        "date",
        "precision",
        "approximate",
        "as_written",
        "type",
        "text",
        "fingerprint",
    }
    assert set(data["charges"][0]) == {
        "line",
        "law",
        "section",
        "description",
        "document",
        "document_date",
    }
    assert set(data["hearings"][0]) == {
        "line",
        "date",
        "precision",
        "kind",
        "court",
        "custody_days",
        "custody_until",
        "text",
    }
    assert set(data["detentions"][0]) == {
        "line",
        "date",
        "precision",
        "type",
        "facility",
        "place",
        "text",
    }
    assert set(data["warnings"][0]) == {"line", "kind", "message", "as_written", "suggestion"}
    assert data["entries"][3]["date"] == "2021-11-22"
    assert data["charges"][1]["document_date"] == "2021-11-22"


def test_dataclasses_keep_partial_dates_for_the_loader(khurram):
    entry = khurram.entries[3]
    assert isinstance(entry.date, PartialDate)
    assert entry.date == PartialDate.day(2021, 11, 22)
    assert isinstance(khurram.hearings[1].custody_until, PartialDate)


def test_fingerprints_are_sha256_hex_and_stable_across_parses(khurram):
    again = parse(KHURRAM.read_text(encoding="utf-8"))
    assert again == khurram
    assert [e.fingerprint for e in again.entries] == [e.fingerprint for e in khurram.entries]
    assert all(len(e.fingerprint) == 64 for e in khurram.entries)
    assert len({e.fingerprint for e in khurram.entries}) == len(khurram.entries)


def test_fingerprints_ignore_spacing_case_and_quote_style():
    a = only("22 November 2021: Parvez’s  phone was seized.")
    b = only("22 november 2021 :  parvez's phone was seized")
    assert a.fingerprint == b.fingerprint
    assert a.fingerprint != only("22 November 2021: Parvez's laptop was seized.").fingerprint


def test_windows_line_endings_and_a_bom_give_the_same_result(khurram):
    text = KHURRAM.read_text(encoding="utf-8")
    assert parse("\ufeff" + text.replace("\n", "\r\n")) == khurram


@pytest.mark.parametrize("text", ["", "   ", "\n\r\n\t", "\ufeff"])
def test_empty_text_raises_a_chronology_error(text):
    with pytest.raises(ChronologyError, match="the text is empty"):
        parse(text)


def test_a_chronology_error_is_a_value_error():
    assert issubclass(ChronologyError, ValueError)
    with pytest.raises(ChronologyError):
        parse(b"22 November 2021: x")  # type: ignore[arg-type]
