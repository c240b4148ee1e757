"""End to end in a real browser: a caseworker logs in (password + TOTP) through the login
form, pastes the Khurram Parvez chronology on a case, checks the preview, confirms, and
sees the timeline on the case page. Playwright drives Debian's headless chromium.

Not skipped when chromium is missing: the test fails and says how to install it
(``.ci/run`` installs it).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cases.models import ReviewItem, TimelineEvent
from people.models import Membership
from tests.factories import CaseFactory

ROOT = Path(__file__).resolve().parents[2]
KHURRAM = ROOT / "seeds" / "texts" / "khurram_parvez_chronology.txt"
SHOTS = ROOT / "var"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse battery staple"


def _chromium() -> str:
    path = shutil.which("chromium") or (CHROMIUM if Path(CHROMIUM).exists() else None)
    if path is None:
        pytest.fail(
            "chromium is not installed: `apt-get install -y chromium` (Debian's package; "
            ".ci/run installs it when missing). Do not run `playwright install`."
        )
    return path


def _totp(device) -> str:
    from django_otp.oath import totp

    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return str(code).zfill(device.digits)


@pytest.mark.browser
def test_a_caseworker_imports_a_chronology_in_a_real_browser(
    live_server, transactional_db, org_a, make_member, monkeypatch
):
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        pytest.fail("the playwright package is missing: pip install -r requirements-dev.txt")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    executable = _chromium()
    # Playwright's sync API runs an event loop in this thread; the ORM calls below happen
    # before it starts and after it stops, but Django checks for any running loop.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    caseworker = make_member(org_a, Membership.Role.CASEWORKER)
    device = TOTPDevice.objects.create(user=caseworker, name="phone", confirmed=True)
    case = CaseFactory(owner=org_a, tier="internal", person__primary_name="Fake Defender")
    SHOTS.mkdir(exist_ok=True)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(20_000)
        try:
            page.goto(f"{live_server.url}/admin/login/?next=/admin/")
            page.fill("#id_username", caseworker.username)
            page.fill("#id_password", PASSWORD)
            page.fill("#id_otp_token", _totp(device))
            page.click("input[type=submit]")
            expect(page.locator("#user-tools")).to_contain_text(caseworker.username)

            page.goto(f"{live_server.url}/admin/cases/case/{case.pk}/change/")
            page.click("text=Import chronology")
            page.fill("textarea[name=text]", KHURRAM.read_text(encoding="utf-8"))
            page.fill("input[name=source_title]", "Fake partner NGO chronology")
            page.click("input[name=_preview]")

            warnings = page.locator("#preview-warnings")
            expect(warnings).to_contain_text("24 January 2021")
            expect(warnings).to_contain_text("out_of_sequence")
            expect(warnings).to_contain_text("2022-01-24")
            expect(page.locator("#preview-entries tbody tr")).to_have_count(20)
            page.screenshot(path=str(SHOTS / "chronology_import_preview.png"), full_page=True)

            page.click("input[name=_confirm]")
            expect(page.locator(".messagelist")).to_contain_text("Chronology imported into")
            expect(page.locator(".messagelist")).to_contain_text("3 warning(s) to review")
            rows = page.locator("#timelineevents-group tr.has_original")
            expect(rows).to_have_count(20)
            expect(page.locator("#timelineevents-group")).to_contain_text("Officials from the")
            page.locator("#timelineevents-group").scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / "chronology_import_case.png"))
        finally:
            browser.close()

    assert TimelineEvent.objects.filter(case=case).count() == 20
    assert ReviewItem.objects.filter(case=case, status="open").count() == 3
