"""Every page and endpoint needs a login: enumerated from the URL conf, not a hand list."""

import re

import pytest

from tests.urlconf import url_patterns

# The only URLs an anonymous caller may open.
ANONYMOUS_ALLOWED = {"login", "healthz"}
# Django's admin guards itself (it redirects to its own login page); tested separately.
EXCLUDED_NAMESPACES = {"admin"}

_CONVERTER_SAMPLES = {
    "int": "1",
    "str": "sample",
    "slug": "sample",
    "uuid": "00000000-0000-0000-0000-000000000001",
    "path": "sample/path",
}


def _sample_path(route: str) -> str:
    """Turn a route ('cases/<int:pk>/') or a regex route into a concrete path."""
    path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: _CONVERTER_SAMPLES[m.group(1) or "str"], route)
    # Regex routes (e.g. DRF format suffixes): drop anchors and optional groups.
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
    path = path.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + path.lstrip("/")


def all_routes():
    routes = url_patterns(exclude_namespaces=EXCLUDED_NAMESPACES)
    return sorted({(route, entry.name) for route, entry, _ in routes})


def test_the_url_conf_is_enumerated():
    names = {name for _, name in all_routes()}
    assert {"home", "login", "logout", "healthz"} <= names


def protected_routes():
    return [(route, name) for route, name in all_routes() if name not in ANONYMOUS_ALLOWED]


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name"), protected_routes())
def test_anonymous_is_sent_to_login(client, route, name):
    path = _sample_path(route)
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), (path, method)
        else:
            assert response.status_code in (401, 403), (path, method, response.status_code)


@pytest.mark.django_db
def test_admin_requires_a_staff_login(client, coordinator):
    assert client.get("/admin/").status_code == 302
    client.force_login(coordinator)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
