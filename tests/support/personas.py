"""The people of the UM department, as test accounts.

Personas are named for who they are, so a test reads as the story it checks: a
coordinator, a CMO, a QUAC member, an IMRO reviewer, an administrator and an outsider
(an account with no role). The pytest fixtures of the same names live in
tests/conftest.py and call `make_user`.
"""

import time

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from imr.reauth import SESSION_KEY as REAUTH_SESSION_KEY
from imr.roles import ROLE_GRANTS, Role, sync_role_groups

PASSWORD = "correct-horse-battery-staple-7"


def make_user(username: str, role: Role | None, **extra: object):
    """An account in one role (or none), with the shared test password."""
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


def client_for(user, *, reauthenticated: bool = True) -> Client:
    """A client signed in as `user`, as after typing the password (so signature acts
    work, R-SEC-2); `reauthenticated=False` for a session whose password entry is stale."""
    client = Client()
    client.force_login(user)
    if reauthenticated:
        session = client.session
        session[REAUTH_SESSION_KEY] = time.time()
        session.save()
    return client
