"""Shared test personas and helpers.

Personas are named for who they are in the UM department, so a test reads as the
story it checks: a coordinator, a CMO, a QUAC member, an IMRO reviewer, an
administrator, and an outsider (an account with no role).
"""

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from imr.roles import ROLE_GRANTS, Role, sync_role_groups

PASSWORD = "correct-horse-battery-staple-7"


def pytest_collection_modifyitems(items: list) -> None:
    """Every transactional test restores the rows data migrations seed (serialized rollback).

    A transactional test empties the tables when it ends; without serialized rollback
    Django then re-creates content types and permissions with new ids, and the next test
    that restores the seeded rows collides with them. Marking them all alike keeps any
    order of the suite working.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        fixtures = getattr(item, "fixturenames", ())
        transactional = (
            "transactional_db" in fixtures
            or "live_server" in fixtures
            or (marker is not None and marker.kwargs.get("transaction"))
        )
        if transactional:
            kwargs = dict(marker.kwargs) if marker is not None else {}
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


def make_user(username: str, role: Role | None, **extra: object):
    User = get_user_model()
    is_staff = any(grant.is_staff for grant in ROLE_GRANTS if grant.role == role)
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        email=f"{username}@example.invalid",
        is_staff=is_staff,
        **extra,
    )
    if role is not None:
        if not Group.objects.filter(name=str(role)).exists():
            # A transactional test flushed the rows the roles migration seeds.
            sync_role_groups(django_apps)
        user.groups.add(Group.objects.get(name=str(role)))
    return user


@pytest.fixture
def coordinator(db):
    return make_user("coordinator", Role.UM_STAFF, first_name="Casey", last_name="Coordinator")


@pytest.fixture
def cmo(db):
    return make_user("cmo", Role.CMO, first_name="Morgan", last_name="Officer")


@pytest.fixture
def quac_member(db):
    return make_user("quac", Role.QUAC)


@pytest.fixture
def reviewer(db):
    return make_user("reviewer", Role.IMRO_REVIEWER)


@pytest.fixture
def administrator(db):
    return make_user("administrator", Role.ADMINISTRATOR)


@pytest.fixture
def outsider(db):
    return make_user("outsider", None)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
