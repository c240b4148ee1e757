"""``python -m casetracker.deploy_check``: Django's deploy check with the production example.

Reads .env.production.example (which holds no secrets), fills the two secrets with fresh
throw-away values, and runs ``manage.py check --deploy --fail-level WARNING`` in a child
process, so a CI job proves the documented production environment passes. Exit status is
the check's. (A shell ``source`` of the file would break on values like "name <address>".)
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
EXAMPLE = BASE_DIR / ".env.production.example"


def production_env(example: Path = EXAMPLE) -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CASETRACKER_"))}
    env.pop("DATABASE_URL", None)
    for line in example.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip()
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(64)
    env["CASETRACKER_FIELD_KEYS"] = Fernet.generate_key().decode()
    return env


def main() -> int:
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    return subprocess.run(command, cwd=BASE_DIR, env=production_env(), check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
