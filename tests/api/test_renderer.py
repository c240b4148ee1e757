"""The API's orjson renderer writes exactly the bytes DRF's JSONRenderer would."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
import zoneinfo

from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from casetracker.api.renderers import OrjsonRenderer

KOLKATA = zoneinfo.ZoneInfo("Asia/Kolkata")
PAYLOADS = [
    {"results": [], "next": None, "previous": None},
    {
        "id": 2**62,
        "title": "Khurram Parvez — خرم پرویز",
        "separators": "a\u2028b\u2029c",
        "controls": 'tab\there\nnew line \x01 \\ "quoted"',
        "emoji": "🕊️",
        "flags": [True, False, None],
        "nested": {"list": [1, 2.5, -0.0, 0.125], "empty": {}},
    },
    {
        "date": dt.date(2021, 11, 22),
        "time": dt.time(10, 30, 15, 123456),
        "utc": dt.datetime(2021, 11, 22, 5, 30, tzinfo=dt.UTC),
        "micro": dt.datetime(2021, 11, 22, 5, 30, 1, 987654, tzinfo=dt.UTC),
        "local": dt.datetime(2021, 11, 22, 11, 0, tzinfo=KOLKATA),
        "naive": dt.datetime(2021, 11, 22, 11, 0),
        "span": dt.timedelta(days=2, seconds=5),
        "money": decimal.Decimal("12.50"),
        "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "lazy": gettext_lazy("Unknown query parameter."),
        "tuple": (1, "two"),
    },
    ReturnDict({"a": ReturnList([1, 2], serializer=None)}, serializer=None),
    ["a list", {"at": "the top"}],
]


def test_orjson_renderer_writes_the_same_bytes_as_drf_json_renderer():
    for payload in PAYLOADS:
        assert OrjsonRenderer().render(payload) == JSONRenderer().render(payload), payload


def test_orjson_renderer_renders_nothing_for_no_data():
    assert OrjsonRenderer().render(None) == JSONRenderer().render(None) == b""
