"""JSON out through orjson, byte-for-byte what DRF's JSONRenderer would give for our data.

DRF's renderer runs the standard library's encoder (~14 ms of a 500-case page, issue 7).
Types orjson would format differently from DRF — date, time, datetime, Decimal, lazy
translations — are passed to DRF's own encoder, so the text of every value is unchanged.
No API field is a float (orjson writes 1e-7 where json writes 1e-07); tests/api/
test_renderer.py compares both renderers' bytes.
"""

from __future__ import annotations

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
_drf_default = JSONEncoder().default


class OrjsonRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        # DRF escapes the two line separators JavaScript does not allow in a string literal.
        return (
            orjson.dumps(data, default=_drf_default, option=_OPTIONS)
            .replace(b"\xe2\x80\xa8", b"\\u2028")
            .replace(b"\xe2\x80\xa9", b"\\u2029")
        )
