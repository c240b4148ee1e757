"""Process-level set-up of the web server (the benchmark runs the app the same way)."""

from __future__ import annotations

import gc


def freeze_startup_heap() -> None:
    """Move everything loaded at start-up to a generation the cyclic GC never walks again.

    A full collection walks every tracked object: with Django, DRF and the apps loaded that
    is ~90,000 objects, and at a few hundred thousand allocations per large API page a full
    collection ran every few requests and paused it for 40–110 ms (issue 7: the partner
    list's p95). Frozen, those pauses are 7–14 ms. The start-up objects live as long as the
    process anyway; ``gc.freeze`` is CPython's documented tool for this (and keeps their
    pages shared between forked gunicorn workers).
    """
    gc.collect()
    gc.freeze()
