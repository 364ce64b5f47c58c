"""The compose file's production shape (R-SEC-10), read with PyYAML.

`docker compose config` / `docker-compose config` validate it where installed
(tests/imr/test_settings.py); this reads the structure that matters for security on any
machine: only the TLS proxy is published, gunicorn trusts forwarded headers from the
proxy alone, every long-running service has a health check that passes under production
settings (`manage.py healthcheck`, tested in test_healthcheck_command.py), and the two
beats run with the scheduler whose lock test_beat_lock.py exercises.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ops.faultlab import KEEP_ALIVE_SECONDS
from tests.support.plan_contacts import PLAN_CONTACTS_ENV

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = re.compile(r"\$\{(\w+):-([^}]*)\}")


def _resolved(value: str) -> str:
    """${NAME:-default} → default, as compose reads it with NAME unset."""
    return DEFAULT.sub(lambda match: match.group(2), value)


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def _command(service: dict) -> list[str]:
    return [_resolved(str(part)) for part in service["command"]]


def _option(command: list[str], name: str) -> list[str]:
    return [command[i + 1] for i, part in enumerate(command) if part == name]


def test_only_the_tls_proxy_is_published(services):
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    proxy = services["proxy"]
    assert re.fullmatch(r"caddy:\d+\.\d+\.\d+(-alpine)?", proxy["image"])  # pinned, not latest
    assert "443:443" in proxy["ports"]
    assert "./ops/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert services["web"]["expose"] == ["8000"]


def test_the_caddyfile_terminates_tls_and_proxies_to_gunicorn():
    lines = (ROOT / "ops" / "Caddyfile").read_text().splitlines()
    caddyfile = "\n".join(line for line in lines if not line.strip().startswith("#"))
    assert re.search(r"^\s*tls \{\$IMR_TLS:internal\}$", caddyfile, re.M)
    assert re.search(r"^\s*reverse_proxy \{\$IMR_UPSTREAM:web:8000\}$", caddyfile, re.M)
    # Without trusted_proxies Caddy (2.5+) overwrites a client's X-Forwarded-* headers.
    assert "trusted_proxies" not in caddyfile


def test_gunicorn_trusts_forwarded_headers_from_the_proxy_only(services):
    web = services["web"]
    command = _command(web)
    proxy_ip = _resolved(services["proxy"]["networks"]["edge"]["ipv4_address"])
    web_ip = _resolved(web["networks"]["edge"]["ipv4_address"])
    (allowed,) = _option(command, "--forwarded-allow-ips")
    assert "*" not in allowed
    assert allowed.split(",") == [proxy_ip, "127.0.0.1"]
    assert sorted(_option(command, "--bind")) == sorted([f"{web_ip}:8000", "127.0.0.1:8000"])
    assert _resolved(services["proxy"]["environment"]["IMR_UPSTREAM"]) == f"{web_ip}:8000"
    assert web["environment"]["BEHIND_TLS_PROXY"] == "true"
    # The database and broker are not on the proxy's network.
    assert "edge" not in services["postgres"]["networks"]
    assert "edge" not in services["redis"]["networks"]


def test_every_long_running_service_has_a_health_check(services):
    for name, service in services.items():
        if name == "migrate":
            assert service["restart"] == "no"  # a one-off job that exits
            continue
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"
    assert services["web"]["healthcheck"]["test"] == [
        "CMD", "python", "manage.py", "healthcheck", "--url", "http://127.0.0.1:8000/healthz",
    ]  # fmt: skip
    assert services["beat"]["healthcheck"]["test"] == ["CMD", "python", "manage.py", "healthcheck"]


def test_two_beats_run_with_the_locking_scheduler(services):
    beat = services["beat"]
    assert beat["deploy"]["replicas"] == 2
    assert "--schedule" not in beat["command"] and "-S" not in beat["command"]
    assert beat["environment"]["DJANGO_SETTINGS_MODULE"] == "imr.settings.production"
    env = {
        **{k: v for k, v in os.environ.items() if k != "DEBUG"},
        "DJANGO_SETTINGS_MODULE": "imr.settings.production",
        "SECRET_KEY": "c" * 60,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/imr",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"),
        **PLAN_CONTACTS_ENV,
    }
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CELERY_BEAT_SCHEDULER, s.CELERY_REDBEAT_LOCK_KEY, s.CELERY_REDBEAT_LOCK_TIMEOUT,"
        " s.SECURE_PROXY_SSL_HEADER)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["redbeat.RedBeatScheduler", "imr:beat:lock", "150", "None"]


def test_gunicorn_runs_threaded_workers(services):
    # A sync worker is held by one idle keep-alive connection until its 30 s timeout.
    command = _command(services["web"])
    assert _option(command, "--worker-class") == ["gthread"]
    (threads,) = _option(command, "--threads")
    assert int(threads) >= 2


def test_gunicorn_keeps_idle_connections_longer_than_its_clients_reuse_them(services):
    # Issue 20: with gunicorn's default --keep-alive of 2 s, a client pausing about 2 s
    # reused a connection the server was closing (ConnectionResetError). Behind the proxy
    # the client is Caddy, whose idle upstream connections live 2 minutes by default (the
    # Caddyfile sets no transport); bin/run and the load lab use the same value.
    (keep_alive,) = _option(_command(services["web"]), "--keep-alive")
    assert int(keep_alive) == KEEP_ALIVE_SECONDS > 120
    assert "transport" not in (ROOT / "ops" / "Caddyfile").read_text()
    assert f"--keep-alive {KEEP_ALIVE_SECONDS} " in (ROOT / "bin" / "run").read_text()
