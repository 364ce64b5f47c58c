"""Builders for case data through the real services (so rules apply as in production)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from cases.models import Member, Practitioner
from cases.services import CaseDetails, ServiceLine, case_create

PLAN = ZoneInfo("America/Los_Angeles")

# Obviously synthetic PHI the tests search for in places it must never appear.
MEMBER_FIRST, MEMBER_LAST = "Zebulon", "Quixotefake"
MEMBER_CIN = "99887766Z"
MEMBER_DOB = date(1961, 7, 14)


def make_member(**overrides: object) -> Member:
    fields = {
        "first_name": MEMBER_FIRST,
        "last_name": MEMBER_LAST,
        "cin": MEMBER_CIN,
        "date_of_birth": MEMBER_DOB,
        "address_line1": "1 Synthetic Way",
        "city": "Faketown",
        "postal_code": "95401",
        **overrides,
    }
    return Member.objects.create(**fields)


def make_practitioner() -> Practitioner:
    return Practitioner.objects.create(name="Dr. Testa Synthetic", npi="1234567893")


def details(**overrides: object) -> CaseDetails:
    fields: dict[str, object] = {
        "tar_number": "TAR-000123",
        "specialty": "Dermatology",
        "review_type": "standard",
        "received_at_plan": datetime(2026, 6, 1, 9, 0, tzinfo=PLAN),
        "circumstances": [2],
        "services": [ServiceLine("0394T", "Image-guided brachytherapy of the skin")],
        "diagnosis_codes": ["C44.91"],
        "questions": ["Is the requested therapy more beneficial than standard excision?"],
        "response_needed_by": date(2026, 6, 15),
        "relevant_information": "Lesion history summary.",
        "practitioner_information": "Letter of medical necessity summary.",
        "medical_history": "Prior excisions in 2024.",
        "clinical_data": "Biopsy result summary.",
    }
    fields.update(overrides)
    return CaseDetails(**fields)  # type: ignore[arg-type]


def open_case(owner, **overrides: object):
    member = overrides.pop("member", None) or make_member()
    return case_create(
        member=member,
        practitioner=make_practitioner(),
        details=details(**overrides),
        owner=owner,
        actor=owner,
    )
