"""Who may write to a case through the API (reads are the visibility layer's business).

Caseworkers and administrators of the owning organisation, and of an organisation the
case is shared with ``can_edit``; a superuser without a membership. Tiers a writer may
set are the ones they can read afterwards (restricted only for named staff).
"""

from __future__ import annotations

from casetracker.fields import Tier, tiers_up_to
from casetracker.visibility import Viewer

WRITER_ROLES = frozenset({"administrator", "caseworker"})


def _is_global_admin(viewer: Viewer) -> bool:
    return viewer.is_superuser and viewer.organisation_id is None


def can_create_case(viewer: Viewer) -> bool:
    return viewer.role in WRITER_ROLES and viewer.organisation_id is not None


def writable_tiers(viewer: Viewer, case) -> list[str]:
    """Tiers ``viewer`` may give records of ``case``; empty when they may not edit it."""
    from cases.models import CaseShare

    if _is_global_admin(viewer):
        return tiers_up_to(Tier.INTERNAL)
    if viewer.role not in WRITER_ROLES or viewer.organisation_id is None:
        return []
    if case.owner_id == viewer.organisation_id:
        return viewer.own_tiers()
    share = CaseShare.objects.filter(
        case=case, organisation_id=viewer.organisation_id, can_edit=True
    ).first()
    return tiers_up_to(share.tier) if share else []


def can_edit_case(viewer: Viewer, case) -> bool:
    return bool(writable_tiers(viewer, case))
