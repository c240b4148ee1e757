from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from cases.models import Case, Charge, Hearing, TimelineEvent

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple]:
    return list(
        Case.objects.order_by("reference").values_list(
            "reference", "person__native_name", "country", "status", "tier", "detained_since"
        )
    )


def test_the_same_seed_generates_the_same_data():
    call_command("generate_scale_data", cases=30, events_per_case=3, seed=7)
    first = snapshot()
    call_command("generate_scale_data", cases=30, events_per_case=3, seed=7, purge=True)
    assert snapshot() == first
    assert Case.objects.count() == 30
    assert TimelineEvent.objects.count() == 90
    assert Hearing.objects.count() == 30
    assert Charge.objects.count() >= 30


def test_a_second_run_without_purge_is_refused_rather_than_doubling_the_data():
    call_command("generate_scale_data", cases=5, events_per_case=1, seed=1)
    with pytest.raises(CommandError, match="--purge"):
        call_command("generate_scale_data", cases=5, events_per_case=1, seed=1)
    assert Case.objects.count() == 5
