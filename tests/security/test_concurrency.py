"""Two people doing the same thing to the same case at the same moment: one wins.

Each racer is a thread with its own database connection; a barrier releases them
together so both transactions overlap. The loser gets the service's refusal (a clear
message for the page), and the database holds exactly one of whatever was raced for,
with nothing half-written (one case event, one clock change).
"""

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from cases.models import Case, CaseEvent, Determination, Status
from cases.services import case_submit, referral_approve, review_record
from cases.services.determination import determination_record, determination_sign
from imr.errors import Refused
from imr.roles import Role
from reviewers.events import ReviewerEvent
from reviewers.models import Review, Specialist, Submission
from tests.security.scenario import QUALIFICATIONS
from tests.support.cases import approve, assign, open_case, receive_review
from tests.support.factories import ImroFactory, MemberFactory, SpecialistFactory
from tests.support.files import pdf_bytes, upload
from tests.support.personas import make_user
from timelines.models import Clock, ClockEvent

# Plain transactional tests: pytest-django runs them after every non-transactional one,
# and they need no seeded row (make_user recreates the role groups, the specialty is
# get_or_create). Serialized rollback is avoided on purpose: after any plain
# transactional test elsewhere, its snapshot collides with recreated content types.
pytestmark = pytest.mark.django_db(transaction=True)


