"""The coverage determination (R-TRK-5): only the CMO or a designee signs; signed is final."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from cases.models import Case, CaseEvent, Determination, Status
from cases.services.determination import (
    determination_amend,
    determination_current,
    determination_record,
    determination_sign,
)
from notifications.models import Notification
from tests.support.cases import case_at, frozen
from tests.support.factories import MEMBER_CIN, MEMBER_FIRST, MEMBER_LAST
from tests.support.files import use_private_storage
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    use_private_storage(settings, tmp_path)


def _record(case, actor, **overrides):
    fields = {
        "outcome": "deny",
        "rationale": "Standard excision remains appropriate.",
        "criteria_used": "Plan medical policy.",
        "follows_imro": True,
    }
    fields.update(overrides)
    return determination_record(case=case, actor=actor, **fields)


def test_only_the_cmo_or_designee_can_record(coordinator, cmo):
    case = case_at("review_received", owner=coordinator, decider=cmo)
    with pytest.raises(PermissionDenied):
        _record(case, coordinator)
    assert not Determination.objects.exists()


def test_only_the_cmo_or_designee_can_sign(coordinator, cmo, administrator):
    case = case_at("review_received", owner=coordinator, decider=cmo)
    draft = _record(case, cmo)
    for user in (coordinator, administrator):
        with pytest.raises(PermissionDenied):
            determination_sign(determination=draft, actor=user)
    draft.refresh_from_db()
    assert draft.signed_at is None
    assert Case.objects.get(pk=case.pk).status == Status.REVIEW_RECEIVED


def test_signing_records_the_signer_and_time_and_decides_the_case(coordinator, cmo):
    with frozen():
        case = case_at("review_received", owner=coordinator, decider=cmo)
        signed = determination_sign(determination=_record(case, cmo), actor=cmo)
    assert signed.signed_by == cmo
    assert signed.signed_at is not None
    assert Case.objects.get(pk=case.pk).status == Status.DECIDED
    assert determination_current(case) == signed
    assert CaseEvent.objects.filter(case=case, kind="determination_signed").count() == 1
    # History holds the signing (the conditional update bypasses it otherwise).
    assert signed.history.filter(signed_at__isnull=False).exists()


def test_it_signs_once(coordinator, cmo):
    case = case_at("review_received", owner=coordinator, decider=cmo)
    draft = _record(case, cmo)
    determination_sign(determination=draft, actor=cmo)
    with pytest.raises(ValidationError, match="already signed"):
        determination_sign(determination=draft, actor=cmo)


def test_a_draft_can_change_until_signed_then_only_by_amendment(coordinator, cmo):
    case = case_at("review_received", owner=coordinator, decider=cmo)
    _record(case, cmo, rationale="First thoughts.")
    draft = _record(case, cmo, rationale="Better words.")
    assert Determination.objects.count() == 1
    assert draft.rationale == "Better words."
    determination_sign(determination=draft, actor=cmo)
    with pytest.raises(ValidationError):
        _record(case, cmo, rationale="Changed after signing.")
    draft.refresh_from_db()
    assert draft.rationale == "Better words."


def test_the_database_refuses_to_change_or_delete_a_signed_determination(coordinator, cmo):
    case = case_at("decided", owner=coordinator, decider=cmo)
    signed = determination_current(case)
    for change in (
        {"rationale": "Quietly rewritten."},
        {"outcome": "approve"},
        {"signed_at": None},
        {"follows_imro": False},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Determination.objects.filter(pk=signed.pk).update(**change)
    with pytest.raises(IntegrityError), transaction.atomic():
        Determination.objects.filter(pk=signed.pk).delete()
    signed.refresh_from_db()
    assert signed.rationale.startswith("Standard excision")
    assert signed.outcome == "deny"


def test_the_database_lets_an_unsigned_draft_change(coordinator, cmo):
    case = case_at("review_received", owner=coordinator, decider=cmo)
    draft = _record(case, cmo)
    Determination.objects.filter(pk=draft.pk).update(rationale="Edited draft.")
    draft.refresh_from_db()
    assert draft.rationale == "Edited draft."


def test_an_amendment_is_linked_signed_and_becomes_current(coordinator, cmo):
    case = case_at("decided", owner=coordinator, decider=cmo, outcome="deny")
    original = determination_current(case)
    amendment = determination_amend(
        determination=original,
        actor=cmo,
        outcome="modify",
        rationale="On reflection, a shorter course is appropriate.",
        criteria_used="Plan medical policy.",
        follows_imro=True,
        modification="Six sessions instead of twelve.",
        reason="The reviewer's report allows a shorter course.",
    )
    assert amendment.amends == original
    assert amendment.signed_by == cmo and amendment.signed_at is not None
    assert determination_current(case) == amendment
    original.refresh_from_db()
    assert original.outcome == "deny"  # untouched
    with pytest.raises(ValidationError, match="current"):
        determination_amend(
            determination=original,
            actor=cmo,
            outcome="approve",
            rationale="x",
            criteria_used="",
            follows_imro=False,
            reason="again",
        )


def test_an_amendment_needs_a_reason_and_the_decider(coordinator, cmo):
    case = case_at("decided", owner=coordinator, decider=cmo)
    current = determination_current(case)
    with pytest.raises(ValidationError, match="reason"):
        determination_amend(
            determination=current,
            actor=cmo,
            outcome="approve",
            rationale="x",
            criteria_used="",
            follows_imro=False,
            reason="  ",
        )
    with pytest.raises(PermissionDenied):
        determination_amend(
            determination=current,
            actor=coordinator,
            outcome="approve",
            rationale="x",
            criteria_used="",
            follows_imro=False,
            reason="because",
        )
    assert Determination.objects.filter(case=case).count() == 1


def test_it_refuses_an_outcome_that_does_not_follow_the_reviewer_as_claimed(coordinator, cmo):
    case = case_at("review_received", owner=coordinator, decider=cmo, recommendation="overturn")
    with pytest.raises(ValidationError) as refused:
        _record(case, cmo, outcome="deny", follows_imro=True)
    assert "follows_imro" in refused.value.message_dict
    assert _record(case, cmo, outcome="deny", follows_imro=False).outcome == "deny"


def test_a_modification_says_what_is_approved_instead(coordinator, cmo):
    case = case_at("review_received", owner=coordinator, decider=cmo)
    with pytest.raises(ValidationError) as refused:
        _record(case, cmo, outcome="modify")
    assert "modification" in refused.value.message_dict


def test_it_refuses_before_the_review_is_received(coordinator, cmo):
    from tests.support.cases import open_case

    case = open_case(coordinator)
    with pytest.raises(ValidationError):
        _record(case, cmo)


def test_the_owner_is_notified_of_the_signature_without_phi(
    coordinator, cmo, django_capture_on_commit_callbacks
):
    case = case_at("review_received", owner=coordinator, decider=cmo)
    with django_capture_on_commit_callbacks(execute=True):
        determination_sign(determination=_record(case, cmo), actor=cmo)
    notification = Notification.objects.get(recipient=coordinator, kind="determination_signed")
    assert f"case {case.pk}" in notification.text
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    for text in (message.subject, message.body):
        for phi in (MEMBER_FIRST, MEMBER_LAST, MEMBER_CIN, "1961"):
            assert phi not in text


# --- through HTTP -----------------------------------------------------------------------


def _form(**overrides):
    data = {
        "outcome": "deny",
        "rationale": "Standard excision remains appropriate.",
        "criteria_used": "Plan medical policy.",
        "follows_imro": "on",
    }
    data.update(overrides)
    return data


def test_the_cmo_records_and_signs_through_the_case_page(coordinator, cmo):
    case = case_at("review_received", owner=coordinator, decider=cmo)
    client = client_for(cmo)
    page = client.get(f"/cases/{case.pk}/")
    assert b"Record determination" in page.content
    response = client.post(f"/cases/{case.pk}/determination/", _form())
    assert response.status_code == 302
    draft = Determination.objects.get(case=case)
    assert b"Sign the determination" in client.get(f"/cases/{case.pk}/").content
    client.post(f"/cases/{case.pk}/determination/{draft.pk}/sign/")
    draft.refresh_from_db()
    assert draft.signed_by == cmo
    assert Case.objects.get(pk=case.pk).status == Status.DECIDED


def test_um_staff_cannot_record_or_sign_over_http(coordinator, cmo):
    case = case_at("review_received", owner=coordinator, decider=cmo)
    client = client_for(coordinator)
    assert client.post(f"/cases/{case.pk}/determination/", _form()).status_code == 403
    draft = _record(case, cmo)
    assert client.post(f"/cases/{case.pk}/determination/{draft.pk}/sign/").status_code == 403
    assert b"Record determination" not in client.get(f"/cases/{case.pk}/").content
    draft.refresh_from_db()
    assert draft.signed_at is None


def test_the_api_records_signs_and_amends_with_the_same_permissions(coordinator, cmo):
    case = case_at("review_received", owner=coordinator, decider=cmo)
    url = f"/api/v1/cases/{case.pk}/determinations/"
    body = {"outcome": "deny", "rationale": "Plain words.", "follows_imro": True}
    assert (
        client_for(coordinator).post(url, body, content_type="application/json").status_code == 403
    )
    api = client_for(cmo)
    created = api.post(url, body, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert client_for(coordinator).post(f"{url}{pk}/sign/").status_code == 403
    signed = api.post(f"{url}{pk}/sign/")
    assert signed.status_code == 200 and signed.json()["signed_by"] == "cmo"
    again = api.post(f"{url}{pk}/sign/")
    assert again.status_code == 400
    amended = api.post(
        f"{url}{pk}/amend/",
        {**body, "outcome": "approve", "follows_imro": False, "reason": "New evidence."},
        content_type="application/json",
    )
    assert amended.status_code == 201, amended.content
    assert amended.json()["amends"] == pk
    listed = client_for(coordinator).get(url).json()
    assert [row["outcome"] for row in listed] == ["deny", "approve"]
