"""Helpers for the API tests: /api/v1/ routes from the URL conf, clients with tokens."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern

from imr.api.auth import api_token_issue
from imr.roles import Role
from tests.support.personas import make_user
from tests.urlconf import url_patterns

API_PREFIX = "api/v1/"
PERSONA_ROLES = {
    "coordinator": Role.UM_STAFF,
    "cmo": Role.CMO,
    "quac": Role.QUAC,
    "reviewer": Role.IMRO_REVIEWER,
    "administrator": Role.ADMINISTRATOR,
    "outsider": None,
}


def api_routes() -> list[tuple[str, URLPattern]]:
    """Every (route, pattern) under /api/v1/, as the URL conf has them."""
    return sorted(
        ((route, entry) for route, entry, _ in url_patterns() if route.startswith(API_PREFIX)),
        key=lambda item: item[0],
    )


def view_class(entry: URLPattern) -> type:
    return entry.callback.cls


def view_methods(entry: URLPattern) -> set[str]:
    cls = view_class(entry)
    skipped = ("options", "head")
    return {m.upper() for m in cls.http_method_names if m not in skipped and hasattr(cls, m)}


def sample_path(route: str, value: str = "1") -> str:
    """'api/v1/cases/<int:pk>/' -> '/api/v1/cases/1/' ('member' for a str converter)."""
    return "/" + re.sub(
        r"<(?:(\w+):)?\w+>", lambda m: value if m.group(1) == "int" else "member", route
    )


def token_client(user, name: str = "test system") -> Client:
    _, key = api_token_issue(user=user, name=name, created_by=None)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.fixture
def personas(db) -> dict:
    """One user of each role and an outsider, by persona name."""
    return {name: make_user(f"api-{name}", role) for name, role in PERSONA_ROLES.items()}
