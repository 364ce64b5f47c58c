"""Cases for the clock tests, from intake through tests/support, and helpers."""

import itertools
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps

from cases.models import Case
from cases.services import referral_approve
from imr.roles import Role, sync_role_groups
from tests.support.cases import case_at, open_case
from tests.support.factories import MemberFactory, PractitionerFactory
from tests.support.personas import make_user

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
    status: str = "intake",
    decider=None,
    **extra: object,
) -> Case:
    """A case from intake (tests/support), its clocks left to the test: the clock tests
    drive the engine (clocks_start / clocks_stop) themselves. With another `status`, the
    case is walked there first; `referral_approved_at` approves it at that moment."""
    fields: dict[str, object] = {
        "tar_number": f"TAR-{next(_tar)}",
        "specialty": "Cardiology",
        "review_type": review_type,
        "received_at_plan": received_at or local(2026, 3, 2, 9, 0),
    }
    if status == "intake":
        fields["response_needed_by"] = None  # no response-needed clock unless asked
    if review_type == "expedited":
        fields |= {
            "expedited_criterion": "imminent_threat",
            "expedited_determined_by": "treating_physician",
        }
    approved_at = extra.pop("referral_approved_at", None)
    member = MemberFactory(
        first_name=MEMBER_FIRST,
        last_name=MEMBER_LAST,
        cin="98765432A",
        date_of_birth=date(1961, 4, 5),
        address_line1="12 Orchard Lane",
        city="Santa Rosa",
    )
    practitioner = PractitionerFactory(name="Dr. Treating", specialty="Cardiology")
    if status != "intake":
        decider = decider or make_user(f"cmo-{next(_tar)}", Role.CMO)
        return case_at(
            status,
            owner=owner,
            decider=decider,
            member=member,
            practitioner=practitioner,
            **(fields | extra),
        )
    case = open_case(owner, member=member, practitioner=practitioner, **(fields | extra))
    if approved_at is not None:
        with time_machine.travel(approved_at, tick=False):
            case = referral_approve(case=case, actor=make_user(f"cmo-{case.pk}", Role.CMO))
    return case


@pytest.fixture
def roles(transactional_db, django_db_serialized_rollback):
    """Real commits, with the migrations' data (roles, holidays) restored around the test.

    A transactional test flushes every table; serialized rollback reloads the seeded rows
    so later transactional tests, ours or other apps', still find them. The role groups are
    synced again in case an earlier test flushed them without restoring.
    """
    sync_role_groups(apps)
