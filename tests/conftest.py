"""Shared test personas and helpers.

Personas are named for who they are in the UM department, so a test reads as the
story it checks: a coordinator, a CMO, a QUAC member, an IMRO reviewer, an
administrator, and an outsider (an account with no role).
"""

import importlib

import pytest
from django.apps import apps as django_apps

from imr.roles import Role, sync_role_groups
from tests.support.cases import ensure_letter_templates
from tests.support.personas import PASSWORD, client_for, make_user

__all__ = ["PASSWORD", "client_for", "make_user"]


def pytest_collection_modifyitems(items: list) -> None:
    """Every transactional test runs without serialized rollback and re-seeds instead.

    Serialized rollback restores the rows data migrations seed, but it breaks as soon as
    anything (a live server request, a plain transactional test's flush) re-creates a
    content type under a new id: the restore then collides. So transactional tests all
    flush normally, and `_reference_data_after_flush` puts the seeded rows back.
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
            kwargs.update(transaction=True, serialized_rollback=False)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


def _migration(app: str, name: str):
    return importlib.import_module(f"{app}.migrations.{name}")


def reference_data_seed() -> None:
    """Idempotently put back what data migrations seed (roles, holidays, specialties,
    letter templates and inserts) after a transactional test emptied the tables."""
    from reviewers.models import Specialty
    from timelines.models import Holiday

    sync_role_groups(django_apps)
    if not Holiday.objects.exists():
        _migration("timelines", "0002_default_holidays").seed(django_apps, None)
    if not Specialty.objects.exists():
        _migration("reviewers", "0002_specialty_seed").seed(django_apps, None)
    ensure_letter_templates()  # v1 and v2 templates with the inserts (0005, 0043)


@pytest.fixture(scope="session", autouse=True)
def _empty_cache():
    """Start every run with an empty cache: a new test database numbers its rows from 1
    again, so an answer cached by an earlier run under the same ids (the IMRO medians,
    reviewers/turnaround.py) would otherwise be read back."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    reference_data_seed()


@pytest.fixture
def celery_eager():
    """Tasks enqueued (with .delay, after commit) run at once in this process, so a test
    reads their e-mails from Django's outbox. The real worker: tests/timelines/test_tasks.py."""
    from imr.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


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
