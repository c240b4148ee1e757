"""Authentication hardening: TOTP for the admin, lockout, session lifetime, passwords."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from casetracker.auth import axes_cool_off, client_ip
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
T0 = dt.datetime(2030, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def staff(db):
    return UserFactory(username="alice", is_staff=True, is_superuser=True)


@pytest.fixture
def device(staff):
    return TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)


def login_post(client, *, password=PASSWORD, device=None, ip="203.0.113.7", token=None):
    data = {"username": "alice", "password": password}
    if device is not None:
        data |= {"otp_device": device.persistent_id, "otp_token": token or totp(device.bin_key)}
    return client.post("/admin/login/?next=/admin/", data, REMOTE_ADDR=ip)


def is_in_admin(client) -> bool:
    return client.get("/admin/").status_code == 200


# -- second factor --------------------------------------------------------------------
def test_a_password_only_session_cannot_open_the_admin(client, staff):
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_admin_login_without_a_code_is_refused(client, staff, device):
    response = login_post(client)
    assert response.status_code == 200  # the form again, with an error
    assert not is_in_admin(client)


def test_the_admin_login_with_password_and_totp_code_opens_the_admin(client, staff, device):
    with time_machine.travel(T0, tick=False):
        response = login_post(client, device=device)
        assert response.status_code == 302
        assert is_in_admin(client)


def test_the_admin_login_with_a_wrong_code_is_refused(client, staff, device):
    with time_machine.travel(T0, tick=False):
        wrong = f"{(int(totp(device.bin_key)) + 1) % 1_000_000:06d}"
        login_post(client, device=device, token=wrong)
        assert not is_in_admin(client)


def test_the_otp_login_fixture_gives_a_verified_admin_session(client, staff, otp_login):
    otp_login(client, staff)
    assert is_in_admin(client)


def test_login_issues_a_new_session_id(client, staff, device):
    client.get("/admin/login/")
    with time_machine.travel(T0, tick=False):
        session = client.session
        session["before"] = 1
        session.save()
        before = session.session_key
        login_post(client, device=device)
        assert is_in_admin(client)
        assert client.session.session_key != before


# -- lockout ------------------------------------------------------------------------
def test_five_consecutive_failures_lock_out_even_the_right_password(client, staff, device):
    with time_machine.travel(T0, tick=False):
        for _ in range(4):
            assert login_post(client, password="wrong").status_code == 200
        assert login_post(client, password="wrong").status_code == 429
        assert login_post(client, device=device).status_code == 429
        assert not is_in_admin(client)


def test_the_lockout_is_per_username_and_address(client, staff, device):
    with time_machine.travel(T0, tick=False):
        for _ in range(5):
            login_post(client, password="wrong", ip="203.0.113.7")
        assert login_post(client, device=device, ip="198.51.100.9").status_code == 302


def test_the_cool_off_grows_with_each_lockout(client, staff, device):
    with time_machine.travel(T0, tick=False) as clock:
        for _ in range(5):
            login_post(client, password="wrong")
        clock.shift(dt.timedelta(minutes=14))
        assert login_post(client, device=device).status_code == 429
        clock.shift(dt.timedelta(minutes=2))  # 16 min: first cool-off (15 min) is over
        for _ in range(5):
            login_post(Client(), password="wrong")
        clock.shift(dt.timedelta(minutes=16))
        assert login_post(client, device=device).status_code == 429  # now 30 min
        clock.shift(dt.timedelta(minutes=15))
        assert login_post(client, device=device).status_code == 302


def test_cool_off_doubles_per_recent_lockout_and_is_capped():
    from axes.models import AccessFailureLog
    from django.test import RequestFactory

    request = RequestFactory().post("/admin/login/", {"username": "bob"}, REMOTE_ADDR="10.1.1.1")
    assert axes_cool_off(request) == dt.timedelta(minutes=15)
    for n in range(1, 9):
        AccessFailureLog.objects.create(username="bob", ip_address="10.1.1.1", locked_out=True)
        assert axes_cool_off(request) == min(
            dt.timedelta(minutes=15 * 2 ** (n - 1)), dt.timedelta(hours=24)
        )


def test_the_client_address_ignores_forwarded_for_from_untrusted_peers():
    from django.test import RequestFactory

    rf = RequestFactory()
    spoofed = rf.get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(spoofed) == "203.0.113.7"
    with override_settings(TRUSTED_PROXIES=["10.0.0.0/8"]):
        proxied = rf.get(
            "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4, 10.0.0.9"
        )
        # The client may prepend anything; the right-most untrusted hop is the real one.
        assert client_ip(proxied) == "198.51.100.4"


# -- session lifetime -----------------------------------------------------------------
def test_a_session_ends_after_30_idle_minutes(client, staff, otp_login):
    with time_machine.travel(T0, tick=False) as clock:
        otp_login(client, staff)
        for _ in range(4):  # activity keeps it alive past 30 minutes in total
            clock.shift(dt.timedelta(minutes=29))
            assert is_in_admin(client)
        clock.shift(dt.timedelta(minutes=31))
        assert not is_in_admin(client)


def test_a_busy_session_still_ends_12_hours_after_login(client, staff, otp_login):
    with time_machine.travel(T0, tick=False) as clock:
        otp_login(client, staff)
        client.get("/admin/")
        for _ in range(35):  # 11 h 40 min of steady work
            clock.shift(dt.timedelta(minutes=20))
            assert is_in_admin(client)
        clock.shift(dt.timedelta(minutes=21))
        assert not is_in_admin(client)


def test_changing_the_password_ends_the_other_sessions(staff, otp_login):
    mine, other = Client(), Client()
    otp_login(mine, staff)
    otp_login(other, staff)
    new = "a different long passphrase 42"
    response = mine.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert is_in_admin(mine)  # the session that changed it stays in
    assert not is_in_admin(other)


def test_deactivating_a_user_ends_their_sessions(client, staff, otp_login):
    otp_login(client, staff)
    assert is_in_admin(client)
    staff.is_active = False
    staff.save()
    assert not is_in_admin(client)


@pytest.mark.parametrize(
    "weak", ["short1!", "password1234", "123456789012345", "alice.example.invalid"]
)
def test_weak_passwords_are_rejected(staff, weak):
    with pytest.raises(ValidationError):
        validate_password(weak, user=staff)


def test_a_long_passphrase_is_accepted(staff):
    validate_password("violet kettle under seven bridges", user=staff)


# -- response headers -----------------------------------------------------------------
def test_authenticated_responses_are_not_stored_by_caches(client, staff, otp_login):
    otp_login(client, staff)
    response = client.get("/admin/")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_security_headers_are_set(client):
    response = client.get("/admin/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp


# -- demo second factor ---------------------------------------------------------------
def test_demo_totp_prints_an_otpauth_uri_the_admin_accepts(staff, capsys, settings):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("demo_totp", "alice")
    out = capsys.readouterr().out
    assert "otpauth://totp/casetracker%3Aalice?secret=" in out or "otpauth://totp/" in out
    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed
    assert device.config_url in out
    call_command("demo_totp", "alice", "--no-qr")
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_demo_totp_refuses_without_debug(staff, settings):
    from django.core.management import CommandError, call_command

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_totp", "alice")
    assert not TOTPDevice.objects.filter(user=staff).exists()


def test_the_totp_service_refuses_without_debug(staff, settings):
    from django.core.exceptions import ImproperlyConfigured

    from people.services_security import totp_device_ensure

    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured):
        totp_device_ensure(user=staff)


def test_timezone_is_aware():
    assert timezone.is_aware(T0)


def test_the_test_clients_login_still_works_without_a_request(client, staff):
    # Scripts and Client.login() authenticate without a request; axes cannot lock those
    # out, but it must not break them either (the password is still checked).
    assert client.login(username="alice", password=PASSWORD)
    assert not Client().login(username="alice", password="wrong")
