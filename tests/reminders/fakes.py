"""Fake transports: record or count sends instead of talking to a mail server or partner."""

from __future__ import annotations

import os
import time

from campaigns.reminders.channels import verify_signature


class RecordingTransport:
    """Keeps every message; raises the queued errors first (one per call)."""

    def __init__(self, errors=None):
        self.emails = []
        self.webhooks = []
        self.errors = list(errors or [])

    def _maybe_fail(self):
        if self.errors:
            raise self.errors.pop(0)

    def send_email(self, message) -> None:
        self._maybe_fail()
        self.emails.append(message)

    def post_webhook(self, url, body, headers) -> int:
        self._maybe_fail()
        self.webhooks.append((url, body, headers))
        return 200

    def verified(self, secret, now) -> bool:
        return all(verify_signature(secret, h, b, now) for _, b, h in self.webhooks)


class FileCountingTransport:
    """For worker subprocesses: appends one line per send to $CT_FAKE_SEND_LOG.

    O_APPEND writes of one short line are atomic, so several processes can share the file.
    $CT_FAKE_SEND_DELAY (seconds) slows each send so that kills land mid-sweep.
    """

    def __init__(self):
        self.path = os.environ["CT_FAKE_SEND_LOG"]
        self.delay = float(os.environ.get("CT_FAKE_SEND_DELAY", "0"))

    def _count(self, delivery_id: str) -> None:
        if self.delay:
            time.sleep(self.delay)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{delivery_id} {os.getpid()}\n".encode())
        finally:
            os.close(fd)

    def send_email(self, message) -> None:
        self._count(message.extra_headers["X-Casetracker-Delivery"])

    def post_webhook(self, url, body, headers) -> int:
        self._count(headers["X-Casetracker-Delivery"])
        return 200
