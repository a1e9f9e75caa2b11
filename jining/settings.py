"""Settings for jining, all driven by the environment (see .env.example).

Unset ``DATABASE_URL`` means an SQLite file in the project folder; ``DJANGO_DEBUG`` is off unless
set, and with it off a ``DJANGO_SECRET_KEY`` is required.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it in the environment (or .env), "
            "or set DJANGO_DEBUG=1 for local development only."
        )
    SECRET_KEY = "django-insecure-local-development-only"
elif not DEBUG and (
    len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-")
):
    # The same rule as `check --deploy` (security.W009), enforced at start-up in production.
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is too weak: use at least 50 random characters, e.g. the output of "
        'python -c "import secrets; print(secrets.token_urlsafe(50))"'
    )

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# --- Secure by default (docs/deploy.md) ---
# Production (DJANGO_DEBUG off) is HTTPS only: redirect, HSTS, secure cookies. Each can be relaxed
# from the environment; DJANGO_DEBUG=1 relaxes them all for http://127.0.0.1:8000.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
# Behind a TLS-terminating proxy that sets e.g. X-Forwarded-Proto: https, name its header here
# (DJANGO_SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO). Only when the proxy always overwrites it.
_proxy_ssl_header = env.str("DJANGO_SECURE_PROXY_SSL_HEADER", default="")
SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header, "https") if _proxy_ssl_header else None
PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0)  # trusted proxies appending X-Forwarded-For
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles, images, fonts and requests from this site
# only. No inline script runs (the admin's and the API docs' scripts are files; the Swagger UI's
# start-up script is served by SpectacularSwaggerSplitView). Inline style attributes stay allowed:
# Django's admin and Swagger UI set them. data: images are Swagger UI's and the admin's icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Staff sessions (in the database: any number of app servers share them) end after
# DJANGO_SESSION_COOKIE_AGE seconds without a request, and when the browser closes. The expiry moves
# forward at most once per SESSION_REFRESH_SECONDS, not with a write on every page (jining/sessions.py).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=30 * 60)
SESSION_REFRESH_SECONDS = env.int("DJANGO_SESSION_REFRESH_SECONDS", default=60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Login lockout (django-axes): DJANGO_AXES_FAILURE_LIMIT wrong passwords for one username from one
# IP address lock that pair out for DJANGO_AXES_COOLOFF_MINUTES. Attempts are kept in the database
# (manage.py axes_list_attempts; unlock early with axes_reset_username USER) and each lockout is
# logged (username and IP masked, never the password). Not in the staff admin.
AXES_FAILURE_LIMIT = env.int("DJANGO_AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("DJANGO_AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "jining.security.lockout_response"  # templates/axes/lockout.html
AXES_CLIENT_IP_CALLABLE = "jining.security.client_ip"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_ENABLE_ADMIN = False
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

INSTALLED_APPS = [
    "overview.admin_site.JiningAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "jining",
    "incubators",
    "entrepreneurs",
    "events",
    "overview",
]

# The apps whose records are program data: the roles' permissions (jining.services.roles_sync) and
# the backup's "this database holds data" check cover them. An app that adds program models adds itself here.
PROGRAM_APPS = ["jining", "incubators", "entrepreneurs", "events", "overview"]
# Models computed from the records, not records: no role gets rights on them, backups leave them out.
DERIVED_MODELS = [
    "overview.statssnapshot",
    # A base's indicators as the assessment job stored them (overview/indicators.py).
    "overview.indicatorvalue",
    # What came of the events, as the outcomes job counted it (overview/outcomes.py).
    "overview.eventoutcome",
    # Background work in progress, not records (jining.jobs).
    "jining.job",
    "jining.jobfile",
    "jining.jobfilechunk",
    "django_tasks_database.dbtaskresult",
]
# Who sees personal data unmasked (jining/personal.py): bureau_editors and superusers hold it,
# bureau_viewers and partners do not.
PERSONAL_DATA_PERMISSION = "entrepreneurs.view_personal_data"
# What the partners group may read (its view_ permissions; jining.services.partner_group_ensure).
PARTNER_VISIBLE_MODELS = [
    "jining.organisation",
    "jining.source",
    "overview.reportedfigure",
    "incubators.incubator",
    "incubators.residency",
    "entrepreneurs.entrepreneur",
    "entrepreneurs.enterprise",
    "entrepreneurs.financing",
    "entrepreneurs.supportmeasure",
    "events.eventseries",
    "events.event",
    "events.attendance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "jining.sessions.IdleSessionMiddleware",  # Django's SessionMiddleware with an idle timeout
    "jining.language.StaffLanguageMiddleware",  # Chinese unless the user switched (jining/language.py)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout page
]

ROOT_URLCONF = "jining.urls"
WSGI_APPLICATION = "jining.wsgi.application"
ASGI_APPLICATION = "jining.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
# A kept connection (CONN_MAX_AGE > 0) is checked before a request reuses it: after the database
# dropped it (a restart, a failover), the next request reconnects instead of failing.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The server and the job worker write to the same file: a transaction takes the write lock when
    # it begins and waits for it (up to 20 s) instead of failing with "database is locked" when it
    # first writes while the worker holds it.
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the app's queries read a page or aggregate with indexes, and compiling
    # costs more than it saves (400 ms for a search whose fallback part is costed high but not run).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "jining.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")  # collectstatic writes here
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "DJANGO_STATICFILES_STORAGE",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Shared cache for the API throttle counters: per process (locmem) unless DJANGO_CACHE_URL names a
# shared one, e.g. redis://HOST:6379/1 or pymemcache://HOST:11211 (docs/deploy.md).
CACHES = {
    "default": env.cache("DJANGO_CACHE_URL", default="locmemcache://"),
}

# Background jobs (jining/jobs.py): queued in the database, run by `manage.py run_worker` (any number,
# on any machine that reaches the database). Tests run a task at once when it is queued unless they
# start a worker (DJANGO_TASKS_BACKEND=django_tasks_db.DatabaseBackend).
TASKS = {
    "default": {
        "BACKEND": env.str("DJANGO_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}
# A running job whose worker sent no heartbeat (every second) for this long is failed as stopped.
JOB_STALE_SECONDS = env.int("JOB_STALE_SECONDS", default=120)
# Files of finished jobs (exports, rejected rows, uploads) are deleted after this many days; the
# jobs themselves (the jobs page's history) after JOB_HISTORY_DAYS.
JOB_FILE_RETENTION_DAYS = env.int("JOB_FILE_RETENTION_DAYS", default=7)
JOB_HISTORY_DAYS = env.int("JOB_HISTORY_DAYS", default=90)
# Seconds between two rounds of the workers' housekeeping (recover, prune, schedule).
JOB_HOUSEKEEPING_SECONDS = env.int("JOB_HOUSEKEEPING_SECONDS", default=30)
# Functions a worker calls every so many seconds (each queues its job at most once): the stats
# snapshot is recomputed on this schedule as well as after writes.
JOB_SCHEDULE = {
    "overview.tasks.queue_stats_refresh": env.int("STATS_REFRESH_SECONDS", default=300),
}

# Logs go to stderr. Every handler carries the personal-data filter (ID-card and mobile numbers
# redacted, jining/log_filters.py); Django's own loggers propagate to it instead of keeping
# Django's default handlers, and runserver's request log gets the same filter.
LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_personal_data": {"()": "jining.log_filters.RedactPersonalData"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_personal_data"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_personal_data"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}

# --- Partner API (docs/api.md) ---
# Models whose brief nested form is not {id, name, url} (jining.api.serializers.brief_serializer).
API_BRIEF_FIELDS = {
    "jining.source": ["id", "title", "publisher", "published_on", "url"],
    "events.event": ["id", "title", "start_date", "url"],
}
API_TOKEN_LIFETIME_DAYS = env.int("API_TOKEN_LIFETIME_DAYS", default=365)
API_TOKEN_LAST_USED_INTERVAL = env.int("API_TOKEN_LAST_USED_INTERVAL", default=60)  # seconds between writes
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="1000/hour")  # per token; per IP when anonymous
API_PAGE_SIZE = env.int("API_PAGE_SIZE", default=50)
API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=500)
API_MAX_QUERY_STRING = env.int("API_MAX_QUERY_STRING", default=8192)  # characters
API_COUNT_CACHE_FROM = env.int("API_COUNT_CACHE_FROM", default=10_000)  # rows; smaller counts are exact
API_COUNT_CACHE_SECONDS = env.int("API_COUNT_CACHE_SECONDS", default=60)  # how long a large count is reused
# Queue a background recompute of the stats snapshot (/api/v1/stats/, the dashboard) after every
# committed change to counted records (overview.stats.request_refresh; at most one waits); reads
# never recompute it. Tests turn it off (pyproject.toml) so that a write leaves the snapshot stale.
STATS_REFRESH_ON_WRITE = env.bool("STATS_REFRESH_ON_WRITE", default=True)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "jining.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["jining.permissions.ModelViewPermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "jining.api.filters.StrictOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "jining.pagination.PartnerPagination",
    "DEFAULT_THROTTLE_CLASSES": ["jining.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "jining.api.schema.PartnerAutoSchema",
    "EXCEPTION_HANDLER": "jining.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Jining returnee-entrepreneurship programme: partner API",
    "DESCRIPTION": (
        "Read-only access for partners (banks, incubators, agencies) to the programme's incubators, "
        "entrepreneurs, enterprises, events, financing and headline figures. Authenticate with "
        "`Authorization: Token KEY`. Lists are paginated (`page_size`; entrepreneurs, enterprises, "
        "support measures and attendance by cursor: follow `next`; the others by `page`), searchable "
        "(`search`) and sortable (`ordering`). See docs/api.md in the project."
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "DatePrecisionEnum": "jining.models.DatePrecision",
        "QualifierEnum": "jining.models.Qualifier",
        "OrganisationKindEnum": "jining.models.Organisation.Kind",
        "SourceKindEnum": "jining.models.Source.Kind",
        "FigureMeasureEnum": "overview.models.ReportedFigure.Measure",
        "FigureUnitEnum": "overview.models.ReportedFigure.Unit",
        "FigureScopeEnum": "overview.models.ReportedFigure.Scope",
        "IncubatorKindEnum": "incubators.models.Incubator.Kind",
        "EnterpriseFigureMeasureEnum": "entrepreneurs.models.EnterpriseFigure.Measure",
        "SupportMeasureKindEnum": "entrepreneurs.models.SupportMeasure.Kind",
        "FinancingKindEnum": "entrepreneurs.models.Financing.Kind",
        "EventKindEnum": "events.models.EventKind",
    },
}

# --- Audit history (docs/roles-and-history.md) ---
# django-simple-history records every create, change and delete (admin, imports, API, shell) with
# who, when and the field diff. History is read-only: no revert button, and jining.history refuses
# a POST to a historical version's page.
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS = False  # who may view a record may view its history

# --- Roles (docs/roles-and-history.md) ---
# Import needs the model's change permission (bureau_editors); export its view permission
# (bureau_viewers too). Without these django-import-export lets any staff member import.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# --- Import/export (docs/import-export.md) ---
# The permission codes are set under "Roles" above;
# jining.importing.admin.SpreadsheetImportExportMixin requires both the add and the change
# permission to import, whatever the code.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_CONFIRM = False  # always preview first, then confirm
IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES = True
# The library's own formula escaping only drops a leading "="; jining.importing.cells.neutralise
# prefixes an apostrophe to cells starting with = + - @ tab or CR instead, in CSV and xlsx alike.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
# Imports do not use the library's import views: an upload is a job's file (in the database), its
# preview and confirm are jobs (jining/importing/jobs.py), so any app server and worker reach it.

# --- Import limits ---
# jining.importing.formats refuses, with a clear message on the import page, files larger than this
# (on the upload form), more data rows than this, and .xlsx files whose members would expand beyond
# this (a zip bomb). A 100,000-row file of people is about 15 MB as CSV, 6 MB as xlsx (130 MB expanded).
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=30 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=100_000)
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("IMPORT_MAX_UNCOMPRESSED_BYTES", default=300 * 1024 * 1024)
