"""casetracker settings: one module, read from the environment, with embedded defaults.

With no environment at all you get a development set-up: SQLite in ./var/, tasks run
inline, e-mail to the console. Production sets DJANGO_DEBUG=False and the variables
listed in README.md ("Configuration"); the app then refuses to start with a default key.
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
env.smart_cast = False

DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEV_SECRET_KEY)
if not DEBUG and (SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters "
        "when DJANGO_DEBUG=False."
    )
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("CASETRACKER_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # The admin site is casetracker.admin_site.CasetrackerAdminSite (TOTP required).
    "casetracker.apps.CasetrackerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_countries",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "people",
    "cases",
    "campaigns",
    "seeds",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "casetracker.middleware.ReleaseRenderedDataMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "casetracker.middleware.SessionAbsoluteTimeoutMiddleware",
    "casetracker.middleware.AuditContextMiddleware",
    "casetracker.middleware.NoStoreWhenAuthenticatedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout into a 429 response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "casetracker.urls"
# Django's widget templates, with selects, inputs and textareas written in Python (same
# HTML; the change page renders ~280 widgets). See casetracker/form_renderer.py.
FORM_RENDERER = "casetracker.form_renderer.FastWidgetRenderer"
WSGI_APPLICATION = "casetracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "casetracker" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# -- database ---------------------------------------------------------------------------
# SQLite is the embedded default; production and CI set DATABASE_URL=postgres://...
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'casetracker.sqlite3'}")
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if not IS_POSTGRES:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# -- i18n -------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish")), ("ru", _("Russian"))]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# -- static files (served by whitenoise; the API docs use local sidecar assets) ---------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# -- cache ------------------------------------------------------------------------------
# Per-process memory by default. Production sets CACHE_URL=redis://... so API throttles
# (per partner token) are shared by every gunicorn worker instead of counted per worker.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# -- e-mail -----------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="casetracker <alerts@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# -- Celery -----------------------------------------------------------------------------
# Without a broker, tasks run inline (eager) so a laptop needs nothing but Python.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Delivery safety: a task is acknowledged only after it ran, redelivered if its worker
# dies, and a worker holds one message at a time. The reminder state lives in the
# database, so a redelivered "sweep" tick is harmless (sweeps are idempotent).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE: dict = {}
CELERY_TIMEZONE = "UTC"

# -- REST framework ---------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["casetracker.api.renderers.OrjsonRenderer"],
}
# -- REST API (/api/v1/; docs/API.md) -- partner tokens first: 401 (not 403) when missing.
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "casetracker.api.auth.PartnerTokenAuthentication",
    "casetracker.api.auth.VerifiedSessionAuthentication",  # staff sessions: OTP-verified only
]
REST_FRAMEWORK["DEFAULT_FILTER_BACKENDS"] = ["casetracker.api.filtering.StrictFilterBackend"]
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = ["casetracker.api.parsers.LimitedJSONParser"]
REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"] = "casetracker.api.pagination.ApiCursorPagination"
REST_FRAMEWORK["EXCEPTION_HANDLER"] = "casetracker.api.exceptions.api_exception_handler"
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
    "casetracker.api.throttling.PartnerTokenRateThrottle",
    "casetracker.api.throttling.StaffRateThrottle",
]
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "partner_token": env.str("API_PARTNER_TOKEN_RATE", default="600/minute"),
    "staff": env.str("API_STAFF_RATE", default="1200/minute"),
}
REST_FRAMEWORK["UNAUTHENTICATED_USER"] = "django.contrib.auth.models.AnonymousUser"
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=1024 * 1024)
SPECTACULAR_SETTINGS = {
    "TITLE": "casetracker API",
    "DESCRIPTION": "Cases of detained human-rights defenders, shared with partner NGOs.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
SPECTACULAR_SETTINGS["SCHEMA_PATH_PREFIX"] = r"/api/v1"
SPECTACULAR_SETTINGS["COMPONENT_SPLIT_REQUEST"] = True
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    "TierEnum": "casetracker.fields.Tier",
    "CaseKindEnum": "cases.models.Case.Kind",
    "CaseStatusEnum": "cases.models.Case.Status",
    "FacilityKindEnum": "cases.models.Facility.Kind",
    "HearingKindEnum": "cases.models.Hearing.Kind",
    "HearingStatusEnum": "cases.models.Hearing.Status",
    "ChargeStatusEnum": "cases.models.Charge.Status",
    "ChargeDocumentKindEnum": "cases.models.ChargeDocument.Kind",
    "DetentionTypeEnum": "cases.models.Detention.Type",
    "EventTypeEnum": "cases.models.EventType",
    "OrganisationKindEnum": "people.models.Organisation.Kind",
    "ChangeTypeEnum": "casetracker.api.changes.FEED_KIND_CHOICES",
}

# -- logging: structured enough to grep, never restricted content -----------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # axes logs a banner at INFO on every start and masks nothing we need at INFO.
        "axes": {"level": env.str("AXES_LOG_LEVEL", default="WARNING")},
        "casetracker": {"level": LOG_LEVEL},
    },
}

# -- security ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# -- authentication hardening (issue 6) -------------------------------------------------
# django-axes first: it refuses a locked-out username+IP before the password is checked.
AUTHENTICATION_BACKENDS = [
    "casetracker.auth.RequestAwareAxesBackend",  # django-axes lockout
    "django.contrib.auth.backends.ModelBackend",
]
# Reverse proxies whose X-Forwarded-For we believe (IPs or CIDRs). Empty: REMOTE_ADDR only,
# so a client cannot pick the address it is locked out or audited under.
TRUSTED_PROXIES = env.list("DJANGO_TRUSTED_PROXIES", default=[])
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = "casetracker.auth.axes_cool_off"  # 15 min, doubling per recent lockout
AXES_RESET_ON_SUCCESS = True  # "5 consecutive failures"
# Failures while locked out neither extend nor count as a new lockout: the failure log then
# holds exactly one locked_out row per lockout, which is what the escalation counts.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_CLIENT_IP_CALLABLE = "casetracker.auth.client_ip"
AXES_LOCKOUT_BASE_MINUTES = 15
AXES_LOCKOUT_MAX_HOURS = 24

OTP_TOTP_ISSUER = "casetracker"
OTP_TOTP_THROTTLE_FACTOR = 1  # wrong codes slow further tries down exponentially

# Idle timeout: the cookie and the stored session expire 30 min after the last request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
# Absolute timeout: SessionAbsoluteTimeoutMiddleware logs out 12 h after login, busy or not.
SESSION_ABSOLUTE_AGE = 12 * 60 * 60
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# -- Content Security Policy (django-csp 4) ----------------------------------------------
# Everything is served from our own origin (admin assets, Swagger UI from the sidecar
# package). No inline scripts: the API docs must use the split Swagger view.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Error reports (mail_admins, the DEBUG page) never show local variables or POST data:
# a frame's locals may hold a decrypted restricted value.
DEFAULT_EXCEPTION_REPORTER_FILTER = "casetracker.errors.NoLocalsExceptionReporterFilter"

# -- restricted fields: encryption keys (casetracker/crypto.py) --------------------------
# Comma-separated Fernet keys, newest first. Never derived from SECRET_KEY: the two are
# stored and rotated apart. Generate one with `python manage.py rotate_field_keys --new-key`.
CASETRACKER_FIELD_KEYS = [k for k in env.list("CASETRACKER_FIELD_KEYS", default=[]) if k.strip()]
DEV_FIELD_KEY = "ZGV2LW9ubHktZmllbGQta2V5LW5vdC1mb3ItcHJvZCE="  # embedded: DEBUG only
if not CASETRACKER_FIELD_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "CASETRACKER_FIELD_KEYS must be set (comma-separated Fernet keys, newest first) "
            "when DJANGO_DEBUG=False."
        )
    CASETRACKER_FIELD_KEYS = [DEV_FIELD_KEY]
elif not DEBUG and DEV_FIELD_KEY in CASETRACKER_FIELD_KEYS:
    raise ImproperlyConfigured("The embedded development field key cannot be used in production.")


def _check_fernet_key(key: str) -> None:
    import base64
    import binascii

    try:
        ok = len(base64.urlsafe_b64decode(key.encode())) == 32
    except (binascii.Error, ValueError):
        ok = False
    if not ok:
        raise ImproperlyConfigured(
            "CASETRACKER_FIELD_KEYS holds a value that is not a Fernet key "
            "(32 url-safe base64-encoded bytes)."
        )


for _key in CASETRACKER_FIELD_KEYS:
    _check_fernet_key(_key)

# -- reminders (campaigns/reminders, docs/REMINDERS.md) -----------------------------------
REMINDER_SWEEP_INTERVAL_SECONDS = env.int("REMINDER_SWEEP_INTERVAL_SECONDS", default=60)
REMINDER_HORIZON_DAYS = env.int("REMINDER_HORIZON_DAYS", default=60)
# A claim older than this is "needs review"; far above retries + timeouts of one send.
REMINDER_CLAIM_TIMEOUT_SECONDS = env.int("REMINDER_CLAIM_TIMEOUT_SECONDS", default=900)
REMINDER_RETRY_BACKOFF_SECONDS = [1, 4]
# One sweep stops claiming after this long, under CELERY_TASK_SOFT_TIME_LIMIT.
REMINDER_SWEEP_MAX_SECONDS = env.int("REMINDER_SWEEP_MAX_SECONDS", default=200)
# Due rows one sweeper claims per short transaction: a killed sweeper strands at most this
# many (they go to "needs review" after the claim timeout, never resent automatically).
REMINDER_CLAIM_BATCH_SIZE = env.int("REMINDER_CLAIM_BATCH_SIZE", default=50)
REMINDER_CASE_URL = env.str("REMINDER_CASE_URL", default="{site}/cases/{reference}/")
# Swappable so tests and benchmarks can count sends without a mail server.
REMINDER_TRANSPORT = env.str(
    "REMINDER_TRANSPORT", default="campaigns.reminders.channels.DefaultTransport"
)
CELERY_BEAT_SCHEDULE.update(
    {
        # Ticks expire after one interval: a backlog of ticks after an outage is noise.
        "plan-reminders": {
            "task": "campaigns.tasks.plan_reminders_task",
            "schedule": float(REMINDER_SWEEP_INTERVAL_SECONDS),
            "options": {"expires": REMINDER_SWEEP_INTERVAL_SECONDS},
        },
        "sweep-reminders": {
            "task": "campaigns.tasks.sweep_reminders_task",
            "schedule": float(REMINDER_SWEEP_INTERVAL_SECONDS),
            "options": {"expires": REMINDER_SWEEP_INTERVAL_SECONDS},
        },
    }
)

# -- PostgreSQL query planning (issue 7, docs/PERFORMANCE.md) ---------------------------
# JIT compilation pays off for long analytic scans, not for OLTP pages: the visibility
# layer's OR-of-EXISTS filters get large cost estimates, and at 100,000 cases PostgreSQL
# spent ~4 s JIT-compiling a 50-row search page that then ran in milliseconds.
#
# random_page_cost: PostgreSQL's default (4) models spinning disks. The working set of a
# casetracker database (1.6 GB at 100,000 cases) is in RAM or on SSD, where a random read
# costs about what a sequential one does; with 4 the planner joined a page's 1,000 charges
# to their documents by hashing all 100,000 documents (22-33 ms) instead of 1,000 index
# probes (3 ms). 1.1 is the usual SSD setting; PG_RANDOM_PAGE_COST overrides it.
if IS_POSTGRES:
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_cost = env.str("PG_RANDOM_PAGE_COST", default="1.1")
    _pg_options["options"] = (
        _pg_options.get("options", "") + f" -c jit=off -c random_page_cost={float(_pg_cost)}"
    ).strip()
# -- API schema: document the error answers too (casetracker/api/schema.py) ---------------
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "casetracker.api.schema.add_error_responses",
]
