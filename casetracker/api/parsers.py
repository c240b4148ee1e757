"""A JSON parser with a size limit and a nesting limit (bad input is a 4xx, never a 500)."""

from __future__ import annotations

import json

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser

MAX_DEPTH = 20


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "request_too_large"


def _depth(value, limit: int) -> int:
    """Nesting depth, iteratively (a recursive walk could itself overflow)."""
    stack, deepest = [(value, 1)], 0
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return depth
        deepest = max(deepest, depth)
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        )
        stack.extend((child, depth + 1) for child in children)
    return deepest


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY_BYTES
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise RequestTooLarge(_("The request body is larger than %d bytes.") % limit)
        try:
            data = json.loads(body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise exceptions.ParseError(_("JSON parse error: %s") % exc) from None
        except RecursionError:
            raise exceptions.ParseError(_("The JSON is nested too deeply.")) from None
        if _depth(data, MAX_DEPTH) > MAX_DEPTH:
            raise exceptions.ParseError(
                _("The JSON is nested more than %d levels deep.") % MAX_DEPTH
            )
        return data
