"""Intake, editing, transitions, approval, withdrawal and audited dates (cases/services.py)."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.models import AuditedDateChange, Case, CaseEvent, Status
from cases.models.member import new_internal_patient_id
from cases.services import (
    case_transition,
    case_update,
    case_withdraw,
    received_at_plan_change,
    referral_approve,
)
from cases.workflow import TRANSITIONS
from imr.errors import Conflict
from tests.support.cases import PLAN, case_at, details, open_case
from tests.support.factories import MemberFactory
from tests.support.files import use_private_storage

pytestmark = pytest.mark.django_db


def test_intake_creates_the_case_with_its_file_items(coordinator):
    case = open_case(coordinator)
    assert case.status == Status.INTAKE
    assert [s.code for s in case.services.all()] == ["0394T"]
    assert [(d.code, d.description) for d in case.diagnoses.all()] == [
        ("C44.91", "Basal cell carcinoma of skin, unspecified")
    ]
    assert case.member.internal_id.startswith("P-")
    assert case.member.internal_id not in case.member.cin
    assert CaseEvent.objects.filter(case=case, kind="case_opened").exists()
    assert case.history.count() == 1


def test_intake_refuses_unknown_codes_naming_each_and_saves_nothing(coordinator):
    with pytest.raises(ValidationError) as exc:
        open_case(coordinator, diagnosis_codes=["C44.91", "Q99.999"], services=[])
    assert "Q99.999" in str(exc.value)
    assert Case.objects.count() == 0


def test_internal_identifiers_are_random_not_derived_from_the_cin():
    first = MemberFactory(cin="11111111A")
    second = MemberFactory(cin="11111111A", first_name="Other")
    assert first.internal_id != second.internal_id
    assert len({new_internal_patient_id() for _ in range(2000)}) == 2000


def test_a_stale_edit_is_refused_and_overwrites_nothing(coordinator):
    case = open_case(coordinator)
    loaded_version = case.version
    case_update(
        case_id=case.pk,
        expected_version=loaded_version,
        details=details(specialty="Oncology"),
        actor=coordinator,
    )
    with pytest.raises(Conflict) as exc:
        case_update(
            case_id=case.pk,
            expected_version=loaded_version,
            details=details(specialty="Cardiology"),
            actor=coordinator,
        )
    assert "changed by someone else" in str(exc.value)
    case.refresh_from_db()
    assert case.specialty == "Oncology"
    assert case.version == loaded_version + 1


def test_an_edit_keeps_history_of_removed_codes(coordinator):
    case = open_case(coordinator)
    case_update(
        case_id=case.pk,
        expected_version=case.version,
        details=details(diagnosis_codes=["E11.9"]),
        actor=coordinator,
    )
    assert [d.code for d in case.diagnoses.all()] == ["E11.9"]
    removed = case.diagnoses.model.history.filter(code="C44.91", history_type="-")
    assert removed.count() == 1


def _first_illegal_targets():
    """For each status, one status the workflow may not move it to (the first in order)."""
    return [
        (current, next(t for t in Status if t not in TRANSITIONS[current] and t != current))
        for current in Status
    ]


@pytest.mark.parametrize(("current", "target"), _first_illegal_targets())
def test_illegal_transitions_are_refused_naming_the_state(
    coordinator, cmo, settings, tmp_path, current, target
):
    use_private_storage(settings, tmp_path)
    # Walked through the services to `current` (tests/support/cases.py), so every
    # state here is one the product reaches.
    case = case_at(current, owner=coordinator, decider=cmo)
    with pytest.raises(Conflict) as exc:
        case_transition(case=case, to=target, actor=coordinator)
    assert Status(current).label in str(exc.value)
    case.refresh_from_db()
    assert case.status == current


def test_no_withdrawal_after_a_determination(coordinator, cmo, settings, tmp_path):
    use_private_storage(settings, tmp_path)
    case = case_at(Status.DECIDED, owner=coordinator, decider=cmo)
    with pytest.raises(Conflict):
        case_withdraw(case=case, actor=coordinator, reason="Member asked")
    case.refresh_from_db()
    assert case.status == Status.DECIDED


def test_withdrawal_needs_a_reason(coordinator):
    case = open_case(coordinator)
    with pytest.raises(ValidationError):
        case_withdraw(case=case, actor=coordinator, reason="  ")
    case.refresh_from_db()
    assert case.status == Status.INTAKE
    case = case_withdraw(case=case, actor=coordinator, reason="Member asked to withdraw.")
    assert case.status == Status.WITHDRAWN
    assert case.withdrawn_reason == "Member asked to withdraw."


def test_only_the_cmo_approves_a_referral(coordinator, cmo):
    case = open_case(coordinator)
    with pytest.raises(PermissionDenied):
        referral_approve(case=case, actor=coordinator)
    case = referral_approve(case=case, actor=cmo)
    assert case.referral_approved_by == cmo
    assert case.referral_approved_at is not None
    assert case.status == Status.ASSEMBLING
    with pytest.raises(ValidationError):
        referral_approve(case=case, actor=cmo)


def test_the_audited_receipt_date_needs_a_role_and_a_reason(coordinator, cmo):
    case = open_case(coordinator)
    new = datetime(2026, 5, 29, 16, 0, tzinfo=PLAN)
    with pytest.raises(PermissionDenied):
        received_at_plan_change(case=case, new_value=new, actor=coordinator, reason="typo")
    with pytest.raises(ValidationError):
        received_at_plan_change(case=case, new_value=new, actor=cmo, reason=" ")
    with pytest.raises(ValidationError):
        received_at_plan_change(
            case=case, new_value=timezone.now() + timedelta(days=1), actor=cmo, reason="x"
        )
    received_at_plan_change(case=case, new_value=new, actor=cmo, reason="Fax stamp was earlier.")
    change = AuditedDateChange.objects.get(case=case)
    assert change.changed_by == cmo
    assert change.reason == "Fax stamp was earlier."
    assert change.old_value.startswith("2026-06-01")
    case.refresh_from_db()
    assert case.received_at_plan == new
    assert case.history.count() >= 2


def test_a_withdrawn_case_cannot_be_approved(coordinator, cmo):
    case = case_withdraw(case=open_case(coordinator), actor=coordinator, reason="Member asked")
    with pytest.raises(ValidationError) as exc:
        referral_approve(case=case, actor=cmo)
    assert "Withdrawn" in str(exc.value)
    case.refresh_from_db()
    assert case.referral_approved_at is None
