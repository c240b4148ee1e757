"""Free text of restricted-tier records is encrypted at rest (casetracker.crypto Sealed*)."""

from __future__ import annotations

import pytest
from django.db import connection

from cases.models import Source, TimelineEvent
from casetracker.crypto import SEALED_PREFIX
from casetracker.fields import Tier
from tests.factories import SourceFactory, TimelineEventFactory

pytestmark = pytest.mark.django_db


def raw(model, pk, column):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s", [pk]
        )
        return cursor.fetchone()[0]


def test_a_restricted_event_summary_is_stored_encrypted_and_read_back_plain():
    event = TimelineEventFactory(tier=Tier.RESTRICTED, summary="met the lawyer at home")
    assert raw(TimelineEvent, event.pk, "summary").startswith(SEALED_PREFIX)
    assert "lawyer" not in raw(TimelineEvent, event.pk, "summary")
    assert TimelineEvent.objects.get(pk=event.pk).summary == "met the lawyer at home"


def test_an_internal_event_summary_stays_plain_and_searchable():
    event = TimelineEventFactory(tier=Tier.INTERNAL, summary="arrested at dawn")
    assert raw(TimelineEvent, event.pk, "summary") == "arrested at dawn"
    assert TimelineEvent.objects.filter(summary__icontains="dawn").get() == event


def test_lowering_the_tier_on_save_stores_the_text_plain_again():
    source = SourceFactory(tier=Tier.RESTRICTED, title="insider report")
    source.tier = Tier.INTERNAL
    source.save()
    assert raw(Source, source.pk, "title") == "insider report"


def test_a_bulk_update_to_restricted_seals_the_rows_it_touched():
    events = [TimelineEventFactory(tier=Tier.INTERNAL, summary=f"event {i}") for i in range(3)]
    TimelineEvent.objects.filter(pk__in=[e.pk for e in events[:2]]).update(tier=Tier.RESTRICTED)
    assert raw(TimelineEvent, events[0].pk, "summary").startswith(SEALED_PREFIX)
    assert raw(TimelineEvent, events[1].pk, "summary").startswith(SEALED_PREFIX)
    assert raw(TimelineEvent, events[2].pk, "summary") == "event 2"


def test_a_bulk_update_of_the_text_of_restricted_rows_is_sealed_too():
    event = TimelineEventFactory(tier=Tier.RESTRICTED, summary="first")
    TimelineEvent.objects.filter(pk=event.pk).update(summary="second secret")
    assert raw(TimelineEvent, event.pk, "summary").startswith(SEALED_PREFIX)
    assert TimelineEvent.objects.get(pk=event.pk).summary == "second secret"


def test_str_of_a_restricted_record_names_it_without_its_content():
    source = SourceFactory(tier=Tier.RESTRICTED, title="insider report")
    assert "insider" not in str(source)
    assert str(source.pk) in str(source)
    assert str(SourceFactory(tier=Tier.INTERNAL, title="press release")) == "press release"
