"""Schema post-processing: document the error answers every operation can give.

drf-spectacular documents the success response only; a client (and schemathesis, in
tests/api/test_schemathesis.py) must know that 400/401/403/404/405/406/415/429 — and 412/
413/428 for writes — come back as JSON in DRF's one error shape (casetracker.api.exceptions):
``{"detail": "..."}`` or, for validation errors, field name → list of reasons.
"""

from __future__ import annotations

ERROR_SCHEMA = {
    "type": "object",
    "description": "{'detail': message} or, for invalid input, {field: [reasons]}.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
COMMON = {
    "400": "Invalid request: every invalid field with its reason.",
    "401": "No credentials, or invalid ones (a partner token or an OTP-verified session).",
    "403": "Authenticated, but not allowed (role, or a CSRF token missing on a session write).",
    "404": "No such record, or one the caller may not see.",
    "405": "Method not allowed on this resource.",
    "406": "Cannot answer in the requested media type.",
    "429": "Rate limit reached; retry after the Retry-After header's seconds.",
}
WRITES = {
    "412": "The record changed since it was read (If-Match does not match its ETag).",
    "413": "The request body is too large.",
    "415": "Unsupported media type: send application/json.",
    "428": "Updates need an If-Match header with the record's ETag.",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for methods in result.get("paths", {}).values():
        for method, operation in methods.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = {**COMMON, **(WRITES if method in WRITE_METHODS else {})}
            for code, description in codes.items():
                operation["responses"].setdefault(
                    code, {"description": description, "content": error}
                )
    return result
