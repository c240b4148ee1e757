"""Production settings: refuse unsafe secrets, pass Django's deploy check."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

BASE_DIR = Path(__file__).resolve().parents[2]
EXAMPLE = BASE_DIR / ".env.production.example"


def production_env(**overrides: str) -> dict[str, str]:
    """The example production environment, with fresh secrets, for a subprocess."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CASETRACKER_"))}
    env.pop("DATABASE_URL", None)
    for line in EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip()
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(64)
    env["CASETRACKER_FIELD_KEYS"] = Fernet.generate_key().decode()
    env.update(overrides)
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def import_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    return run(env, "-c", "import casetracker.settings")


def test_the_example_environment_contains_no_secret():
    values = dict(
        line.split("=", 1)
        for line in EXAMPLE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )
    assert values["DJANGO_SECRET_KEY"] == ""
    assert values["CASETRACKER_FIELD_KEYS"] == ""
    assert values["DJANGO_DEBUG"] == "False"


def test_the_deploy_check_passes_with_the_production_environment():
    result = run(production_env(), "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_fails_when_hsts_is_switched_off():
    env = production_env(DJANGO_SECURE_HSTS_SECONDS="0")
    result = run(env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W004" in result.stderr


def test_production_settings_load_with_real_secrets():
    assert import_settings(production_env()).returncode == 0


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "dev-only-insecure-key-do-not-use-in-production"}, "SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "too-short"}, "DJANGO_SECRET_KEY"),
        ({"CASETRACKER_FIELD_KEYS": ""}, "CASETRACKER_FIELD_KEYS"),
        ({"CASETRACKER_FIELD_KEYS": "not-a-fernet-key"}, "Fernet"),
        (
            {"CASETRACKER_FIELD_KEYS": "ZGV2LW9ubHktZmllbGQta2V5LW5vdC1mb3ItcHJvZCE="},
            "development field key",
        ),
    ],
)
def test_production_refuses_missing_or_default_secrets(overrides, complaint):
    env = production_env(**overrides)
    result = import_settings(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert complaint in result.stderr


def test_production_sets_hsts_secure_cookies_and_headers():
    code = (
        "from casetracker import settings as s;"
        "assert s.SECURE_HSTS_SECONDS >= 31536000 and s.SECURE_HSTS_INCLUDE_SUBDOMAINS;"
        "assert s.SESSION_COOKIE_SECURE and s.CSRF_COOKIE_SECURE and s.SECURE_SSL_REDIRECT;"
        "assert s.X_FRAME_OPTIONS == 'DENY' and s.SECURE_REFERRER_POLICY == 'same-origin';"
        "assert not s.DEBUG"
    )
    result = run(production_env(), "-c", code)
    assert result.returncode == 0, result.stderr


def test_the_ci_deploy_check_helper_passes():
    """``make deploy-check`` (python -m casetracker.deploy_check), as CI runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CASETRACKER_"))}
    result = run(env, "-m", "casetracker.deploy_check")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
