"""A small data set for the QUAC report, every case walked through the real services.

Range: IMRO receipt 2026-01-01 to 2026-03-31 (plan time zone, America/Los_Angeles;
PST until Sun 2026-03-08, PDT after). The report is read at NOW, Wed 2026-04-15 12:00.
Every step runs at a fixed moment (time_machine), so each figure in
test_report_figures.py follows from the table below by hand:

case  type    specialty   IMRO    circ.  IMRO receipt (local)  review after  rec.      final    cost
c1    std.    Cardiology  Acme    5      Mon 2026-01-05 09:00   10 h (0 bd)  uphold    deny     500
c2    std.    Cardiology  Acme    1, 5   Mon 2026-01-12 09:00   30 h (1 bd)  overturn  approve* 500
c3    exped.  Oncology    Beacon  4      Mon 2026-02-02 08:00   20 h (1 bd)  modify    approve  900
c4    std.    Oncology    Beacon  2      Fri 2026-02-13 10:00  100 h (1 bd)  uphold    unsigned 600
c5    retro.  Neurology   indep.  3      Mon 2026-03-02 09:00   50 h (2 bd)  overturn  approve  none
c6    std.    Neurology   Acme    6      Fri 2026-03-20 09:00  no review yet                    500
outside (out of the range): std., Cardiology, Acme, (5), Sat 2025-12-20 09:00, review after
      5 h, uphold, approve (not following the reviewer), 500

* c2: signed deny (not following the reviewer), then a signed amendment to approve.
c3 approves what the reviewer would modify (not following it either).
c4 crosses Presidents' Day (Mon 2026-02-16, a seeded holiday): Sat, Sun, holiday, Tue = 1.
The cost is what case_submit records: Acme charges 500 for a standard review, Beacon 600
for a standard and 900 for an expedited one; the independent specialist has no charge.

The clocks each case gets from the rules table (timelines/rules.py), due 23:59:59 local
on the last day unless given in hours; "bd" counts business days after the day of the
start (weekends and the seeded holidays 2025-12-25, 2026-01-01, 01-19, 02-16 skipped):

c1  received Wed 2025-12-24 09:00, approved Wed 12-24 12:00, resolved Tue 01-06 12:00
    authorization decision  14 days from 12-24 → Wed 01-07   resolved 01-06   met
    date response needed    Fri 01-09                        review 01-05     met
    file assembly (internal) 3 bd: Fri 12-26, Mon 12-29, Tue 12-30; sent 01-05 missed
    IMRO determination      5 bd: Tue 01-06 … Mon 01-12      review 01-05     met
c2  received Thu 2026-01-08 09:00, approved Fri 01-09 10:00, resolved Thu 01-15 12:00
    authorization decision  14 days → Thu 01-22              resolved 01-15   met
    date response needed    Fri 01-16                        review 01-13     met
    file assembly (internal) 3 bd: Mon 01-12 … Wed 01-14     sent 01-12       met
    IMRO determination      5 bd: Tue 01-13 … Fri 01-16, (MLK) Tue 01-20; review 01-13 met
c3  received Fri 2026-01-30 14:00, approved Sun 02-01 09:00, resolved Tue 02-03 11:00
    appeal resolution (exp.) 72 h → Mon 02-02 14:00          resolved 02-03   missed
    file assembly (internal) 24 h → Mon 02-02 09:00          sent 02-02 08:00 met
    IMRO determination (exp.) 24 h → Tue 02-03 08:00         review 04:00     met
c4  received Mon 2026-02-09 09:00, opened under circumstance (3) appeal by mistake, so
    an appeal: its appeal-resolution clock (30 days) started. Corrected to (2) at 10:00,
    a pre-service request: that clock is cancelled (the only standard appeal-resolution
    clock of the data set) and the authorization-decision clock starts instead.
    Approved Wed 02-11 12:00; the CMO's determination is still a draft.
    authorization decision  14 days → Mon 02-23              not resolved     running, overdue
    date response needed    Mon 02-16                        review 02-17     missed
    file assembly (internal) 3 bd: Thu 02-12, Fri 02-13, Tue 02-17; sent 02-13 met
    IMRO determination      5 bd: Tue 02-17 … Mon 02-23      review 02-17     met
c5  received Mon 2026-02-02 09:00, approved Thu 02-26 10:00, resolved Thu 03-05 12:00
    appeal decision         30 bd → Tue 03-17                resolved 03-05   met
    appeal decision, federal 30 days → Wed 03-04 (warning)   resolved 03-05   missed
    file assembly (internal) 3 bd: Fri 02-27, Mon 03-02, Tue 03-03; sent 03-02 met
    IMRO target (warning)   5 bd → Mon 03-09                 review 03-04     met
    IMRO limit              7 bd → Wed 03-11                 review 03-04     met
c6  received Tue 2026-03-17 09:00, approved Wed 03-18 10:00; no review yet
    authorization decision  14 days → Tue 03-31              running at NOW   overdue
    date response needed    Thu 04-30                        running at NOW   not overdue
    file assembly (internal) 3 bd: Thu 03-19 … Mon 03-23     sent 03-20       met
    IMRO determination      5 bd: Mon 03-23 … Fri 03-27      running at NOW   overdue
out.  received Wed 2025-12-17 09:00, approved Wed 12-17 12:00, resolved Fri 2026-01-02 10:00
    authorization decision  14 days → Wed 12-31              resolved 01-02   missed
    date response needed    Mon 12-22                        review 12-20     met
    file assembly (internal) 3 bd: Thu 12-18 … Mon 12-22     sent 12-20       met
    IMRO determination      5 bd: Mon 12-22 … Mon 12-29      review 12-20     met
"""

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import transaction
from django.test import override_settings