def race(*actions: Callable[[], object]) -> list[object]:
    """Run the actions at once, each in its own thread and connection; return each
    one's result or the exception it raised."""
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(index: int, action: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = action()
        except Exception as error:  # the refusal is the result we look at
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a racer hung (deadlock?)"
    return results


def _split(results: list[object]) -> tuple[list[object], list[Exception]]:
    wins = [r for r in results if not isinstance(r, Exception)]
    losses = [r for r in results if isinstance(r, Exception)]
    return wins, losses


def _message(error: Exception) -> str:
    return " ".join(getattr(error, "problems", None) or getattr(error, "messages", None) or [])


def make_staff() -> dict:
    return {
        "um1": make_user("um1", Role.UM_STAFF),
        "um2": make_user("um2", Role.UM_STAFF),
        "cmo1": make_user("cmo1", Role.CMO),
        "cmo2": make_user("cmo2", Role.CMO),
        "reviewer": make_user("reviewer", Role.IMRO_REVIEWER),
    }


@pytest.fixture
def staff(transactional_db):
    return make_staff()


def _ready_case(staff, **overrides) -> Case:
    """Approved, assigned, attested: ready to submit."""
    member = MemberFactory(cin=f"9{Case.objects.count():07d}Z")
    case = approve(open_case(staff["um1"], member=member, **overrides), staff["cmo1"])
    specialist = Specialist.objects.filter(name="Dr. Race Reviewer").first() or SpecialistFactory(
        name="Dr. Race Reviewer",
        imro=ImroFactory(name="Race IMRO"),
        user=staff["reviewer"],
        qualifications=QUALIFICATIONS,
    )
    return assign(case, specialist=specialist)


def test_two_users_submitting_the_same_case_make_one_submission(staff):
    case = _ready_case(staff)
    results = race(
        lambda: case_submit(case=Case.objects.get(pk=case.pk), actor=staff["um1"]),
        lambda: case_submit(case=Case.objects.get(pk=case.pk), actor=staff["um2"]),
    )
    wins, losses = _split(results)
    assert len(wins) == 1 and len(losses) == 1, results
    assert isinstance(losses[0], Refused)
    assert "already submitted" in _message(losses[0]) or "submitted" in _message(losses[0])
    assert Submission.objects.filter(case=case).count() == 1
    assert Case.objects.get(pk=case.pk).status == Status.SUBMITTED
    assert CaseEvent.objects.filter(case=case, kind=ReviewerEvent.SUBMITTED).count() == 1
    assert Clock.objects.filter(case=case, trigger="imro_receipt").count() >= 1
    names = list(Clock.objects.filter(case=case, trigger="imro_receipt").values_list("name"))
    assert len(names) == len(set(names)), "an IMRO clock was started twice"


def _reviewed(staff, **overrides) -> Case:
    case = _ready_case(staff, **overrides)
    case_submit(case=case, actor=staff["um1"])
    return receive_review(case, via_portal_by=staff["reviewer"])


@pytest.fixture
def documents(settings, tmp_path):
    from tests.support.files import use_private_storage

    return use_private_storage(settings, tmp_path)


def test_two_cmos_signing_the_same_determination_make_one_signature(staff, documents):
    case = _reviewed(staff)
    draft = determination_record(
        case=case,
        actor=staff["cmo1"],
        outcome="deny",
        rationale="Standard excision remains appropriate; see Reviewer determination 1.",
        criteria_used="Medical policy.",
        follows_imro=True,
    )
    results = race(
        lambda: determination_sign(
            determination=Determination.objects.get(pk=draft.pk), actor=staff["cmo1"]
        ),
        lambda: determination_sign(
            determination=Determination.objects.get(pk=draft.pk), actor=staff["cmo2"]
        ),
    )
    wins, losses = _split(results)
    assert len(wins) == 1 and len(losses) == 1, results
    assert "already signed" in _message(losses[0])
    signed = Determination.objects.get(pk=draft.pk)
    assert signed.signed_by_id == wins[0].signed_by_id
    assert Case.objects.get(pk=case.pk).status == Status.DECIDED
    assert CaseEvent.objects.filter(case=case, kind="determination_signed").count() == 1


def test_two_extensions_at_once_make_one_extension(staff, documents):
    from timelines.services import extension_grant

    case = _ready_case(
        staff,
        review_type="expedited",
        expedited_criterion="imminent_threat",
        expedited_determined_by="cmo",
        received_at_plan=timezone.now() - timedelta(hours=1),
    )
    case_submit(case=case, actor=staff["um1"])
    clock = Clock.objects.get(case=case, name="imro_determination")
    due_before = clock.due_at
    results = race(
        lambda: extension_grant(
            case=Case.objects.get(pk=case.pk), actor=staff["cmo1"], reason="Awaiting imaging."
        ),
        lambda: extension_grant(
            case=Case.objects.get(pk=case.pk), actor=staff["cmo2"], reason="Specialist ill."
        ),
    )
    wins, losses = _split(results)
    assert len(wins) == 1 and len(losses) == 1, results
    assert isinstance(losses[0], Refused)
    assert "already extended" in str(losses[0])
    clock.refresh_from_db()
    assert clock.extended and clock.due_at == due_before + timedelta(hours=24)
    assert ClockEvent.objects.filter(clock=clock, kind=ClockEvent.Kind.EXTENDED).count() == 1
    assert CaseEvent.objects.filter(case=case, kind="clock_extended").count() == 1


def test_two_approvals_at_once_make_one_approval(staff):
    case = open_case(staff["um1"], member=MemberFactory())
    results = race(
        lambda: referral_approve(case=Case.objects.get(pk=case.pk), actor=staff["cmo1"]),
        lambda: referral_approve(case=Case.objects.get(pk=case.pk), actor=staff["cmo2"]),
    )
    wins, losses = _split(results)
    assert len(wins) == 1 and len(losses) == 1, results
    assert "already approved" in _message(losses[0])
    case.refresh_from_db()
    assert case.status == Status.ASSEMBLING
    assert case.referral_approved_by_id == wins[0].referral_approved_by_id
    assert CaseEvent.objects.filter(case=case, kind="referral_approved").count() == 1
    assert Clock.objects.filter(case=case, trigger="referral_approval").count() == 1


def test_two_reviews_received_at_once_record_one(staff, documents):
    case = _ready_case(staff)
    case_submit(case=case, actor=staff["um1"])

    def record(actor):
        return lambda: review_record(
            case=Case.objects.get(pk=case.pk),
            actor=actor,
            uploaded_file=upload("determination.pdf", pdf_bytes(["Written determination"])),
            recommendation="overturn",
            rationale="Benefit shown.",
            documents_reviewed="All.",
            reviewer_qualifications=QUALIFICATIONS,
            received_via="portal" if actor == staff["reviewer"] else "staff",
        )

    wins, losses = _split(race(record(staff["reviewer"]), record(staff["um1"])))
    assert len(wins) == 1 and len(losses) == 1
    assert Review.objects.filter(case=case).count() == 1
    # The loser's upload was rolled back with its transaction: one determination document.
    assert case.documents.filter(kind="reviewer_determination").count() == 1


def test_the_race_helper_really_overlaps_transactions(staff):
    """Guard: two racers blocking on one row lock both finish (no deadlock, no skip)."""
    case = open_case(staff["um1"], member=MemberFactory())

    def touch():
        from django.db import transaction

        with transaction.atomic():
            Case.objects.select_for_update().get(pk=case.pk)
            return connection.vendor

    assert race(touch, touch) == ["postgresql", "postgresql"]
