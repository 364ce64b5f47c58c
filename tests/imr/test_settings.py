"""Production settings pass Django's deployment checks and refuse unsafe setups."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.plan_contacts import PLAN_CONTACTS_ENV

ROOT = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "imr.settings.production",
    "SECRET_KEY": "x" * 20 + "-deploy-check-only-" + "y" * 30,
    "ALLOWED_HOSTS": "imr.plan.example",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/imr",
    "REDIS_URL": "redis://127.0.0.1:6379/14",
    **PLAN_CONTACTS_ENV,
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in PROD_ENV}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_no_issues():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PROD_ENV)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"DATABASE_URL": "sqlite:////tmp/x.sqlite3"}, "Production runs on PostgreSQL"),
        ({"REDIS_URL": ""}, "Production needs Redis"),
        (
            {"PLAN_MEMBER_SERVICES_PHONE": ""},
            "contacts in production; set PLAN_MEMBER_SERVICES_PHONE",
        ),
    ],
)
def test_production_refuses_an_unsafe_setup(override, message):
    result = _manage("check", **{**PROD_ENV, **override})
    assert result.returncode != 0
    assert message in result.stderr


def test_a_bad_value_fails_loudly():
    result = _manage("check", DJANGO_SETTINGS_MODULE="imr.settings.base", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_an_unknown_time_zone_fails_loudly():
    result = _manage(
        "check", DJANGO_SETTINGS_MODULE="imr.settings.base", PLAN_TIME_ZONE="Mars/Olympus"
    )
    assert result.returncode != 0
    assert "PLAN_TIME_ZONE is not a known IANA time zone" in result.stderr


def test_docker_compose_file_is_valid():
    result = subprocess.run(
        ["docker-compose", "config", "-q"],
        cwd=ROOT,
        env={**os.environ, "SECRET_KEY": "s" * 50, "POSTGRES_PASSWORD": "compose-check"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_the_synthetic_mailing_address_names_the_configured_plan():
    """The letterhead prints PLAN_NAME; the default address must not name another plan."""
    clean = {k: v for k, v in os.environ.items() if k not in ("PLAN_MAILING_ADDRESS", "PLAN_NAME")}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings;"
            " print(settings.PLAN_MAILING_ADDRESS)",
        ],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "imr.settings.base",
            "PLAN_NAME": "Sample Care Plan",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Sample Care Plan, PO Box 0100, Exampletown, CA 90000"


def test_production_keeps_checked_connections_database_sessions_and_cached_templates():
    # Issue 20: each gunicorn thread reuses its PostgreSQL connection (checked before reuse,
    # so one closed by a restart is replaced instead of failing a page); sessions stay in
    # the database so that pages work with Redis down (test_faults.py); templates are
    # compiled once per process (Django's cached loader, the default without DEBUG).
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "from django.template import engines; d = s.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], s.SESSION_ENGINE, "
        "type(engines['django'].engine.template_loaders[0]).__module__)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in PROD_ENV}
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**clean, **PROD_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "60",
        "True",
        "django.contrib.sessions.backends.db",
        "django.template.loaders.cached",
    ]
