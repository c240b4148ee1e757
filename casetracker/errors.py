"""Error reports that cannot carry restricted data."""

from __future__ import annotations

from django.views.debug import SafeExceptionReporterFilter


class NoLocalsExceptionReporterFilter(SafeExceptionReporterFilter):
    """Hide every frame's local variables and every POST value in error reports.

    Django's default filter hides only variables named like passwords; a decrypted
    relative's name in a local variable would reach an error e-mail. The traceback lines
    and exception type still tell a developer where it broke.
    """

    def get_traceback_frame_variables(self, request, tb_frame):
        return [("(hidden)", self.cleansed_substitute)]

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return {key: self.cleansed_substitute for key in request.POST}

    def is_active(self, request):
        return True
