"""docker-compose.yml cannot be started here (no Docker engine), so its shape is tested."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def command_text(service: dict) -> str:
    cmd = service.get("command", "")
    return cmd if isinstance(cmd, str) else " ".join(cmd)


def test_compose_has_exactly_the_production_services(compose):
    assert set(compose["services"]) == {"db", "redis", "web", "worker", "beat"}


def test_there_is_exactly_one_beat(compose):
    beats = [n for n, s in compose["services"].items() if " beat" in f" {command_text(s)}"]
    assert beats == ["beat"]
    assert compose["services"]["beat"]["deploy"]["replicas"] == 1


def test_database_has_a_health_check_and_a_volume(compose):
    db = compose["services"]["db"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    assert "pgdata" in compose["volumes"]


def test_web_migrates_before_starting_gunicorn(compose):
    cmd = command_text(compose["services"]["web"])
    assert cmd.index("migrate") < cmd.index("gunicorn")


def test_worker_and_beat_run_celery_for_this_project(compose):
    assert command_text(compose["services"]["worker"]).startswith("celery -A casetracker worker")
    assert command_text(compose["services"]["beat"]).startswith("celery -A casetracker beat")


def test_web_worker_and_beat_share_one_image_and_environment(compose):
    apps = [compose["services"][n] for n in ("web", "worker", "beat")]
    assert len({s["image"] for s in apps}) == 1
    assert all(s["environment"] == apps[0]["environment"] for s in apps)
    assert all(s["env_file"] == ".env" for s in apps)
    assert apps[0]["environment"]["DJANGO_DEBUG"] == "False"
    # API throttles must be shared by every gunicorn worker, so the cache is Redis.
    assert apps[0]["environment"]["CACHE_URL"].startswith("redis://redis:")
    for service in apps:
        assert service["depends_on"]["db"]["condition"] == "service_healthy"


def test_no_secret_is_committed_in_the_compose_or_example_env(compose):
    env = compose["x-app"]["environment"]
    assert "${POSTGRES_PASSWORD:?" in env["DATABASE_URL"]
    example = (ROOT / ".env.example").read_text()
    for key in ("DJANGO_SECRET_KEY", "POSTGRES_PASSWORD", "CASETRACKER_FIELD_KEYS"):
        assert re.search(rf"^{key}=$", example, re.M), f"{key} must be empty in .env.example"


def test_the_image_runs_as_an_unprivileged_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.M)
    assert "requirements.txt" in dockerfile
