"""Every clock stops at the event that ends it, and a sweep never alerts on a stopped one
(R-DL-15): one expedited case walked through the real services, swept after each event."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from cases.models import Case
from cases.services.case import case_withdraw
from cases.services.closure import (
    case_close,
    case_resolve,
    tar_attachment_confirm,
    tar_bundle_build,
)
from cases.services.determination import determination_record, determination_sign
from cases.services.letters import letter_mailed_confirm, letter_send
from cases.services.notice_texts import oral_notice_record
from cases.services.review import review_record
from tests.support.cases import (
    PLAN,
    RECEIVED_AT_PLAN,
    Walk,
    case_at,
    confirm_letter_texts,
    ensure_letter_templates,
)
from tests.support.factories import PRACTITIONER_EMAIL, PRACTITIONER_NPI, QUALIFICATIONS
from tests.support.files import pdf_bytes, upload, use_private_storage
from timelines.models import Clock, ClockAlert, ClockStatus
from timelines.services import sweep

pytestmark = pytest.mark.django_db

# Receipt at the plan Mon 2026-06-01 09:00 PDT (the builder's); the 72 hours end Thu 09:00.
IMRO_RECEIPT = datetime(2026, 6, 1, 12, 0, tzinfo=PLAN)  # 24 h: due Tue 12:00


def at(day: int, hour: int):
    return time_machine.travel(datetime(2026, 6, day, hour, 0, tzinfo=PLAN), tick=False)


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    use_private_storage(settings, tmp_path)
    settings.TAR_BUNDLE_DIR = str(tmp_path / "tar-bundles")


def submitted_expedited_case(coordinator, cmo) -> Case:
    """Intake, approval, assignment, attestation and the file sent, all through the
    services (tests/support): the IMRO receives it at IMRO_RECEIPT."""
    ensure_letter_templates()
    case = case_at(
        "submitted",
        owner=coordinator,
        decider=cmo,
        walk=Walk(approved=timedelta(hours=1), submitted=IMRO_RECEIPT - RECEIVED_AT_PLAN),
        review_type="expedited",
        expedited_criterion="imminent_threat",
        expedited_determined_by="treating_physician",
    )
    practitioner = case.treating_practitioner
    practitioner.email, practitioner.npi = PRACTITIONER_EMAIL, PRACTITIONER_NPI
    practitioner.address = "100 Clinic Road\nSanta Rosa, CA 95401"
    practitioner.save()
    return case


def sweep_past(clocks: list[Clock]) -> None:
    """Sweep an hour after each clock's due time: its warnings and its breach are due."""
    for clock in clocks:
        sweep(now=clock.due_at + timedelta(hours=1))


def assert_stopped_and_silent(case: Case, names: set[str]) -> None:
    clocks = {c.name: c for c in Clock.objects.filter(case=case)}
    for name in names:
        assert clocks[name].status != ClockStatus.RUNNING, name
    stopped = [c for c in clocks.values() if c.status != ClockStatus.RUNNING]
    assert not ClockAlert.objects.filter(clock__in=stopped).exists()


def test_each_event_stops_its_clocks_and_no_sweep_alerts_on_them(
    coordinator, cmo, django_capture_on_commit_callbacks
):
    case = submitted_expedited_case(coordinator, cmo)
    # IMRO receipt stops the internal file assembly (R-DL-12).
    assert_stopped_and_silent(case, {"file_assembly"})
    with at(2, 10):
        review_record(
            case=case,
            actor=coordinator,
            uploaded_file=upload("determination.pdf", pdf_bytes(["Written determination"])),
            recommendation="uphold",
            rationale="No benefit over standard excision.",
            documents_reviewed="All documents in the packet.",
            reviewer_qualifications=QUALIFICATIONS,
            received_via="staff",
        )
    imro = Clock.objects.get(case=case, name="imro_determination")
    assert imro.status == ClockStatus.MET
    sweep_past([imro])  # Tue 13:00: the IMRO breach time has passed; the clock is stopped
    assert_stopped_and_silent(case, {"file_assembly", "imro_determination"})

    with at(2, 11):
        determination = determination_record(
            case=Case.objects.get(pk=case.pk),
            actor=cmo,
            outcome="deny",
            rationale="Standard excision remains appropriate; see Reviewer determination 1.",
            criteria_used="The plan's medical policy on skin cancer treatment.",
            follows_imro=True,
        )
        determination_sign(determination=determination, actor=cmo)
    sweep_past([imro])
    assert_stopped_and_silent(case, {"imro_determination"})

    with at(2, 12), django_capture_on_commit_callbacks(execute=True):
        confirm_letter_texts(case)  # UM staff confirm the texts the letters print
        member = letter_send(case=case, party="member", actor=coordinator)
        letter_send(case=case, party="practitioner", actor=coordinator)
        letter_mailed_confirm(letter=member, actor=coordinator)
        oral_notice_record(  # the member told by phone (R-NOT-12)
            case=case,
            actor=coordinator,
            given_at=timezone.now(),
            given_to="The member",
            method="phone",
        )
    sweep_past([imro])
    assert_stopped_and_silent(case, {"imro_determination"})

    appeal = Clock.objects.get(case=case, name="appeal_resolution")
    assert appeal.is_running
    with at(3, 9):
        case_resolve(case=Case.objects.get(pk=case.pk), actor=cmo)
        tar_bundle_build(case=case, actor=coordinator)
        tar_attachment_confirm(case=case, actor=coordinator, tar_number=case.tar_number)
    appeal.refresh_from_db()
    assert appeal.status == ClockStatus.MET
    # The 6 h and 2 h warnings and the breach of the 72 hours: none for a resolved case.
    for hours in (-6, -2, 1):
        sweep(now=appeal.due_at + timedelta(hours=hours))
    assert_stopped_and_silent(case, {"appeal_resolution"})

    with at(3, 10):
        case_close(case=Case.objects.get(pk=case.pk), actor=coordinator)
    assert not Clock.objects.filter(case=case, status=ClockStatus.RUNNING).exists()
    sweep_past(list(Clock.objects.filter(case=case)))
    assert not ClockAlert.objects.filter(clock__case=case).exists()


def test_withdrawal_cancels_every_running_clock_and_the_sweep_stays_silent(coordinator, cmo):
    case = submitted_expedited_case(coordinator, cmo)
    running = list(Clock.objects.filter(case=case, status=ClockStatus.RUNNING))
    assert {c.name for c in running} == {"appeal_resolution", "imro_determination"}
    with at(1, 13):
        case_withdraw(case=Case.objects.get(pk=case.pk), actor=coordinator, reason="Member asked")
    assert set(
        Clock.objects.filter(pk__in=[c.pk for c in running]).values_list("status", flat=True)
    ) == {ClockStatus.CANCELLED}
    sweep_past(running)
    assert not ClockAlert.objects.filter(clock__case=case).exists()
