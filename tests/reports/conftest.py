"""A small hand-built data set for the QUAC report, made with the ORM.

Range: IMRO receipt 2026-01-01 to 2026-03-31 (plan time zone). Figures a person can
check by hand (see test_report_figures.py):

case  type    specialty   IMRO    circ.  IMRO receipt (local)  review after  rec.      final    cost
c1    std.    Cardiology  Acme    5      Mon 2026-01-05 09:00   10 h (0 bd)  uphold    deny     500
c2    std.    Cardiology  Acme    1, 5   Mon 2026-01-12 09:00   30 h (1 bd)  overturn  approve* 500
c3    exped.  Oncology    Beacon  4      Mon 2026-02-02 08:00   20 h (1 bd)  modify    approve  900
c4    std.    Oncology    Beacon  2      Fri 2026-02-13 10:00  100 h (1 bd)  uphold    unsigned 600
c5    retro.  Neurology   indep.  3      Mon 2026-03-02 09:00   50 h (2 bd)  overturn  approve  none
c6    std.    Neurology   Acme    —      Fri 2026-03-20 09:00  no review yet                    500
out   std.    Cardiology  Acme    5      Sat 2025-12-20 09:00  outside the range                500

* c2: signed deny, then a signed amendment to approve (the amendment is final).
c4 crosses Presidents' Day (Mon 2026-02-16, a seeded holiday): Sat, Sun, holiday, Tue = 1.
"""

import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from cases.models import Case, Determination, Document, Member, Practitioner, ReferralCircumstance
from reviewers.models import Assignment, Imro, Review, Specialist, Specialty, Submission
from timelines.models import Clock

LA = ZoneInfo("America/Los_Angeles")
RANGE = {"date_from": "2026-01-01", "date_to": "2026-03-31"}

# Synthetic PHI that must never appear in a report, an export or the API.
PHI_FIRST = "Wilhelmina"
PHI_LAST = "Fakeperson"
PHI_CIN = "93857261Q"
PHI_DOB = date(1958, 11, 23)
PHI_ADDRESS = "742 Evergreen Synthetic Terrace"
PRACTITIONER_NAME = "Dr. Treatwell Synthetic"
REVIEWER_NAME = "Dr. Reviewina Personal"
PHI_STRINGS = [
    PHI_FIRST,
    PHI_LAST,
    PHI_CIN,
    PHI_ADDRESS,
    "1958-11-23",
    "11/23/1958",
    PRACTITIONER_NAME,
    "Treatwell",
    REVIEWER_NAME,
    "Reviewina",
]

_counter = itertools.count(1)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=LA)


@dataclass
class Registry:
    acme: Imro
    beacon: Imro
    acme_reviewer: Specialist
    beacon_reviewer: Specialist
    independent: Specialist


def make_registry() -> Registry:
    specialty = Specialty.objects.create(name="Report test specialty")

    def imro(name: str) -> Imro:
        return Imro.objects.create(
            name=name,
            contract_start=date(2020, 1, 1),
            contract_end=date(2030, 12, 31),
            contact_name="Intake desk",
            secure_delivery_address=f"{name.split()[0].lower()}@imro.invalid",
            charge_standard=Decimal("500.00"),
            charge_expedited=Decimal("900.00"),
            charge_retrospective=Decimal("600.00"),
        )

    def specialist(name: str, organization: Imro | None) -> Specialist:
        return Specialist.objects.create(
            name=name,
            specialty=specialty,
            license_state="CA",
            license_number=f"A{next(_counter)}",
            license_expires=date(2030, 1, 1),
            imro=organization,
        )

    acme, beacon = imro("Acme Review"), imro("Beacon IMRO")
    return Registry(
        acme=acme,
        beacon=beacon,
        acme_reviewer=specialist(REVIEWER_NAME, acme),
        beacon_reviewer=specialist(f"{REVIEWER_NAME} Two", beacon),
        independent=specialist(f"{REVIEWER_NAME} Three", None),
    )


