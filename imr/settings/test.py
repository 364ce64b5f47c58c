"""Settings for the test suite: real PostgreSQL and Redis, never SQLite.

bin/test starts the services; this module refuses to run on anything else so a
missing service fails the suite instead of silently testing another database.
"""

import os

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/imr")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")

from imr.settings.base import *  # noqa: F403
from imr.settings.base import DATABASES, VAR_DIR

if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("The test suite runs on PostgreSQL only; set DATABASE_URL.")

# Django's flush between transactional tests TRUNCATEs every table; the append-only
# triggers on the case event log and the access log let that through only for a
# session that says so (cases migration 0011_caseevent_hash_chain). Never in production.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c imr.audit_truncate_allowed=on"

SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A Celery worker a test starts cannot fill the test process's outbox: that test gives it
# the file backend (EMAIL_FILE_PATH) through TEST_EMAIL_BACKEND and counts the files.
EMAIL_BACKEND = os.environ.get(
    "TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
)
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "test-documents"), "base_url": None},
    },
}
CELERY_TASK_ALWAYS_EAGER = False
# Many tests sign in again and again (some with a wrong password on purpose) from one
# address; with per-address throttling they would lock each other out. The lockout's
# own tests turn it back on with override_settings(AXES_ENABLED=True).
AXES_ENABLED = False
OTP_REQUIRED = False
STATIC_ROOT = VAR_DIR / "test-static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