from cases.models import Case, DocumentKind
from cases.services import (
    case_resolve,
    case_update,
    determination_amend,
    determination_current,
    determination_record,
    document_upload,
)
from imr.roles import Role
from reviewers.models import Imro, Specialist
from tests.support.cases import (
    Walk,
    approve,
    details,
    notify,
    open_case,
    receive_review,
    sign,
    submit,
)
from tests.support.factories import (
    PRACTITIONER_NPI,
    ImroFactory,
    MemberFactory,
    PractitionerFactory,
    SpecialistFactory,
)
from tests.support.files import pdf_bytes, upload
from tests.support.personas import make_user

LA = ZoneInfo("America/Los_Angeles")
RANGE = {"date_from": "2026-01-01", "date_to": "2026-03-31"}

# Synthetic PHI that must never appear in a report, an export or the API.
PHI_FIRST = "Wilhelmina"
PHI_LAST = "Fakeperson"
# One member per case; each CIN is this prefix, two digits and Q (93857201Q, …).
PHI_CIN_PREFIX = "938572"
PHI_DOB = date(1958, 11, 23)
PHI_ADDRESS = "742 Evergreen Synthetic Terrace"
PRACTITIONER_NAME = "Dr. Treatwell Synthetic"
REVIEWER_NAME = "Dr. Reviewina Personal"
PHI_STRINGS = [
    PHI_FIRST,
    PHI_LAST,
    PHI_CIN_PREFIX,
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


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


@dataclass
class Registry:
    acme: Imro
    beacon: Imro
    acme_reviewer: Specialist
    beacon_reviewer: Specialist
    independent: Specialist


def make_registry() -> Registry:
    """Two contracted IMROs and an independent specialist, as an Administrator enters them."""
    specialty = {"specialty_name": "Report test specialty"}
    acme = ImroFactory(
        name="Acme Review",
        secure_delivery_address="acme@imro.example.invalid",
        charge_standard=Decimal("500.00"),
        charge_expedited=Decimal("900.00"),
        charge_retrospective=Decimal("600.00"),
    )
    beacon = ImroFactory(
        name="Beacon IMRO",
        secure_delivery_address="beacon@imro.example.invalid",
        charge_standard=Decimal("600.00"),
        charge_expedited=Decimal("900.00"),
        charge_retrospective=Decimal("600.00"),
    )
    return Registry(
        acme=acme,
        beacon=beacon,
        acme_reviewer=SpecialistFactory(name=REVIEWER_NAME, imro=acme, **specialty),
        beacon_reviewer=SpecialistFactory(name=f"{REVIEWER_NAME} Two", imro=beacon, **specialty),
        # Delivered by e-mail to the specialist's own address; no charge on file.
        independent=SpecialistFactory(
            name=f"{REVIEWER_NAME} Three",
            imro=None,
            email="reviewer.three@specialist.example.invalid",
            charge_per_review=None,
            **specialty,
        ),
    )


@dataclass(frozen=True)
class Decision:
    """A coverage determination at `at`: the first one recorded (and signed unless
    `signed` is False), each later one a signed amendment of the one before."""

    at: datetime
    outcome: str
    follows_imro: bool
    signed: bool = True


@dataclass(frozen=True)
class Story:
    """One case: its referral file and when each step happened (plan time)."""

    reviewer: str  # a Registry attribute
    review_type: str
    specialty: str
    circumstances: tuple[int, ...]
    received: datetime  # at the plan
    response_needed_by: date
    approved: datetime
    sent: datetime  # the file sent: the reviewer's receipt
    review_after: timedelta | None = None  # None: no review yet
    recommendation: str = "uphold"
    decisions: tuple[Decision, ...] = ()
    notified: datetime | None = None
    resolved: datetime | None = None
    facts: dict[str, object] = field(default_factory=dict)
    # Facts the case was opened with by mistake, corrected an hour later.
    opened_as: dict[str, object] = field(default_factory=dict)


def walk_story(story: Story, *, owner, cmo, registry: Registry) -> Case:
    """Walk one story through intake, approval, submission, review, determinations,
    letters and resolution, each step at its moment."""
    n = next(_counter)
    # With no review the walk's review moment is never used.
    review_at = story.sent + (story.review_after or timedelta(0))
    walk = Walk(
        approved=story.approved - story.received,
        submitted=story.sent - story.received,
        review_received=review_at - story.received,
    )
    member = MemberFactory(
        first_name=PHI_FIRST,
        last_name=PHI_LAST,
        cin=f"{PHI_CIN_PREFIX}{n % 100:02d}Q",
        date_of_birth=PHI_DOB,
        address_line1=PHI_ADDRESS,
        city="Santa Rosa",
    )
    practitioner = PractitionerFactory(name=PRACTITIONER_NAME, specialty=story.specialty)
    facts = {
        "tar_number": f"TAR-R{n}",
        "specialty": story.specialty,
        "review_type": story.review_type,
        "received_at_plan": story.received,
        "circumstances": list(story.circumstances),
        "response_needed_by": story.response_needed_by,
        **story.facts,
    }
    with at(story.received):
        # Opened with the mistaken facts, if any, then corrected below.
        case = open_case(
            owner, member=member, practitioner=practitioner, **{**facts, **story.opened_as}
        )
        if 5 in story.circumstances:
            _file_physician_documents(case)
    if story.opened_as:
        with at(story.received + timedelta(hours=1)):
            case = case_update(
                case_id=case.pk,
                expected_version=case.version,
                details=details(**facts),
                actor=owner,
            )
    case = approve(case, cmo, walk=walk)
    case = submit(case, specialist=getattr(registry, story.reviewer), walk=walk)
    if story.review_after is None:
        return case
    case = receive_review(
        case,
        recommendation=story.recommendation,
        rationale=f"Reviewed for {PHI_FIRST} {PHI_LAST}.",
        walk=walk,
    )
    rationale = f"Decision for {PHI_FIRST} {PHI_LAST}."
    for index, decision in enumerate(story.decisions):
        with at(decision.at):
            choice = {"outcome": decision.outcome, "follows_imro": decision.follows_imro}
            if index:
                determination_amend(
                    determination=determination_current(case),
                    actor=cmo,
                    rationale=rationale,
                    criteria_used="The plan's medical policy.",
                    reason="The reviewer's determination was misread.",
                    **choice,
                )
            elif decision.signed:
                case = sign(case, cmo, rationale=rationale, **choice)
            else:
                determination_record(
                    case=case,
                    actor=cmo,
                    rationale=rationale,
                    criteria_used="The plan's medical policy.",
                    **choice,
                )
    if story.notified:
        with at(story.notified):
            case = notify(case)
    if story.resolved:
        with at(story.resolved):
            case_resolve(case=case, actor=cmo)
    return Case.objects.get(pk=case.pk)


def _file_physician_documents(case: Case) -> None:
    """Circumstance (5): the certification and the recommendation, by the treating
    physician (policy VI.B.5, R-REF-7)."""
    for kind in (DocumentKind.PHYSICIAN_CERTIFICATION, DocumentKind.PHYSICIAN_RECOMMENDATION):
        document_upload(
            case=case,
            kind=kind,
            uploaded_file=upload(f"{kind}.pdf", pdf_bytes(["Signed by the treating physician"])),
            actor=case.owner,
            author_name=PRACTITIONER_NAME,
            author_npi=PRACTITIONER_NPI,
        )


STORIES: dict[str, Story] = {
    "c1": Story(
        reviewer="acme_reviewer",
        review_type="standard",
        specialty="Cardiology",
        circumstances=(5,),
        received=local(2025, 12, 24, 9),
        response_needed_by=date(2026, 1, 9),
        approved=local(2025, 12, 24, 12),
        sent=local(2026, 1, 5, 9),
        review_after=timedelta(hours=10),
        recommendation="uphold",
        decisions=(Decision(local(2026, 1, 6, 10), "deny", follows_imro=True),),
        notified=local(2026, 1, 6, 11),
        resolved=local(2026, 1, 6, 12),
    ),
    "c2": Story(
        reviewer="acme_reviewer",
        review_type="standard",
        specialty="Cardiology",
        circumstances=(1, 5),
        received=local(2026, 1, 8, 9),
        response_needed_by=date(2026, 1, 16),
        approved=local(2026, 1, 9, 10),
        sent=local(2026, 1, 12, 9),
        review_after=timedelta(hours=30),
        recommendation="overturn",
        decisions=(
            Decision(local(2026, 1, 14, 10), "deny", follows_imro=False),
            Decision(local(2026, 1, 15, 10), "approve", follows_imro=True),
        ),
        notified=local(2026, 1, 15, 11),
        resolved=local(2026, 1, 15, 12),
    ),
    "c3": Story(
        reviewer="beacon_reviewer",
        review_type="expedited",
        specialty="Oncology",
        circumstances=(4,),
        received=local(2026, 1, 30, 14),
        response_needed_by=date(2026, 2, 3),
        approved=local(2026, 2, 1, 9),
        sent=local(2026, 2, 2, 8),
        review_after=timedelta(hours=20),
        recommendation="modify",
        decisions=(Decision(local(2026, 2, 3, 9), "approve", follows_imro=False),),
        notified=local(2026, 2, 3, 10),
        resolved=local(2026, 2, 3, 11),
        facts={
            "expedited_criterion": "imminent_threat",
            "expedited_determined_by": "cmo",
            "life_threatening": True,
        },
    ),
    "c4": Story(
        reviewer="beacon_reviewer",
        review_type="standard",
        specialty="Oncology",
        circumstances=(2,),
        received=local(2026, 2, 9, 9),
        response_needed_by=date(2026, 2, 16),
        approved=local(2026, 2, 11, 12),
        sent=local(2026, 2, 13, 10),
        review_after=timedelta(hours=100),
        recommendation="uphold",
        decisions=(Decision(local(2026, 2, 18, 9), "deny", follows_imro=True, signed=False),),
        opened_as={"circumstances": [3]},
    ),
    "c5": Story(
        reviewer="independent",
        review_type="retrospective",
        specialty="Neurology",
        circumstances=(3,),
        received=local(2026, 2, 2, 9),
        response_needed_by=date(2026, 3, 13),
        approved=local(2026, 2, 26, 10),
        sent=local(2026, 3, 2, 9),
        review_after=timedelta(hours=50),
        recommendation="overturn",
        decisions=(Decision(local(2026, 3, 5, 10), "approve", follows_imro=True),),
        notified=local(2026, 3, 5, 11),
        resolved=local(2026, 3, 5, 12),
    ),
    "c6": Story(
        reviewer="acme_reviewer",
        review_type="standard",
        specialty="Neurology",
        circumstances=(6,),
        received=local(2026, 3, 17, 9),
        response_needed_by=date(2026, 4, 30),
        approved=local(2026, 3, 18, 10),
        sent=local(2026, 3, 20, 9),
    ),
    "outside": Story(
        reviewer="acme_reviewer",
        review_type="standard",
        specialty="Cardiology",
        circumstances=(5,),
        received=local(2025, 12, 17, 9),
        response_needed_by=date(2025, 12, 22),
        approved=local(2025, 12, 17, 12),
        sent=local(2025, 12, 20, 9),
        review_after=timedelta(hours=5),
        recommendation="uphold",
        decisions=(Decision(local(2025, 12, 22, 10), "approve", follows_imro=False),),
        notified=local(2025, 12, 22, 11),
        resolved=local(2026, 1, 2, 10),
    ),
}


@dataclass
class ReportData:
    registry: Registry
    cases: dict[str, Case]


@pytest.fixture(scope="module")
def _report_world(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, object]:
    """The data set, walked once per test module (the letters are PDFs: about three
    seconds) and rolled back when the module ends; each test runs in its own savepoint
    inside it, so what a test changes is undone before the next one."""
    root = tmp_path_factory.mktemp("report-documents")
    storages = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        },
    }
    with django_db_blocker.unblock(), override_settings(STORAGES=storages):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            owner = make_user("report.coordinator", Role.UM_STAFF)
            cmo = make_user("report.cmo", Role.CMO)
            registry = make_registry()
            cases = {
                name: walk_story(story, owner=owner, cmo=cmo, registry=registry).pk
                for name, story in STORIES.items()
            }
            yield {"registry": registry, "cases": cases}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def report_data(_report_world, db) -> ReportData:
    """The data set, read afresh for each test (a test may change a case)."""
    registry: Registry = _report_world["registry"]  # type: ignore[assignment]
    for imro in (registry.acme, registry.beacon):
        imro.refresh_from_db()
    cases = {
        name: Case.objects.select_related("member").get(pk=pk)
        for name, pk in _report_world["cases"].items()  # type: ignore[union-attr]
    }
    return ReportData(registry=registry, cases=cases)


def assert_no_phi(text: str) -> None:
    for needle in PHI_STRINGS:
        assert needle not in text, f"PHI {needle!r} leaked"
