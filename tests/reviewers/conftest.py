"""Cases (walked by tests/support), registry rows and the IMRO loop for reviewer tests.

The registry's specialty list comes from the data
migration. Times are fixed: the tests run in March 2026, credentials expire in 2030
unless a test says otherwise.
"""

import itertools
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import (
    Case,
    Circumstance,
)
from cases.services import ServiceLine, case_submit
from imr.roles import Role
from reviewers import services
from reviewers.models import Imro, Specialist, Specialty
from tests.support.cases import approve, open_case
from tests.support.factories import MemberFactory, PractitionerFactory
from tests.support.files import use_private_storage
from tests.support.personas import client_for, make_user

LA = ZoneInfo("America/Los_Angeles")
# PHI that must never reach the portal: each is searched for in portal responses.
MEMBER = {
    "first_name": "Philomena",
    "last_name": "Quackenbush",
    "cin": "98765432A",
    "date_of_birth": date(1961, 4, 5),
    "address_line1": "12 Orchard Lane",
    "city": "Petaluma",
    "postal_code": "95401",
}
PHI_STRINGS = [
    "Philomena",
    "Quackenbush",
    "98765432A",
    "1961-04-05",
    "04/05/1961",
    "April 5, 1961",
    "12 Orchard Lane",
    "Petaluma",
]
FAR = date(2030, 12, 31)
_tar = itertools.count(5000)
_license = itertools.count(10000)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=LA)


# Monday 2 March 2026, 10:00 in the plan's zone: no holiday within the IMRO clock.
NOW = local(2026, 3, 2, 10, 0)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def private_documents(settings, tmp_path):
    use_private_storage(settings, tmp_path)


def make_case(*, owner, specialty: str = "Cardiology", complete: bool = True, **extra) -> Case:
    """A case walked by tests/support: when complete, every item a–i, a circumstance and
    the CMO's approval (ready to submit once a reviewer is assigned and has attested);
    otherwise an intake with only the member, the specialty and the receipt."""
    fields: dict[str, object] = {
        "tar_number": f"TAR-{next(_tar)}",
        "specialty": specialty,
        "received_at_plan": local(2026, 2, 27, 9, 0),
    }
    if complete:
        fields |= {
            "services": [ServiceLine("33361", "Transcatheter valve")],
            "diagnosis_codes": ["I35.0"],
            "questions": ["Is the procedure medically necessary?"],
            "circumstances": [Circumstance.EFFICACY_OR_SCOPE],
            "response_needed_by": date(2026, 3, 20),
            "relevant_information": "Relevant information text.",
            "practitioner_information": "Practitioner letter text.",
            "medical_history": "History text.",
            "clinical_data": "Clinical data text.",
        }
    else:
        fields |= {
            "services": [],
            "diagnosis_codes": [],
            "questions": [],
            "circumstances": [],
            "response_needed_by": None,
            "relevant_information": "",
            "practitioner_information": "",
            "medical_history": "",
            "clinical_data": "",
        }
    practitioner = PractitionerFactory(name="Dr. Treating Example", specialty=specialty)
    case = open_case(
        owner, member=MemberFactory(**MEMBER), practitioner=practitioner, **(fields | extra)
    )
    if complete:
        case = approve(case, make_user(f"approver-{case.pk}", Role.CMO))
    return case


def make_imro(name: str = "Test IMRO", **extra) -> Imro:
    fields = {
        "name": name,
        "contract_start": date(2025, 1, 1),
        "contract_end": FAR,
        "contact_name": "Imro Contact",
        "secure_delivery_address": f"secure@{name.lower().replace(' ', '-')}.example.invalid",
        "charge_standard": Decimal("400.00"),
        "charge_expedited": Decimal("550.00"),
        "charge_retrospective": Decimal("350.00"),
    }
    return Imro.objects.create(**(fields | extra))


def make_specialist(
    name: str,
    *,
    specialty: str = "Internal Medicine",
    subspecialty: str | None = "Cardiovascular Disease",
    imro: Imro | None = None,
    user=None,
    **extra,
) -> Specialist:
    fields = {
        "name": name,
        "specialty": Specialty.objects.get(name=specialty),
        "subspecialty": Specialty.objects.get(name=subspecialty) if subspecialty else None,
        "board_certified": True,
        "board_certification_expires": FAR,
        "license_state": "CA",
        "license_number": f"A{next(_license)}",
        "license_expires": FAR,
        "actively_practicing": True,
        "imro": imro,
        "user": user,
        "qualifications": "Board-certified cardiologist in active practice.",
    }
    return Specialist.objects.create(**(fields | extra))


NO_CONFLICT = {
    "plan_or_officers": False,
    "treating_physician_or_group": False,
    "facility": False,
    "manufacturer": False,
    "member_or_family": False,
}


def ready_to_submit(case: Case, specialist: Specialist, actor) -> Case:
    services.assignment_create(case=case, specialist=specialist, actor=actor)
    services.attestation_record(case=case, specialist=specialist, actor=actor, answers=NO_CONFLICT)
    return case


def submitted(case: Case, specialist: Specialist, actor, delivery: str = "portal") -> Case:
    ready_to_submit(case, specialist, actor)
    case_submit(case=case, actor=actor, delivery=delivery)
    case.refresh_from_db()
    return case


def asked_reminded_and_downloaded(case: Case, *, coordinator, reviewer, frozen_now) -> None:
    """The reviewer asks for labs (3 Mar 11:00), the coordinator logs an e-mail reminder
    dated the day before, and the reviewer downloads the packet (3 Mar 12:00)."""
    frozen_now.move_to(local(2026, 3, 3, 11, 0))
    services.information_request_ask(case=case, actor=reviewer, question="Labs?")
    services.contact_log_add(
        case=case,
        actor=coordinator,
        at=local(2026, 3, 2, 15, 0),
        channel="email",
        with_whom="Reviewer's office",
        summary="Sent a reminder.",
    )
    frozen_now.move_to(local(2026, 3, 3, 12, 0))
    client_for(reviewer).get(f"/portal/cases/{case.pk}/packet.pdf")


def determination_file(text: str = "Written determination: overturn.") -> SimpleUploadedFile:
    return SimpleUploadedFile("determination.txt", text.encode(), content_type="text/plain")


@pytest.fixture
def imro(db):
    return make_imro()


@pytest.fixture
def reviewer_b(db):
    return make_user("reviewer.b", Role.IMRO_REVIEWER)


@pytest.fixture
def specialist_a(imro, reviewer):
    return make_specialist("Dr. Alpha Reviewer", imro=imro, user=reviewer)


@pytest.fixture
def specialist_b(imro, reviewer_b):
    return make_specialist("Dr. Beta Reviewer", imro=imro, user=reviewer_b)


# The IMRO loop's API: the reviewers app's endpoints, and the two case steps taken in it
# (the submission and the review received) that live with the case's other status changes.
_IMRO_LOOP_API_MODULES = ("reviewers.api", "cases.api.submission", "cases.api.review")


def imro_loop_api(route: str, pattern) -> bool:
    module = getattr(pattern.callback, "__module__", "")
    return route.startswith("api/v1/") and module in _IMRO_LOOP_API_MODULES
