"""`manage.py healthcheck` passes under production settings and fails when it should (R-SEC-10).

Production settings redirect plain http to https (301) and refuse a Host outside
ALLOWED_HOSTS (400), so a bare request to /healthz can never pass there; the command asks
the way the TLS proxy does. Runs against this test run's database and Redis.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.support.plan_contacts import PLAN_CONTACTS_ENV

ROOT = Path(__file__).resolve().parents[2]


def _production_env(**overrides: str) -> dict[str, str]:
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="imr.settings.production",
        SECRET_KEY="h" * 20 + "-health-check-test-only-" + "k" * 30,
        ALLOWED_HOSTS="imr.plan.example",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        REDIS_URL=settings.REDIS_URL,
        BEHIND_TLS_PROXY="true",
        **PLAN_CONTACTS_ENV,
    )
    env.update(overrides)
    return env


def _healthcheck(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "healthcheck", *args],
        cwd=ROOT,
        env=_production_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db
def test_it_passes_in_process_under_production_settings():
    result = _healthcheck()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "healthy"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("variable", "unreachable"),
    [
        ("DATABASE_URL", "postgres://postgres@127.0.0.1:1/imr"),
        ("REDIS_URL", "redis://127.0.0.1:1/0"),
    ],
)
def test_it_fails_when_a_service_is_unreachable(variable, unreachable):
    result = _healthcheck(**{variable: unreachable})
    assert result.returncode == 1
    assert "unhealthy: /healthz answered 503" in result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gunicorn(db):
    """gunicorn under production settings, as the web container runs it."""
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "imr.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", "1",
            "--forwarded-allow-ips", "127.0.0.1",
        ],
        cwd=ROOT,
        env=_production_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=20)


def _bare_status(url: str, *, host: str | None = None) -> int:
    """The status of a plain GET, its redirect (if any) not followed."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    headers = {"Host": host} if host else {}
    request = urllib.request.Request(f"{url}/healthz", headers=headers)  # noqa: S310 (loopback)
    try:
        return urllib.request.build_opener(NoRedirect).open(request).status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.integration
def test_it_passes_over_http_where_a_bare_request_cannot(gunicorn):
    # What the compose file used to run: Host 127.0.0.1 is not allowed.
    assert _bare_status(gunicorn) == 400
    # The allowed Host over plain http: the SSL redirect.
    assert _bare_status(gunicorn, host="imr.plan.example") == 301
    result = _healthcheck("--url", gunicorn)
    assert result.returncode == 0, result.stderr
    assert _healthcheck("--url", gunicorn, "--host", "127.0.0.1").returncode == 1
    assert _healthcheck("--url", "http://127.0.0.1:1").returncode == 1
