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
