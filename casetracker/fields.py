"""Model building blocks shared by every app: confidentiality tiers and partial dates."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casetracker.partialdate import PartialDate, Precision


class Tier(models.TextChoices):
    """Confidentiality tiers, least to most sensitive (DOMAIN.md "Confidentiality")."""

    PUBLIC = "public", _("Public")
    PARTNERS = "partners", _("Partners")
    INTERNAL = "internal", _("Internal")
    RESTRICTED = "restricted", _("Restricted")


TIER_RANK = {Tier.PUBLIC: 0, Tier.PARTNERS: 1, Tier.INTERNAL: 2, Tier.RESTRICTED: 3}


# Keyed by the plain string: a Tier member hashes by its name, not its value, so a lookup
# with the stored string "public" would miss a Tier-keyed dict.
_TIERS_UP_TO = {
    tier.value: [t for t, rank in TIER_RANK.items() if rank <= TIER_RANK[tier]] for tier in Tier
}


def tiers_up_to(tier: str) -> list[str]:
    """Every tier at most as sensitive as ``tier`` (a fresh list: callers may change it)."""
    tiers = _TIERS_UP_TO.get(str(tier))
    return list(tiers if tiers is not None else _TIERS_UP_TO[Tier(tier).value])


class PrecisionChoices(models.IntegerChoices):
    DAY = Precision.DAY, _("day")
    MONTH = Precision.MONTH, _("month")
    YEAR = Precision.YEAR, _("year")
    DECADE = Precision.DECADE, _("decade")


def tier_field(default: str = Tier.INTERNAL, **kw) -> models.CharField:
    # New records default to internal: forgetting to set a tier must never publish.
    return models.CharField(
        _("confidentiality tier"), max_length=10, choices=Tier.choices, default=default, **kw
    )


class PartialDateField:
    """Adds four concrete columns for one partial date and a ``PartialDate`` accessor.

    ``date = PartialDateField(_("date"))`` on a model contributes:
      ``date``               DateField, the first day of the period (indexed for sorting)
      ``date_precision``     day/month/year/decade (smallint)
      ``date_approximate``   "early 1980", "mid-February"
      ``date_as_written``    the source's words, kept verbatim
    and ``obj.date_partial`` (get/set a PartialDate or None). Ordering by
    ``(date, date_precision)`` puts "1 September 2016" before "September 2016".
    """

    def __init__(self, verbose_name: str, *, required: bool = False, db_index: bool = True):
        self.verbose_name = verbose_name
        self.required = required
        self.db_index = db_index

    def contribute_to_class(self, cls: type[models.Model], name: str) -> None:
        null = not self.required
        cls.add_to_class(
            name,
            models.DateField(self.verbose_name, null=null, blank=null, db_index=self.db_index),
        )
        cls.add_to_class(
            f"{name}_precision",
            models.PositiveSmallIntegerField(
                _("precision"), choices=PrecisionChoices.choices, default=PrecisionChoices.DAY
            ),
        )
        cls.add_to_class(
            f"{name}_approximate", models.BooleanField(_("approximate"), default=False)
        )
        cls.add_to_class(
            f"{name}_as_written", models.CharField(_("as written"), max_length=200, blank=True)
        )
        setattr(cls, f"{name}_partial", _PartialDateAccessor(name))


class _PartialDateAccessor:
    def __init__(self, name: str):
        self.name = name

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        value = getattr(obj, self.name)
        if value is None:
            return None
        return PartialDate(
            value,
            Precision(getattr(obj, f"{self.name}_precision")),
            getattr(obj, f"{self.name}_approximate"),
            getattr(obj, f"{self.name}_as_written"),
        )

    def __set__(self, obj, partial: PartialDate | None) -> None:
        n = self.name
        if partial is None:
            setattr(obj, n, None)
            setattr(obj, f"{n}_precision", PrecisionChoices.DAY)
            setattr(obj, f"{n}_approximate", False)
            setattr(obj, f"{n}_as_written", "")
            return
        setattr(obj, n, partial.value)
        setattr(obj, f"{n}_precision", int(partial.precision))
        setattr(obj, f"{n}_approximate", partial.approximate)
        setattr(obj, f"{n}_as_written", (partial.as_written or "")[:200])


def partial_date_constraints(name: str, label: str) -> list[models.BaseConstraint]:
    """Database rule: a month-precision date is stored on the 1st, a year on 1 January.

    ``label`` makes the constraint name unique across the project's tables.
    """
    month_ok = Q(**{f"{name}_precision__lt": Precision.MONTH}) | Q(**{f"{name}__day": 1})
    year_ok = Q(**{f"{name}_precision__lt": Precision.YEAR}) | Q(**{f"{name}__month": 1})
    return [
        models.CheckConstraint(
            condition=Q(**{f"{name}__isnull": True}) | (month_ok & year_ok),
            name=f"{label}_{name}_floored",
            violation_error_message=_("A partial date is stored as the first day of its period."),
        ),
        models.CheckConstraint(
            condition=Q(**{f"{name}_precision__in": [p.value for p in Precision]}),
            name=f"{label}_{name}_precision_valid",
        ),
    ]


def tier_constraint(label: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(tier__in=Tier.values), name=f"{label}_tier_valid")


def validate_partial_date(obj: models.Model, name: str) -> None:
    """Model.clean() helper: floor the value to its precision instead of failing."""
    partial = getattr(obj, f"{name}_partial")
    if partial is not None:
        setattr(obj, f"{name}_partial", partial)


def validate_date_order(obj: models.Model, start: str, end: str) -> None:
    s, e = getattr(obj, f"{start}_partial"), getattr(obj, f"{end}_partial")
    if s is not None and e is not None and e.latest < s.earliest:
        raise ValidationError({end: _("The end cannot be before the start.")})


def tier_safe_str(obj: models.Model, text: str) -> str:
    """``str()`` of a record: its text, unless the record is restricted.

    ``str()`` ends up where nobody checks tiers: admin history (LogEntry.object_repr and
    the change messages of inline edits), "recent actions", log lines, error messages. A
    restricted record is named by its type and id there, never by its content.
    """
    if getattr(obj, "tier", None) == Tier.RESTRICTED:
        return f"{obj._meta.verbose_name} #{obj.pk} ({Tier.RESTRICTED.label})"
    return text
