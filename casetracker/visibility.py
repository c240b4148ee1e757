"""The one visibility layer: who may see which record.

Every view, admin page, export, feed and job gets its querysets from ``visible()``; none
filters by tier on its own. A record the viewer may not see simply is not in the
queryset, so views answer 404 and counts, filters and search results cannot reveal it.

Rules (DOMAIN.md "Confidentiality"), for a record of tier T on case C:
- public:     anyone, when C is public and C's publicity consent allows exposure;
- owner staff (members of C's owning organisation): T up to internal, and restricted
  only for staff named with ``may_read_restricted``;
- a share of C with organisation O up to tier S: O's staff and partners see T up to S
  (S is partners or internal, never restricted);
- a superuser without a membership: up to internal on every case, never restricted.
The case row itself obeys the same rule with T = C.tier, and a child record is visible
only if its case is.

Page-scoped variant (``case_record_tiers`` / ``case_records_q`` / ``visible_records_of_case``):
``visible()`` is the one entry point; the only exceptions are the API's case list, which,
after reading a page of cases, fetches their charges, hearings and detentions, and the
admin's case change page, which reads the inline records and choice lists of one case.
Re-running ``case_visibility_q`` for each child table joins every child row to its case
and evaluates the share EXISTS again.
The page-scoped variant instead evaluates, in Python, the very same disjunction for each
case of the page — the public branch (C public with consent), the owner branch (C owned by
the viewer's organisation, C.tier in own tiers), each share branch (a share of C with the
viewer's organisation at tier S, C.tier up to S) and the superuser branch — reading the
case's own columns from the fetched row and the viewer's shares of those cases in one
query. Each branch that holds contributes its tier set for T, and every branch of
``case_visibility_q`` is "branch condition on C" AND "T in that set", so the child Q
``case_id = C AND tier IN (union of the sets)`` selects exactly the children ``visible()``
selects for C (for any C, visible or not). ``tests/visibility/test_page_scoped.py`` compares
both over randomised worlds on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import NamedTuple

from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from casetracker import lookups  # noqa: F401  (registers field__any, used below)
from casetracker.fields import Tier, tiers_up_to

STAFF_ROLES = frozenset({"administrator", "caseworker", "campaigner", "auditor"})


@dataclass(frozen=True)
class Viewer:
    user_id: int | None = None
    organisation_id: int | None = None
    role: str | None = None
    is_superuser: bool = False
    may_read_restricted: bool = False

    @classmethod
    def anonymous(cls) -> Viewer:
        return cls()

    @classmethod
    def for_user(cls, user) -> Viewer:
        """Build from a Django user (anonymous, staff member, partner or superuser)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return cls.anonymous()
        membership = getattr(user, "membership", None)
        if membership is None:
            return cls(user_id=user.pk, is_superuser=user.is_superuser)
        return cls(
            user_id=user.pk,
            organisation_id=membership.organisation_id,
            role=membership.role,
            is_superuser=user.is_superuser,
            may_read_restricted=membership.may_read_restricted,
        )

    def without_restricted(self) -> Viewer:
        """The same viewer, capped at internal: for every channel that leaves the admin.

        Restricted content is "never in the API, logs, task payloads, emails" (DOMAIN.md):
        the API, the change feed, exports, reminders, drafts and calendar feeds read through
        this cap, so a named staff member's token-free session, subscription or feed gets
        what an unnamed colleague would. Only the admin shows restricted content, audited.
        """
        return replace(self, may_read_restricted=False)

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    @property
    def is_staff_member(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_partner(self) -> bool:
        return self.role == "partner"

    def own_tiers(self) -> list[str]:
        """Tiers the viewer sees on cases their own organisation owns."""
        if not self.is_staff_member:
            return []
        return tiers_up_to(Tier.RESTRICTED if self.may_read_restricted else Tier.INTERNAL)


def case_visibility_q(viewer: Viewer, *, case_path: str = "", tier_path: str = "tier") -> Q:
    """Q for rows whose case is at ``case_path`` ('' for Case, 'case__' for children)."""
    c = case_path
    consent = Q(**{f"{c}tier": Tier.PUBLIC, f"{c}consent": "public"}) | Q(
        **{
            f"{c}tier": Tier.PUBLIC,
            f"{c}consent": "public_after_verdict",
            f"{c}verdict_reached": True,
        }
    )
    q = Q(**{tier_path: Tier.PUBLIC}) & consent
    if viewer.is_anonymous:
        return q
    if viewer.is_superuser and viewer.organisation_id is None:
        internal = tiers_up_to(Tier.INTERNAL)
        return q | Q(**{f"{tier_path}__in": internal, f"{c}tier__in": internal})
    if viewer.organisation_id is None:
        return q
    own = viewer.own_tiers()
    if own:
        q |= Q(
            **{f"{c}owner_id": viewer.organisation_id, f"{tier_path}__in": own, f"{c}tier__in": own}
        )
    return q | _share_q(viewer, c, tier_path)


def _share_q(viewer: Viewer, case_path: str, tier_path: str) -> Q:
    from cases.models import CaseShare

    case_ref = OuterRef(f"{case_path}pk" if case_path else "pk")
    q = Q()
    # Exists() rather than a join through shares: a join would repeat a case once per share.
    for share_tier in (Tier.PARTNERS, Tier.INTERNAL):
        grants = tiers_up_to(share_tier)
        shared = Exists(
            CaseShare.objects.filter(
                case=case_ref, organisation_id=viewer.organisation_id, tier=share_tier
            )
        )
        q |= shared & Q(**{f"{tier_path}__in": grants, f"{case_path}tier__in": grants})
    return q


class CaseFacts(NamedTuple):
    """The columns of a case that decide who sees its records."""

    pk: int
    tier: str
    consent: str
    verdict_reached: bool
    owner_id: int

    @classmethod
    def of(cls, case) -> CaseFacts:
        """From a Case instance or a ``.values()`` row (keys pk, tier, consent, …)."""
        if isinstance(case, dict):
            return cls(
                case["pk"], case["tier"], case["consent"], case["verdict_reached"], case["owner_id"]
            )
        return cls(case.pk, case.tier, case.consent, case.verdict_reached, case.owner_id)


def _case_branch_tiers(viewer: Viewer, case: CaseFacts, share_tiers: set[str]) -> set[str]:
    """The tiers T for which ``case_visibility_q`` holds on ``case`` (see module docstring)."""
    ct = case.tier
    tiers: set[str] = set()
    if ct == Tier.PUBLIC and (
        case.consent == "public"
        or (case.consent == "public_after_verdict" and case.verdict_reached is True)
    ):
        tiers.add(Tier.PUBLIC)
    if viewer.is_anonymous:
        return tiers
    if viewer.is_superuser and viewer.organisation_id is None:
        internal = tiers_up_to(Tier.INTERNAL)
        return tiers | set(internal) if ct in internal else tiers
    if viewer.organisation_id is None:
        return tiers
    own = viewer.own_tiers()
    if own and case.owner_id == viewer.organisation_id and ct in own:
        tiers.update(own)
    for share_tier in (Tier.PARTNERS, Tier.INTERNAL):
        grants = tiers_up_to(share_tier)
        if share_tier in share_tiers and ct in grants:
            tiers.update(grants)
    return tiers


def case_record_tiers(viewer: Viewer, cases) -> dict[int, frozenset[str]]:
    """Per case (Case instances or ``.values()`` rows with pk, tier, consent,
    verdict_reached, owner_id): the tiers of its child records ``viewer`` may see. One
    query (the viewer's shares of these cases)."""
    from cases.models import CaseShare

    cases = [CaseFacts.of(c) for c in cases]
    shares: dict[int, set[str]] = {}
    if viewer.organisation_id is not None and not (
        viewer.is_superuser and viewer.organisation_id is None
    ):
        rows = CaseShare.objects.filter(
            case_id__any=[c.pk for c in cases], organisation_id=viewer.organisation_id
        ).values_list("case_id", "tier")
        for case_id, tier in rows:
            shares.setdefault(case_id, set()).add(tier)
    return {c.pk: frozenset(_case_branch_tiers(viewer, c, shares.get(c.pk, set()))) for c in cases}


def case_records_q(viewer: Viewer, cases, record_tiers: dict | None = None) -> Q:
    """Q for the child records of ``cases`` that ``visible()`` would give ``viewer``, without
    the case predicate: ``case_id IN (…) AND tier IN (…)``, one term per distinct grant.
    ``record_tiers``: ``case_record_tiers(viewer, cases)`` if the caller has it already."""
    groups: dict[frozenset[str], list[int]] = {}
    if record_tiers is None:
        record_tiers = case_record_tiers(viewer, cases)
    for case_id, tiers in record_tiers.items():
        if tiers:
            groups.setdefault(tiers, []).append(case_id)
    q = Q(pk__in=[])
    for tiers, ids in groups.items():
        q |= Q(case_id__any=sorted(ids), tier__in=sorted(tiers))
    return q


def case_people_q(viewer: Viewer, cases: list[dict], record_tiers: dict) -> Q:
    """Q for the people of ``cases`` that ``visible(viewer, Person)`` gives.

    ``cases``: ``.values()`` rows with pk, person_id and person__tier; ``record_tiers``:
    ``case_record_tiers(viewer, cases)``. A person P of case C is visible through C exactly
    when P's tier is among C's record tiers (``visible_people``'s via-case branch is
    ``case_visibility_q`` with T = P.tier, evaluated on C). Those are decided here; people
    not visible through their case on the page may still be visible through another case,
    so they are left to ``visible()`` — normally a handful, which PostgreSQL checks by
    index probes instead of hashing every share of the viewer's organisation.
    """
    sure: set[int] = set()
    rest: set[int] = set()
    for case in cases:
        person_id = case["person_id"]
        if person_id is None:
            continue
        if case["person__tier"] in record_tiers.get(case["pk"], ()):
            sure.add(person_id)
        else:
            rest.add(person_id)
    from people.models import Person

    q = Q(pk__in=[])
    if sure:
        q |= Q(pk__any=sorted(sure))
    if rest - sure:
        q |= Q(pk__in=visible(viewer, Person).filter(pk__any=sorted(rest - sure)).values("pk"))
    return q


def is_case_record_model(model: type[Model]) -> bool:
    """Models ``visible()`` filters with ``visible_case_records`` (the case's rule, own tier)."""
    return model not in _handlers() and any(f.name == "case" for f in model._meta.fields)


def visible_records_of_case(
    viewer: Viewer, model: type[Model], case, qs: QuerySet | None = None, *, grant=None
) -> QuerySet:
    """``visible(viewer, model, qs).filter(case=case)``, page-scoped for one case.

    For a case record model: ``case_id = C AND tier IN (C's grant)`` (module docstring),
    instead of joining every row to its case and evaluating the share EXISTS again. The
    admin's case change page reads nine inlines and five choice lists of one case this
    way. ``grant`` is ``case_record_tiers(viewer, [case])[case.pk]`` when the caller
    already has it (it costs one query); ``case`` needs its tier, consent,
    verdict_reached and owner_id. Any other model goes through ``visible()``.
    ``tests/casetracker/test_visibility_page_scoped.py`` compares both.
    """
    qs = model._default_manager.all() if qs is None else qs
    if not is_case_record_model(model):
        return visible(viewer, model, qs).filter(case=case)
    if grant is None:
        grant = case_record_tiers(viewer, [case])[case.pk]
    if not grant:
        return qs.none()
    return qs.filter(case_id=case.pk, tier__in=sorted(grant))


def global_tiers(viewer: Viewer) -> list[str]:
    """Tiers for records that belong to no case (people without cases, campaigns' extras)."""
    if viewer.is_anonymous:
        return [Tier.PUBLIC]
    if viewer.is_staff_member or viewer.is_superuser:
        return tiers_up_to(Tier.INTERNAL)
    return [Tier.PUBLIC]


# -- per-model querysets ------------------------------------------------------------------
def visible_cases(viewer: Viewer, qs: QuerySet | None = None) -> QuerySet:
    from cases.models import Case

    qs = Case.objects.all() if qs is None else qs
    return qs.filter(case_visibility_q(viewer))


def visible_case_records(viewer: Viewer, qs: QuerySet) -> QuerySet:
    """Timeline events, charges, hearings, detentions, sources, review items, documents."""
    return qs.filter(case_visibility_q(viewer, case_path="case__"))


def visible_people(viewer: Viewer, qs: QuerySet | None = None) -> QuerySet:
    from cases.models import Case
    from people.models import Person

    qs = Person.objects.all() if qs is None else qs
    via_case = Exists(
        Case.objects.filter(
            case_visibility_q(viewer, tier_path="person__tier"), person=OuterRef("pk")
        )
    )
    # A person in somebody's case is as visible as that case allows; only people in no
    # case at all (lawyers, officials, contacts) fall back to the staff-wide tiers. Without
    # the ~in_a_case guard, staff of B would see an internal-tier person of A's case.
    in_a_case = Exists(Case.objects.filter(person=OuterRef("pk")))
    own = (
        Q(tier__in=global_tiers(viewer)) & ~in_a_case
        if viewer.is_staff_member or (viewer.is_superuser and viewer.organisation_id is None)
        else Q(pk__in=[])
    )
    return qs.filter(via_case | own)


def visible_organisations(viewer: Viewer, qs: QuerySet | None = None) -> QuerySet:
    from people.models import Organisation

    qs = Organisation.objects.all() if qs is None else qs
    return qs if not viewer.is_anonymous else qs.none()


def visible_campaigns(viewer: Viewer, qs: QuerySet | None = None) -> QuerySet:
    from campaigns.models import Campaign

    qs = Campaign.objects.all() if qs is None else qs
    q = Q(tier=Tier.PUBLIC)
    if viewer.organisation_id is not None:
        own = viewer.own_tiers()
        if own:
            q |= Q(owner_id=viewer.organisation_id, tier__in=own)
        q |= Q(tier=Tier.PARTNERS, organisers__id=viewer.organisation_id)
    if viewer.is_staff_member or viewer.is_superuser:
        q |= Q(tier=Tier.PARTNERS)
    return qs.filter(q).distinct() if viewer.organisation_id else qs.filter(q)


def visible_shares(viewer: Viewer, qs: QuerySet) -> QuerySet:
    """Owner staff see every share of their visible cases; others only their own share."""
    if viewer.is_anonymous:
        return qs.none()
    cases = visible_cases(viewer).values("pk")
    if viewer.is_superuser and viewer.organisation_id is None:
        return qs.filter(case__in=cases)
    mine = Q(organisation_id=viewer.organisation_id)
    if viewer.is_staff_member:
        mine |= Q(case__owner_id=viewer.organisation_id)
    return qs.filter(mine, case__in=cases)


def visible_audit_entries(viewer: Viewer, qs: QuerySet) -> QuerySet:
    """Auditors read the trail of their own organisation: its cases and its people's acts.

    An auditor of A never sees B's case rows: changed values of B's cases are in them.
    """
    from cases.models import Case
    from people.models import Membership

    if viewer.is_superuser and viewer.organisation_id is None:
        return qs
    if viewer.role != "auditor" and not viewer.is_superuser:
        return qs.none()
    own_cases = Case.objects.filter(owner_id=viewer.organisation_id).values("pk")
    own_users = Membership.objects.filter(organisation_id=viewer.organisation_id).values("user_id")
    return qs.filter(Q(case_id__in=own_cases) | Q(case_id__isnull=True, user_id__in=own_users))


# Reference data every signed-in account (staff and partners) may read.
REFERENCE_MODELS = frozenset({"cases.facility", "campaigns.countryrating"})


def _visible_signatories(viewer: Viewer, qs: QuerySet) -> QuerySet:
    return qs.filter(
        campaign__in=visible_campaigns(viewer).values("pk"), tier__in=global_tiers(viewer)
    )


def _visible_affiliations(viewer: Viewer, qs: QuerySet) -> QuerySet:
    return qs.filter(person__in=visible_people(viewer).values("pk"), tier__in=global_tiers(viewer))


@lru_cache(maxsize=1)
def _handlers() -> dict:
    from campaigns.models import Campaign, Signatory
    from cases.models import Case, CaseShare
    from people.models import Affiliation, AuditEntry, Organisation, Person

    return {
        Case: visible_cases,
        CaseShare: visible_shares,
        AuditEntry: visible_audit_entries,
        Person: visible_people,
        Organisation: visible_organisations,
        Campaign: visible_campaigns,
        Signatory: _visible_signatories,
        Affiliation: _visible_affiliations,
    }


def visible(viewer: Viewer, model: type[Model], qs: QuerySet | None = None) -> QuerySet:
    """The entry point: ``visible(viewer, Hearing)`` → the hearings ``viewer`` may see."""
    if qs is None:
        # A fresh clone of the memoised queryset: the filter depends only on the (frozen)
        # viewer and the model, and resolving its EXISTS subqueries was ~10 ms of a search
        # request that asks for it three times (issue 7). Callers chain on the clone; the
        # memoised queryset itself is never evaluated.
        return _visible_all(viewer, model).all()
    return _visible(viewer, model, qs)


@lru_cache(maxsize=1024)
def _visible_all(viewer: Viewer, model: type[Model]) -> QuerySet:
    return _visible(viewer, model, model._default_manager.all())


def _visible(viewer: Viewer, model: type[Model], qs: QuerySet) -> QuerySet:
    handler = _handlers().get(model)
    if handler is not None:
        return handler(viewer, qs)
    if any(f.name == "case" for f in model._meta.fields):
        return visible_case_records(viewer, qs)
    if model._meta.label_lower in REFERENCE_MODELS and not viewer.is_anonymous:
        return qs
    # Anything else (accounts, tokens, settings-like rows) is staff-only; partners are
    # outsiders and get nothing they were not explicitly given.
    if viewer.is_staff_member or viewer.is_superuser:
        return qs
    return qs.none()
