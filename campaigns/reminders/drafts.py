"""Drafted alerts: per-kind, per-language templates a campaigner edits before posting.

The case's language (``Case.language``) is used when a template exists for it, English
otherwise. Only facts the recipient may see go in: the name (when the person is
visible), the date, the number of days or years, the court of a visible hearing.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from django.utils import dateformat, translation
from django.utils.formats import number_format

from campaigns.reminders import rules

DATE_FORMATS = {"en": "j F Y", "fr": "j F Y", "es": r"j \d\e F \d\e Y"}

# (title, text) per kind. Placeholders: name, date, days, years, court_part, day_name.
TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "en": {
        rules.HEARING: (
            "Hearing on {date}",
            "Ahead of the hearing on {date}{court_part}, we call for the immediate and "
            "unconditional release of {name}.",
        ),
        rules.CUSTODY_EXPIRY: (
            "Custody runs out on {date}",
            "{name}'s custody is due to run out on {date}. The authorities must not extend "
            "it: release {name} now.",
        ),
        rules.MILESTONE: (
            "Day {days} of detention",
            "{name} marks {days} days arbitrarily detained on baseless charges.",
        ),
        rules.ANNIVERSARY: (
            "{years} in detention",
            "On {date}, {name} marks {years} arbitrarily detained on baseless charges.",
        ),
        rules.BIRTHDAY: (
            "Birthday in detention",
            "On {date}, {name} spends another birthday in detention. We call for their release.",
        ),
        rules.INTERNATIONAL_DAY: (
            "{day_name}",
            "On {day_name} ({date}), we stand with {name}, arbitrarily detained on baseless "
            "charges.",
        ),
    },
    "fr": {
        rules.HEARING: (
            "Audience le {date}",
            "À l'approche de l'audience du {date}{court_part}, nous appelons à la libération "
            "immédiate et inconditionnelle de {name}.",
        ),
        rules.CUSTODY_EXPIRY: (
            "Fin de la détention provisoire le {date}",
            "La détention provisoire de {name} doit prendre fin le {date}. Les autorités ne "
            "doivent pas la prolonger : libérez {name}.",
        ),
        rules.MILESTONE: (
            "{days}e jour de détention",
            "{name} compte {days} jours de détention arbitraire sur la base d'accusations "
            "infondées.",
        ),
        rules.ANNIVERSARY: (
            "{years} de détention",
            "Le {date}, {name} compte {years} de détention arbitraire sur la base "
            "d'accusations infondées.",
        ),
        rules.BIRTHDAY: (
            "Anniversaire en détention",
            "Le {date}, {name} passe un nouvel anniversaire en détention. Nous demandons sa "
            "libération.",
        ),
        rules.INTERNATIONAL_DAY: (
            "{day_name}",
            "En cette {day_name} ({date}), nous sommes aux côtés de {name}, détenu·e "
            "arbitrairement.",
        ),
    },
    "es": {
        rules.HEARING: (
            "Audiencia el {date}",
            "Antes de la audiencia del {date}{court_part}, pedimos la liberación inmediata e "
            "incondicional de {name}.",
        ),
        rules.CUSTODY_EXPIRY: (
            "Fin de la prisión preventiva el {date}",
            "La prisión preventiva de {name} vence el {date}. Las autoridades no deben "
            "prorrogarla: liberen a {name}.",
        ),
        rules.MILESTONE: (
            "Día {days} de detención",
            "{name} cumple {days} días en detención arbitraria por cargos infundados.",
        ),
        rules.ANNIVERSARY: (
            "{years} de detención",
            "El {date}, {name} cumple {years} en detención arbitraria por cargos infundados.",
        ),
        rules.BIRTHDAY: (
            "Cumpleaños en detención",
            "El {date}, {name} pasa otro cumpleaños en detención. Pedimos su liberación.",
        ),
        rules.INTERNATIONAL_DAY: (
            "{day_name}",
            "En el {day_name} ({date}), estamos con {name}, en detención arbitraria.",
        ),
    },
}

COURT_PARTS = {"en": " before {court}", "fr": " devant {court}", "es": " ante {court}"}
YEARS = {
    "en": ("one year", "{n} years"),
    "fr": ("un an", "{n} ans"),
    "es": ("un año", "{n} años"),
}
DAY_NAMES = {
    "en": {
        "endangered_lawyer": "the Day of the Endangered Lawyer",
        "political_prisoners": "the International Day of Political Prisoners",
        "human_rights_defenders": "Human Rights Defenders Day",
        "human_rights": "Human Rights Day",
    },
    "fr": {
        "endangered_lawyer": "Journée de l'avocat·e en danger",
        "political_prisoners": "Journée internationale des prisonniers politiques",
        "human_rights_defenders": "Journée des défenseur·es des droits humains",
        "human_rights": "Journée des droits humains",
    },
    "es": {
        "endangered_lawyer": "Día de la Abogacía en Riesgo",
        "political_prisoners": "Día Internacional de los Presos Políticos",
        "human_rights_defenders": "Día de las Personas Defensoras de Derechos Humanos",
        "human_rights": "Día de los Derechos Humanos",
    },
}


@dataclass(frozen=True)
class Draft:
    title: str
    text: str
    language: str


def template_language(language: str) -> str:
    code = (language or "en").lower().replace("_", "-").split("-")[0]
    return code if code in TEMPLATES else "en"


def format_date(day: dt.date, language: str) -> str:
    return _format_date(day, template_language(language))


# Pure in (value, language) for a given deployment's settings; the planner drafts hundreds
# of thousands of alerts over a few dozen dates, and translation.override is not cheap.
@functools.lru_cache(maxsize=4096)
def _format_date(day: dt.date, lang: str) -> str:
    with translation.override(lang):
        return dateformat.format(day, DATE_FORMATS[lang])


@functools.lru_cache(maxsize=4096)
def _format_number(n: int, lang: str) -> str:
    with translation.override(lang):
        return number_format(n, force_grouping=True)


def draft_for(occurrence: rules.Occurrence, *, name: str, language: str, court: str = "") -> Draft:
    lang = template_language(language)
    title, text = TEMPLATES[lang][occurrence.kind]
    days = _format_number(occurrence.number or 0, lang)
    one, many = YEARS[lang]
    values = {
        "name": name,
        "date": _format_date(occurrence.date, lang),
        "days": days,
        "years": one if occurrence.number == 1 else many.format(n=occurrence.number),
        "court_part": COURT_PARTS[lang].format(court=court) if court else "",
        "day_name": DAY_NAMES[lang].get(occurrence.code, ""),
    }
    title = title.format(**values)
    return Draft(title=title[:1].upper() + title[1:], text=text.format(**values), language=lang)
