"""Settings shared by every environment.

With no environment variables at all the project runs on an embedded database
(a SQLite file under var/) and an embedded Celery broker (the filesystem
transport), so a newcomer can start it at once. DATABASE_URL and REDIS_URL switch
it to PostgreSQL and Redis.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url

from imr.env import env_bool, env_int, env_list, env_path, env_str, env_time_zone, env_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = env_path("IMR_VAR_DIR", BASE_DIR / "var")

# A development key is only acceptable because production.py refuses to start without one.
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-not-for-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "imr",
    "cases",
    "timelines",
    "notifications",
    "reviewers",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Scripts and styles from our static files only (imr/security.py).
    "imr.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cache-Control: no-store on everything but static files (R-SEC-7; imr/security.py).
    "imr.security.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every view needs a login unless it is explicitly marked login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # request.user.is_verified(), then staff without a verified second factor are sent
    # to verify or enrol (R-SEC-8) when OTP_REQUIRED.
    "django_otp.middleware.OTPMiddleware",
    "imr.accounts.second_factor.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "imr.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must come last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "imr.urls"
WSGI_APPLICATION = "imr.wsgi.application"
ASGI_APPLICATION = "imr.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # The date filters every page uses (`when`, `day`: imr/dates.py).
            "builtins": ["imr.templatetags.imr_dates"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "imr.context_processors.navigation",
                "notifications.context_processors.notification_bell",
            ],
        },
    },
]

DATABASE_URL = env_url(
    "DATABASE_URL",
    f"sqlite:///{VAR_DIR / 'imr.sqlite3'}",
    schemes=("postgres", "postgresql", "sqlite"),
)
# Each gunicorn thread keeps its connection for a minute instead of connecting per request;
# a kept connection is checked (a "SELECT 1") before the first query of a request, so one
# PostgreSQL closed meanwhile (a restart, a failover) is replaced, not an error page.
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_url("REDIS_URL", None, schemes=("redis", "rediss"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the user's role with the user (issue 20).
    "imr.accounts.backend.RoleBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Second factor (django-otp, R-SEC-8): every staff role must verify a TOTP code (or a
# recovery code) after the password. True in production; off by default so the
# embedded demo (bin/run) signs in with a password only, as its login page says.
OTP_REQUIRED = env_bool("OTP_REQUIRED", False)
OTP_TOTP_ISSUER = "IMR Desk"
# Signing a determination, granting an extension and changing an audited date need the
# signer's own session, with the password entered within this many minutes (R-SEC-2).
REAUTH_WINDOW_MINUTES = env_int("REAUTH_WINDOW_MINUTES", 15, minimum=1)
# API tokens expire after this many days unless the issuer picks another date.
API_TOKEN_DEFAULT_DAYS = env_int("API_TOKEN_DEFAULT_DAYS", 90, minimum=1)
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in throttling (django-axes, R-SEC-5): failures count per address and per
# username-and-address, so a stranger guessing at a user's password from elsewhere
# never locks the user out where they work, and spraying one password over many
# accounts locks the spraying address. An Administrator unlocks in the admin
# (Access attempts: "Unlock"). The whole department behind one address is locked only
# after AXES_FAILURE_LIMIT failures from it within the cool-off; that is the price of
# slowing a sprayer, and the Administrator can unlock it at once.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["ip_address", ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Idle sessions end after this many minutes without a user action (HIPAA automatic logoff).
IDLE_TIMEOUT_MINUTES = env_int("IDLE_TIMEOUT_MINUTES", 15, minimum=1)
SESSION_COOKIE_AGE = 12 * 60 * 60
# Sessions stay in the database (Django's default engine), not in the Redis cache: with
# Redis down, staff keep working and submitting (tests/security/test_faults.py, ops/faults.py
# redis-outage), and a session read from Redis would fail every page instead. The session
# is one primary-key read per page; its write is at most one per user per 30 s (the idle
# stamp, imr.middleware).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "en-us"
USE_I18N = True
USE_TZ = True
# Times are stored in UTC; the plan's zone is used for display and business-day rules.
PLAN_TIME_ZONE = env_time_zone("PLAN_TIME_ZONE", "America/Los_Angeles")
TIME_ZONE = PLAN_TIME_ZONE
# /healthz and the nightly digest warn when the holiday calendar ends sooner (R-DL-17).
HOLIDAY_CALENDAR_MIN_DAYS_AHEAD = env_int("HOLIDAY_CALENDAR_MIN_DAYS_AHEAD", 400, minimum=0)

# The plan's contacts printed in every letter (R-NOT-8, R-NOT-11). The defaults are
# obviously synthetic (555-01xx numbers, a "demo" address) so that nothing real is sent
# by accident; production refuses to start without them (imr/settings/production.py).
PLAN_NAME = env_str("PLAN_NAME", "Partnership HealthPlan of California")
PLAN_CONTACT_SETTINGS = (
    "PLAN_MEMBER_SERVICES_PHONE",
    "PLAN_MEMBER_SERVICES_TTY",
    "PLAN_MEMBER_SERVICES_HOURS",
    "PLAN_MAILING_ADDRESS",
    "PLAN_PHYSICIAN_DIRECT_PHONE",
)
# Empty prints "the number on your member ID card" in its place.
PLAN_MEMBER_SERVICES_PHONE = env_str("PLAN_MEMBER_SERVICES_PHONE", "1-800-555-0100")
PLAN_MEMBER_SERVICES_TTY = env_str("PLAN_MEMBER_SERVICES_TTY", "1-800-555-0101")
PLAN_MEMBER_SERVICES_HOURS = env_str(
    "PLAN_MEMBER_SERVICES_HOURS", "8 a.m. to 5 p.m., Monday to Friday"
)
PLAN_MEMBER_SERVICES_HOURS_ES = env_str(
    "PLAN_MEMBER_SERVICES_HOURS_ES", "de 8 a.m. a 5 p.m., de lunes a viernes"
)
# The synthetic default names the configured plan, so the letterhead and the address agree.
PLAN_MAILING_ADDRESS = env_str(
    "PLAN_MAILING_ADDRESS", f"{PLAN_NAME}, PO Box 0100, Exampletown, CA 90000"
)
# The direct line of the physician who decides, for the practitioner (H&S 1367.01(h)(4)).
PLAN_PHYSICIAN_DIRECT_PHONE = env_str("PLAN_PHYSICIAN_DIRECT_PHONE", "1-800-555-0102")
# Whether the plan's licence (Knox-Keene) brings DMHC Independent Medical Review rights.
PLAN_DMHC_IMR = env_bool("PLAN_DMHC_IMR", True)
# The regulators' public contacts (Compliance confirms them; docs/decisions_and_letters.md).
DMHC_HELP_CENTER_PHONE = env_str("DMHC_HELP_CENTER_PHONE", "1-888-466-2219")
DMHC_HELP_CENTER_TTY = env_str("DMHC_HELP_CENTER_TTY", "1-877-688-9891")
DMHC_HELP_CENTER_WEB = env_str("DMHC_HELP_CENTER_WEB", "www.dmhc.ca.gov")
CDSS_HEARINGS_PHONE = env_str("CDSS_HEARINGS_PHONE", "1-855-795-0634")
CDSS_HEARINGS_TTY = env_str("CDSS_HEARINGS_TTY", "1-800-952-8349")
CDSS_HEARINGS_WEB = env_str("CDSS_HEARINGS_WEB", "www.cdss.ca.gov/hearing-requests")
CDSS_HEARINGS_ADDRESS = env_str(
    "CDSS_HEARINGS_ADDRESS",
    "California Department of Social Services, State Hearings Division, "
    "P.O. Box 944243, Mail Station 9-17-433, Sacramento, CA 94244-2430",
)
# The languages the taglines insert names (the plan's threshold languages, ISO codes;
# "zh" needs a CJK font such as fonts-noto-cjk on the server).
PLAN_THRESHOLD_LANGUAGES = env_list("PLAN_THRESHOLD_LANGUAGES", ["es", "vi", "tl", "ru"])
# The highest reading grade a member letter may have (R-NOT-10).
LETTER_READING_GRADE_LIMIT = env_int("LETTER_READING_GRADE_LIMIT", 8, minimum=1)

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env_path("STATIC_ROOT", BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Private clinical documents: outside the web root, never served by URL.
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(env_path("DOCUMENT_STORAGE_ROOT", VAR_DIR / "documents")),
            "base_url": None,
        },
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
DOCUMENT_MAX_BYTES = env_int("DOCUMENT_MAX_MB", 25, minimum=1) * 1024 * 1024
# Where the default UM documentation system seam drops TAR bundles (cases.closure).
TAR_BUNDLE_DIR = env_path("TAR_BUNDLE_DIR", VAR_DIR / "tar-bundles")
FILE_UPLOAD_PERMISSIONS = 0o600

# The embedded setup (no DATABASE_URL: SQLite under var/) writes each e-mail to a file
# under var/mail/, so nothing floods bin/run's console and management commands keep
# stdout to themselves (`sweep_clocks --json` prints JSON only). With a DATABASE_URL and
# no EMAIL_BACKEND, e-mails go to the console as before; production.py sends by SMTP.
EMBEDDED = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
EMAIL_FILE_PATH = env_path("EMAIL_FILE_PATH", VAR_DIR / "mail")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if EMBEDDED
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "imr-desk@plan.invalid")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# An SMTP call that hangs is cut after this many seconds, so a claim's lease (below) can
# be sized to outlast any send started inside it.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT_SECONDS", 30, minimum=1)
# R-SEC-9: a worker's claim on a batch of notification e-mails lasts this long; after it,
# a claim held by a killed process is taken over by the next retry run.
NOTIFICATION_EMAIL_LEASE_SECONDS = env_int(
    "NOTIFICATION_EMAIL_LEASE_SECONDS", 600, minimum=2 * EMAIL_TIMEOUT + 1
)

# Celery: Redis when REDIS_URL is set, otherwise a broker on the local filesystem that
# needs no server (worker and beat on one machine share the folder).
CELERY_BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 3600}
    # R-SEC-10: with the RedBeat scheduler (production) beat's schedule lives in Redis and
    # a second beat waits on this lock; the holder renews it every tick (at most
    # CELERY_BEAT_MAX_INTERVAL); if the holder dies, a standby takes over once it expires.
    CELERY_REDBEAT_REDIS_URL = REDIS_URL
    CELERY_REDBEAT_REDIS_OPTIONS: dict[str, object] = {}
    CELERY_REDBEAT_KEY_PREFIX = env_str("BEAT_KEY_PREFIX", "imr:beat")
    CELERY_REDBEAT_LOCK_KEY = f"{CELERY_REDBEAT_KEY_PREFIX}:lock"
    CELERY_BEAT_MAX_INTERVAL = 30
    CELERY_REDBEAT_LOCK_TIMEOUT = env_int(
        "BEAT_LOCK_TIMEOUT_SECONDS", 5 * CELERY_BEAT_MAX_INTERVAL, minimum=2
    )
else:
    CELERY_BROKER_URL = "filesystem://"
    for _folder in ("queue", "processed", "control"):
        (CELERY_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
from celery.schedules import crontab  # noqa: E402  (kept inside this block on purpose)

# One beat schedules at a time (production: RedBeat's lock, above); schedules are in UTC.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "worker-heartbeat": {"task": "imr.tasks.heartbeat", "schedule": 60.0},
    # R-DL-11: expedited (hour) clocks at least every 5 minutes.
    "timelines-sweep-hour-clocks": {
        "task": "timelines.tasks.sweep_hour_clocks",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    # R-DL-11: every clock nightly, then the digest. 12:00 UTC is 04:00 PST / 05:00 PDT:
    # after local midnight (last-day warnings) and before the office opens.
    # Notification e-mails whose after-commit send died with its process (ops/faults.py).
    "notifications-email-pending": {
        "task": "notifications.tasks.email_pending_notifications",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    "timelines-sweep-all-clocks": {
        "task": "timelines.tasks.sweep_all_clocks",
        "schedule": crontab(hour=12, minute=0),
    },
}

REST_FRAMEWORK = {
    # Bearer first: its challenge makes an anonymous request a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "imr.api.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: the browsable documentation is the schema page (/api/v1/docs/).
    "DEFAULT_RENDERER_CLASSES": ["imr.api.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": ["imr.api.auth.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env_str("API_TOKEN_RATE", "600/min")},
    "EXCEPTION_HANDLER": "imr.api.errors.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "imr.api.schema.ProblemAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "imr.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "IMR Desk API",
    "DESCRIPTION": (
        "External Independent Medical Review case management. Authenticate with a browser "
        "session or `Authorization: Bearer <token>`; errors are RFC 9457 problem details "
        "(application/problem+json). See docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI's JavaScript and CSS from drf-spectacular-sidecar, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # At DEBUG, django.template logs every failed variable lookup with the whole
        # template context in the message: a letter's context holds the member's name,
        # CIN and address. Never below INFO, whatever LOG_LEVEL says.
        "django.template": {"level": "INFO"},
    },
}
