"""R-SEC-2: a signature act needs the signer's own session, password entered recently.

Signing (and amending) a determination, granting an extension and changing an audited
date: an API token gets 403 and nothing is signed; a session whose password was typed
more than REAUTH_WINDOW_MINUTES ago is sent to the re-enter-password page, which returns
to the action; a fresh session does it.
"""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseEvent, Determination, Status
from cases.services.determination import determination_record
from imr.api.auth import api_token_issue
from tests.support.cases import case_at
from tests.support.files import use_private_storage
from tests.support.personas import PASSWORD, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    use_private_storage(settings, tmp_path)


def _draft(coordinator, cmo) -> Determination:
    case = case_at("review_received", owner=coordinator, decider=cmo)
    return determination_record(
        case=case,
        actor=cmo,
        outcome="deny",
        rationale="Standard excision remains appropriate.",
        criteria_used="Plan medical policy.",
        follows_imro=True,
    )


def _sign_url(draft: Determination) -> str:
    return f"/cases/{draft.case_id}/determination/{draft.pk}/sign/"


def _api_sign_url(draft: Determination) -> str:
    return f"/api/v1/cases/{draft.case_id}/determinations/{draft.pk}/sign/"


def _not_signed(draft: Determination) -> bool:
    draft.refresh_from_db()
    return (
        draft.signed_at is None
        and not CaseEvent.objects.filter(
            case_id=draft.case_id, kind="determination_signed"
        ).exists()
    )


def test_the_cmos_own_token_cannot_sign(coordinator, cmo):
    draft = _draft(coordinator, cmo)
    _, key = api_token_issue(user=cmo, name="my script", created_by=cmo)

    response = Client(HTTP_AUTHORIZATION=f"Bearer {key}").post(_api_sign_url(draft))

    assert response.status_code == 403
    assert "An API token cannot sign a determination" in response.json()["detail"]
    assert _not_signed(draft)
    assert draft.case.status == Status.REVIEW_RECEIVED


def test_a_token_cannot_amend_either(coordinator, cmo):
    draft = _draft(coordinator, cmo)
    client_for(cmo).post(_sign_url(draft))
    _, key = api_token_issue(user=cmo, name="my script", created_by=cmo)
    response = Client(HTTP_AUTHORIZATION=f"Bearer {key}").post(
        f"/api/v1/cases/{draft.case_id}/determinations/{draft.pk}/amend/",
        {"outcome": "approve", "rationale": "New evidence.", "follows_imro": False, "reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Determination.objects.filter(case_id=draft.case_id).count() == 1


def test_a_fresh_session_signs_through_the_page_and_the_api(coordinator, cmo):
    draft = _draft(coordinator, cmo)
    client = Client()
    assert (
        client.post(reverse("login"), {"username": "cmo", "password": PASSWORD}).status_code == 302
    )

    response = client.post(_sign_url(draft))

    assert response.status_code == 302
    assert response["Location"].endswith("#decision")
    draft.refresh_from_db()
    assert draft.signed_by == cmo
    assert CaseEvent.objects.filter(case_id=draft.case_id, kind="determination_signed").exists()


def test_the_api_signs_in_a_fresh_browser_session(coordinator, cmo):
    draft = _draft(coordinator, cmo)
    response = client_for(cmo).post(_api_sign_url(draft))
    assert response.status_code == 200
    assert response.json()["signed_at"] is not None


def test_a_stale_session_is_sent_to_reenter_the_password_then_signs(coordinator, cmo):
    draft = _draft(coordinator, cmo)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = Client()
        client.post(reverse("login"), {"username": "cmo", "password": PASSWORD})
    # Still active (no idle sign-out), but the password is now 20 minutes old.
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        assert client.get(f"/cases/{draft.case_id}/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=20), tick=False):
        case_page = f"http://testserver/cases/{draft.case_id}/"
        response = client.post(_sign_url(draft), headers={"Referer": case_page})
        assert response.status_code == 302
        reauth = reverse("account:reauthenticate")
        assert response["Location"].startswith(reauth)
        assert _not_signed(draft)
        # The API answers 403 with the reason rather than a page.
        api = client.post(_api_sign_url(draft))
        assert api.status_code == 403
        assert "enter your password again" in api.json()["detail"]

        page = client.get(response["Location"])
        assert b"Enter your password again" in page.content
        wrong = client.post(response["Location"], {"password": "not-it", "next": case_page})
        assert wrong.status_code == 200 and b"That is not your password" in wrong.content
        back = client.post(response["Location"], {"password": PASSWORD, "next": case_page})
        assert back.status_code == 302 and back["Location"] == case_page

        assert client.post(_sign_url(draft)).status_code == 302
    draft.refresh_from_db()
    assert draft.signed_by == cmo


def test_a_session_without_a_recent_password_cannot_change_an_audited_date(coordinator, cmo):
    draft = _draft(coordinator, cmo)
    case = draft.case
    before = case.received_at_plan
    client = client_for(cmo, reauthenticated=False)
    url = reverse("cases:received_at_plan", args=[case.pk])
    body = {"received_at_plan": "2026-05-29T16:00", "reason": "Fax stamp earlier."}

    response = client.post(url, body)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account:reauthenticate"))
    # No Referer: back to the case page after the password.
    assert f"next=%2Fcases%2F{case.pk}%2F" in response["Location"]
    case.refresh_from_db()
    assert case.received_at_plan == before
    assert client_for(cmo).post(url, body).status_code == 302
    case.refresh_from_db()
    assert case.received_at_plan != before


def test_the_extension_page_asks_for_the_password_first(coordinator, cmo):
    draft = _draft(coordinator, cmo)
    url = reverse("timelines:extension", kwargs={"case_id": draft.case_id})
    response = client_for(cmo, reauthenticated=False).get(url)
    assert response.status_code == 302
    assert response["Location"] == (
        f"{reverse('account:reauthenticate')}?next=%2Ftimelines%2Fcases%2F{draft.case_id}"
        "%2Fextension%2F"
    )
    # The coordinator, who may not extend, is refused rather than asked for a password.
    assert client_for(coordinator, reauthenticated=False).get(url).status_code == 403


def test_the_reenter_page_does_not_send_you_off_site(cmo):
    client = client_for(cmo, reauthenticated=False)
    response = client.post(
        reverse("account:reauthenticate"), {"password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")
