"""Production settings: PostgreSQL, Redis, HTTPS. Refuses to start otherwise."""

from django.core.exceptions import ImproperlyConfigured

from imr.env import env_bool, env_int, env_str
from imr.settings.base import *  # noqa: F403
from imr.settings.base import DATABASES, PLAN_CONTACT_SETTINGS, REDIS_URL

if env_str("SECRET_KEY") is None:
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")
SECRET_KEY = env_str("SECRET_KEY")
if len(SECRET_KEY or "") < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production.")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Production runs on PostgreSQL: set DATABASE_URL=postgres://…")
if not REDIS_URL:
    raise ImproperlyConfigured("Production needs Redis for Celery and the cache: set REDIS_URL.")

# Letters print the plan's contacts (R-NOT-8, R-NOT-11): they are set for this plan, never
# the synthetic defaults of imr/settings/base.py.
_missing_contacts = [name for name in PLAN_CONTACT_SETTINGS if env_str(name) is None]
if _missing_contacts:
    raise ImproperlyConfigured(
        "Letters need the plan's contacts in production; set "
        + ", ".join(_missing_contacts)
        + " (see docs/decisions_and_letters.md)."
    )

DEBUG = False
# Every staff role signs in with a second factor in production (R-SEC-8).
OTP_REQUIRED = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# R-SEC-10: X-Forwarded-Proto is believed only when a TLS proxy is said to be in front
# (BEHIND_TLS_PROXY=true, as in docker-compose.yml, where gunicorn listens only on the
# proxy's network and its --forwarded-allow-ips names the proxy). Otherwise Django takes
# the scheme from the server (gunicorn sets it from the header only for trusted peers).
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
# R-SEC-10: beat keeps its schedule in Redis under a lock, so two beat replicas are safe:
# the one holding CELERY_REDBEAT_LOCK_KEY schedules, the other waits (imr/settings/base.py).
CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
