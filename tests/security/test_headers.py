"""Browser-facing defences: CSRF, clickjacking, CSP with no inline script, production HTTPS.

The pages checked are every GET page of the URL conf a signed-in coordinator (or CMO,
reviewer, QUAC member) can open, so a new template with an inline script fails here.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from imr.security import CONTENT_SECURITY_POLICY
from tests.security.test_access_matrix import (
    ALLOWED_METHODS,
    concrete_path,
    outcome_matches,
)
from tests.security.test_access_matrix import (
    all_routes as matrix_routes,
)
from tests.security.world import world_fixture
from tests.support.personas import client_for
from tests.support.plan_contacts import PLAN_CONTACTS_ENV

world = world_fixture()
pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\s on[a-z]+\s*=", re.IGNORECASE | re.VERBOSE)
INLINE_STYLE = re.compile(r"""\sstyle\s*=\s*["']""", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)
# No page has an inline script (the API docs use SpectacularSwaggerSplitView, whose script
# is a file). Swagger UI's page keeps one <style> block, which the CSP blocks: the docs
# page then shows unstyled but works; it is the one page allowed to carry it.
STYLE_ELEMENT_KNOWN = {"api-docs"}


def test_csrf_is_enforced_on_a_form_post(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["coordinator"])
    response = client.post("/cases/new/", {"tar_number": "TAR-1"})
    assert response.status_code == 403
    page = client.get("/cases/new/")
    token = page.cookies["csrftoken"].value
    accepted = client.post("/cases/new/", {"csrfmiddlewaretoken": token, "tar_number": "TAR-1"})
    assert accepted.status_code == 200  # the form comes back with its errors


def test_csrf_is_enforced_on_the_api_for_a_browser_session(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["coordinator"])
    response = client.post("/api/v1/cases/", {}, content_type="application/json")
    assert response.status_code == 403


def test_pages_send_the_security_headers(world):
    response = client_for(world.users["coordinator"]).get("/cases/")
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_login_page_and_errors_carry_the_policy_too(client):
    for path in ("/accounts/login/", "/no-such-page/"):
        response = client.get(path)
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, path


def _pages(world):
    for route in matrix_routes():
        if route.is_api and route.name != "api-docs":
            continue
        yield route, concrete_path(route, world.ids[0])


@pytest.mark.parametrize("role", ["coordinator", "cmo", "reviewer_a", "quac", "administrator"])
def test_no_rendered_page_has_inline_script_or_style(role, world):
    client = Client(raise_request_exception=False)
    client.force_login(world.users[role])
    offenders, checked = [], 0
    for route, path in _pages(world):
        if ALLOWED_METHODS and "GET" not in ALLOWED_METHODS.get(route.name, {"GET"}):
            continue
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        checked += 1
        html = response.content.decode()
        if INLINE_SCRIPT.search(html):
            offenders.append(f"{path}: inline <script>")
        for pattern, what in (
            (INLINE_HANDLER, "on…= handler"),
            (INLINE_STYLE, 'style=""'),
            (STYLE_ELEMENT, "<style>"),
        ):
            if pattern is STYLE_ELEMENT and route.name in STYLE_ELEMENT_KNOWN:
                continue
            if pattern.search(html):
                offenders.append(f"{path}: {what}")
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, path
    assert checked >= 3, f"only {checked} pages rendered for {role}"
    assert not offenders, "\n".join(offenders)


def test_the_matrix_helpers_agree_on_a_login_redirect(client):
    response = client.get("/cases/")
    route = next(r for r in matrix_routes() if r.name == "cases:list")
    assert outcome_matches("login", response, route, "GET")


# --- production settings --------------------------------------------------------------

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "imr.settings.production",
    "SECRET_KEY": "x" * 64,
    "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/imr"),
    "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"),
    "ALLOWED_HOSTS": "imr.plan.example",
    **PLAN_CONTACTS_ENV,
}

PROBE = """
import django, json
django.setup()
from django.conf import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": s.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "SESSION_COOKIE_HTTPONLY": s.SESSION_COOKIE_HTTPONLY,
    "X_FRAME_OPTIONS": s.X_FRAME_OPTIONS,
    "csp": "imr.security.ContentSecurityPolicyMiddleware" in s.MIDDLEWARE,
}))
"""


def _test_database_url() -> str:
    """The database this test run created (test_…), which exists on any machine."""
    from django.db import connection

    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _production(code: str, extra_env: dict | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env.update(PRODUCTION_ENV, DATABASE_URL=_test_database_url(), **(extra_env or {}))
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_are_https_only_and_never_debug(db):
    import json

    result = _production(PROBE, {"DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False  # even with DEBUG=true in the environment
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["csp"] is True


SERVER_ERROR = """
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
from django.urls import path
import imr.urls

from django.contrib.auth.decorators import login_not_required

@login_not_required
def explode(request):
    raise RuntimeError("secret detail 99887766Z in a traceback")

imr.urls.urlpatterns.insert(0, path("explode/", explode))
setup_test_environment()
client = Client(raise_request_exception=False, HTTP_HOST="imr.plan.example")
from django.contrib.auth import get_user_model
from django.db import connection
from tests.support.plan_contacts import PLAN_CONTACTS_ENV
response = client.get("/explode/", secure=True)
print("STATUS", response.status_code)
print("HSTS", response.get("Strict-Transport-Security", ""))
print("BODY", response.content.decode().replace("\\n", " "))
missing = client.get("/nowhere/", secure=True)
print("MISSING", missing.status_code, missing.content.decode().replace("\\n", " "))
"""


def test_a_server_error_in_production_shows_the_plain_page_without_a_traceback(db):
    result = _production(SERVER_ERROR, {"DEBUG": "true"})
    assert result.returncode == 0, result.stderr[-3000:]
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert lines["STATUS"] == "500"
    body = lines["BODY"]
    assert "Something went wrong" in body
    for leak in ("Traceback", "RuntimeError", "99887766Z", "secret detail", "settings"):
        assert leak not in body
    assert lines["HSTS"].startswith("max-age=31536000")
    assert lines["MISSING"].startswith("302") or lines["MISSING"].startswith("404")


def test_the_error_templates_are_plain(client, settings):
    for code in (403, 404, 500):
        text = (ROOT / "templates" / f"{code}.html").read_text()
        assert "{% extends" not in text and "{{" not in text and "<script" not in text


def test_a_403_and_a_404_use_the_plain_templates(world):
    client = client_for(world.users["quac"])
    forbidden = client.get("/cases/")
    assert forbidden.status_code == 403
    assert "Not allowed" in forbidden.content.decode()
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert "Not found" in missing.content.decode()
