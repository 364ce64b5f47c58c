"""Cases built with the ORM (the cases services are written elsewhere), and helpers."""

import itertools
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps

from cases.models import Case, Member, Practitioner
from imr.roles import sync_role_groups

LA = ZoneInfo("America/Los_Angeles")
# A name that must never leave the plan: tests assert it is absent from e-mails.
MEMBER_FIRST, MEMBER_LAST = "Philomena", "Quackenbush"
_tar = itertools.count(1000)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=LA)


def make_case(
    *,
    owner,
    review_type: str = "standard",
    received_at: datetime | None = None,
    status: str = "submitted",
    **extra: object,
) -> Case:
    member = Member.objects.create(
        first_name=MEMBER_FIRST,
        last_name=MEMBER_LAST,
        cin="98765432A",
        date_of_birth=date(1961, 4, 5),
        address_line1="12 Orchard Lane",
        city="Santa Rosa",
        postal_code="95401",
    )
    practitioner = Practitioner.objects.create(name="Dr. Treating", specialty="Cardiology")
    return Case.objects.create(
        tar_number=f"TAR-{next(_tar)}",
        member=member,
        treating_practitioner=practitioner,
        specialty="Cardiology",
        review_type=review_type,
        received_at_plan=received_at or local(2026, 3, 2, 9, 0),
        owner=owner,
        status=status,
        **extra,
    )


@pytest.fixture
def roles(transactional_db, django_db_serialized_rollback):
    """Real commits, with the migrations' data (roles, holidays) restored around the test.

    A transactional test flushes every table; serialized rollback reloads the seeded rows
    so later transactional tests, ours or other apps', still find them. The role groups are
    synced again in case an earlier test flushed them without restoring.
    """
    sync_role_groups(apps)