def make_case(
    *,
    owner,
    reviewer: Specialist,
    review_type: str,
    specialty: str,
    circumstances: list[int],
    imro_received_at: datetime,
    charge: Decimal | None,
    review_after_hours: float | None = None,
    recommendation: str = "",
    determinations: list[tuple[str, bool]] = (),  # type: ignore[assignment]
    clocks: list[tuple[str, str]] = (),  # type: ignore[assignment]
) -> Case:
    """A submitted case with its review, determinations (outcome, signed) in order, each
    amending the previous, and clocks (name, status) due two days after IMRO receipt."""
    n = next(_counter)
    member = Member.objects.create(
        first_name=PHI_FIRST,
        last_name=PHI_LAST,
        cin=PHI_CIN,
        date_of_birth=PHI_DOB,
        address_line1=PHI_ADDRESS,
        city="Santa Rosa",
        postal_code="95401",
    )
    practitioner = Practitioner.objects.create(name=PRACTITIONER_NAME, specialty=specialty)
    case = Case.objects.create(
        tar_number=f"TAR-R{n}",
        member=member,
        treating_practitioner=practitioner,
        specialty=specialty,
        review_type=review_type,
        received_at_plan=imro_received_at - timedelta(days=3),
        owner=owner,
        status="submitted",
    )
    for circumstance in circumstances:
        ReferralCircumstance.objects.create(case=case, circumstance=circumstance)
    assignment = Assignment.objects.create(
        case=case,
        specialist=reviewer,
        imro=reviewer.imro,
        assigned_by=owner,
        assigned_at=imro_received_at - timedelta(days=1),
    )
    Submission.objects.create(
        case=case,
        assignment=assignment,
        submitted_by=owner,
        submitted_at=imro_received_at - timedelta(hours=1),
        imro_received_at=imro_received_at,
        delivery_channel="portal",
        review_type=review_type,
        charge_to_plan=charge,
    )
    if review_after_hours is not None:
        received_at = imro_received_at + timedelta(hours=review_after_hours)
        document = Document.objects.create(
            case=case,
            kind="reviewer_determination",
            title="Reviewer's determination",
            original_name=f"{PHI_LAST}-determination.pdf",
            storage_name=f"report-test-{n}",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            uploaded_by=owner,
            uploaded_at=received_at,
        )
        Review.objects.create(
            case=case,
            assignment=assignment,
            document=document,
            recommendation=recommendation,
            rationale=f"Reviewed for {PHI_FIRST} {PHI_LAST}.",
            documents_reviewed="All.",
            reviewer_qualifications="Board-certified.",
            received_at=received_at,
            received_via="portal",
            recorded_by=owner,
            recorded_at=received_at,
        )
    previous = None
    for index, (outcome, signed) in enumerate(determinations):
        at = imro_received_at + timedelta(days=5 + index)
        previous = Determination.objects.create(
            case=case,
            amends=previous,
            outcome=outcome,
            rationale=f"Decision for {PHI_FIRST} {PHI_LAST}.",
            follows_imro=True,
            signed_by=owner if signed else None,
            signed_at=at if signed else None,
            created_by=owner,
            created_at=at,
        )
    for name, status in clocks:
        due = imro_received_at + timedelta(days=2)
        Clock.objects.create(
            case=case,
            name=name,
            review_type=review_type,
            trigger="imro_receipt",
            rule_kind="business_days",
            rule_amount=5,
            on_pass="breach",
            started_at=imro_received_at,
            due_at=due,
            status=status,
            stopped_at=None if status == "running" else due - timedelta(hours=1),
        )
    return case


@dataclass
class ReportData:
    registry: Registry
    cases: dict[str, Case]


@pytest.fixture
def report_data(db, coordinator) -> ReportData:
    registry = make_registry()
    acme, beacon, independent = (
        registry.acme_reviewer,
        registry.beacon_reviewer,
        registry.independent,
    )
    common = {"owner": coordinator}
    cases = {
        "c1": make_case(
            **common,
            reviewer=acme,
            review_type="standard",
            specialty="Cardiology",
            circumstances=[5],
            imro_received_at=local(2026, 1, 5, 9),
            charge=Decimal("500.00"),
            review_after_hours=10,
            recommendation="uphold",
            determinations=[("deny", True)],
            clocks=[("imro_determination", "met"), ("file_assembly", "missed")],
        ),
        "c2": make_case(
            **common,
            reviewer=acme,
            review_type="standard",
            specialty="Cardiology",
            circumstances=[1, 5],
            imro_received_at=local(2026, 1, 12, 9),
            charge=Decimal("500.00"),
            review_after_hours=30,
            recommendation="overturn",
            determinations=[("deny", True), ("approve", True)],
            clocks=[("imro_determination", "met")],
        ),
        "c3": make_case(
            **common,
            reviewer=beacon,
            review_type="expedited",
            specialty="Oncology",
            circumstances=[4],
            imro_received_at=local(2026, 2, 2, 8),
            charge=Decimal("900.00"),
            review_after_hours=20,
            recommendation="modify",
            determinations=[("approve", True)],
            clocks=[("imro_determination", "met"), ("appeal_resolution", "missed")],
        ),
        "c4": make_case(
            **common,
            reviewer=beacon,
            review_type="standard",
            specialty="Oncology",
            circumstances=[2],
            imro_received_at=local(2026, 2, 13, 10),
            charge=Decimal("600.00"),
            review_after_hours=100,
            recommendation="uphold",
            determinations=[("deny", False)],
            clocks=[("imro_determination", "missed"), ("response_needed", "cancelled")],
        ),
        "c5": make_case(
            **common,
            reviewer=independent,
            review_type="retrospective",
            specialty="Neurology",
            circumstances=[3],
            imro_received_at=local(2026, 3, 2, 9),
            charge=None,
            review_after_hours=50,
            recommendation="overturn",
            determinations=[("approve", True)],
            clocks=[("imro_determination_target", "missed"), ("imro_determination_limit", "met")],
        ),
        "c6": make_case(
            **common,
            reviewer=acme,
            review_type="standard",
            specialty="Neurology",
            circumstances=[],
            imro_received_at=local(2026, 3, 20, 9),
            charge=Decimal("500.00"),
            clocks=[("imro_determination", "running")],
        ),
        "outside": make_case(
            **common,
            reviewer=acme,
            review_type="standard",
            specialty="Cardiology",
            circumstances=[5],
            imro_received_at=local(2025, 12, 20, 9),
            charge=Decimal("500.00"),
            review_after_hours=5,
            recommendation="uphold",
            determinations=[("approve", True)],
            clocks=[("imro_determination", "missed")],
        ),
    }
    return ReportData(registry=registry, cases=cases)


def assert_no_phi(text: str) -> None:
    for needle in PHI_STRINGS:
        assert needle not in text, f"PHI {needle!r} leaked"
