"""What each role may do: the one role → capability map (issue 6, "Organisations and roles").

Reading is decided by casetracker.visibility (which rows exist for a viewer); these
functions decide actions on rows the viewer can already see. The admin, the API, the
reminders and the exports ask here instead of testing roles themselves.

  administrator  edits its organisation's cases, shares them, manages members and campaigns
  caseworker     edits cases its organisation owns or was granted edit on
  campaigner     reads; manages campaigns, subscriptions and alerts
  auditor        reads; reads the audit trail of its organisation
  partner        API only: reads what was shared with its organisation
A superuser without a membership is a platform operator: every case up to internal, never
restricted content, and not an editor of case data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from casetracker.fields import TIER_RANK, Tier
from casetracker.visibility import Viewer, visible

if TYPE_CHECKING:
    from cases.models import Case

EDITOR_ROLES = frozenset({"administrator", "caseworker"})
CAMPAIGN_ROLES = frozenset({"administrator", "campaigner"})


def _owns(viewer: Viewer, case: Case) -> bool:
    return viewer.organisation_id is not None and case.owner_id == viewer.organisation_id


def can_view_case(viewer: Viewer, case: Case) -> bool:
    from cases.models import Case

    return visible(viewer, Case).filter(pk=case.pk).exists()


def can_edit_case(viewer: Viewer, case: Case) -> bool:
    """Editors of the owning organisation, or of an organisation granted edit on the case."""
    if viewer.role not in EDITOR_ROLES or not can_view_case(viewer, case):
        return False
    if _owns(viewer, case):
        return True
    return case.shares.filter(organisation_id=viewer.organisation_id, can_edit=True).exists()


def can_edit_record(viewer: Viewer, record) -> bool:
    """A timeline event, hearing, note ...: edit rights on its case and sight of its tier."""
    if not can_edit_case(viewer, record.case):
        return False
    return visible(viewer, type(record)).filter(pk=record.pk).exists()


def can_set_tier(viewer: Viewer, case: Case, tier: str) -> bool:
    """Marking something restricted needs a named staff member of the owner."""
    if TIER_RANK[Tier(tier)] < TIER_RANK[Tier.RESTRICTED]:
        return can_edit_case(viewer, case)
    return can_read_restricted(viewer, case) and viewer.role in EDITOR_ROLES


def can_share_case(viewer: Viewer, case: Case) -> bool:
    return viewer.role in EDITOR_ROLES and _owns(viewer, case)


def can_read_restricted(viewer: Viewer, case: Case) -> bool:
    """Restricted content of a case: named staff (may_read_restricted) of its owner only."""
    return viewer.is_staff_member and viewer.may_read_restricted and _owns(viewer, case)


def can_read_restricted_of(viewer: Viewer, obj) -> bool:
    """Restricted fields of any record: through its case, or a person's cases.

    A person in no case yet (being entered) is readable by any named staff member; once
    in a case, only named staff of an organisation owning one of the person's cases.
    """
    from cases.models import Case
    from people.models import Person

    if not (viewer.is_staff_member and viewer.may_read_restricted):
        return False
    if isinstance(obj, Case):
        return can_read_restricted(viewer, obj)
    if isinstance(obj, Person):
        owners = set(obj.cases.values_list("owner_id", flat=True))
        return not owners or viewer.organisation_id in owners
    case = getattr(obj, "case", None)
    return case is not None and can_read_restricted(viewer, case)


def can_manage_campaigns(viewer: Viewer) -> bool:
    return viewer.role in CAMPAIGN_ROLES


def can_manage_subscriptions(viewer: Viewer) -> bool:
    return viewer.role in CAMPAIGN_ROLES


def can_read_audit(viewer: Viewer) -> bool:
    return viewer.role == "auditor" or (viewer.is_superuser and viewer.organisation_id is None)


def can_manage_members(viewer: Viewer) -> bool:
    return viewer.role == "administrator"


def can_export(viewer: Viewer) -> bool:
    """Bulk exports leave the system, so each is audited. Staff who work the cases may
    export; so may partners, whose CSV holds exactly what their API reads already return.
    Auditors read the trail, not the cases' data in bulk."""
    if viewer.is_superuser and viewer.organisation_id is None:
        return True
    return viewer.role in EDITOR_ROLES | CAMPAIGN_ROLES | {"partner"}


def can_use_admin(viewer: Viewer) -> bool:
    return viewer.is_staff_member or (viewer.is_superuser and viewer.organisation_id is None)


def can_use_api(viewer: Viewer) -> bool:
    return viewer.is_partner or viewer.is_staff_member


def can_receive_case_alerts(viewer: Viewer, case: Case) -> bool:
    """Reminder and alert recipients: accounts that can see the case."""
    return (viewer.is_staff_member or viewer.is_partner) and can_view_case(viewer, case)


def permission_decision(reason: str):
    """Mark a plain Django view as having an explicit access decision (route inventory).

    ``@permission_decision("public: liveness probe, no data")``. DRF views declare
    ``permission_classes`` instead; admin views are decided by the admin site.
    """

    def mark(view):
        view.permission_decision = reason
        return view

    return mark
