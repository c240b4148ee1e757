"""One error shape: DRF's, with Django's own exceptions mapped to 4xx instead of 500."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.views import exception_handler

from casetracker.permissions import permission_decision


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = _("This update needs an If-Match header with the record's ETag.")
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = _(
        "The record changed since you read it (ETag mismatch); fetch it again and retry."
    )
    default_code = "precondition_failed"


def django_validation_to_drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        detail = {
            ("non_field_errors" if k == "__all__" else k): [str(m) for e in v for m in e.messages]
            for k, v in exc.error_dict.items()
        }
    else:
        detail = {"non_field_errors": [str(m) for m in exc.messages]}
    return exceptions.ValidationError(detail)


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = django_validation_to_drf(exc)
    elif isinstance(exc, RequestDataTooBig):
        # Django's DATA_UPLOAD_MAX_MEMORY_SIZE tripped before our parser's own limit.
        from casetracker.api.parsers import RequestTooLarge

        exc = RequestTooLarge()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    return exception_handler(exc, context)


@permission_decision("public: JSON 404 for paths under /api/v1/ that name no endpoint; no data")
def api_not_found(request, path: str = ""):
    """Unknown API paths (``/cases/-1/``, typos) answer in the API's error shape, not HTML."""
    return JsonResponse({"detail": str(_("Not found."))}, status=404)
