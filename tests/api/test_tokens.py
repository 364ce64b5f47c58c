"""API tokens: bound to a user's role, stored hashed, refused once revoked or expired."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from imr.api.auth import api_token_issue, api_token_revoke
from imr.models import ApiToken
from imr.roles import Role
from tests.support.cases import open_case
from tests.support.personas import client_for, make_user

pytestmark = pytest.mark.django_db


def _bearer(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_a_token_acts_with_its_users_role(coordinator, quac_member):
    case = open_case(coordinator)
    token, key = api_token_issue(user=coordinator, name="TAR system", created_by=None)

    response = _bearer(key).get(f"/api/v1/cases/{case.pk}/")

    assert response.status_code == 200
    assert response.json()["id"] == case.pk
    token.refresh_from_db()
    assert token.last_used_at is not None
    # The role comes from the user: a QUAC member's token cannot open a case.
    _, quac_key = api_token_issue(user=quac_member, name="committee", created_by=None)
    assert _bearer(quac_key).get(f"/api/v1/cases/{case.pk}/").status_code == 403


def test_a_token_writes_without_a_csrf_token(coordinator):
    case = open_case(coordinator)
    _, key = api_token_issue(user=coordinator, name="TAR system", created_by=None)
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {key}")
    response = client.post(
        f"/api/v1/cases/{case.pk}/contacts/",
        {
            "at": "2026-06-02T10:00:00-07:00",
            "channel": "phone",
            "with_whom": "IMRO desk",
            "summary": "Confirmed receipt.",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content


def test_only_a_hash_of_the_key_is_stored(coordinator):
    token, key = api_token_issue(user=coordinator, name="TAR system", created_by=None)
    assert key.startswith("imr_") and len(key) > 40
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert key not in {str(value) for value in stored.values()}
    assert stored["key_hash"] == ApiToken.hash_key(key)


def test_a_revoked_token_is_refused(coordinator):
    token, key = api_token_issue(user=coordinator, name="TAR system", created_by=None)
    assert _bearer(key).get("/api/v1/cases/").status_code == 200

    assert api_token_revoke(token=token, actor=None) is True
    assert api_token_revoke(token=token, actor=None) is False

    response = _bearer(key).get("/api/v1/cases/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"].endswith(":authentication-failed")


def test_an_expired_token_is_refused(coordinator, time_machine):
    time_machine.move_to("2026-06-01T09:00:00-07:00", tick=False)
    _, key = api_token_issue(
        user=coordinator,
        name="TAR system",
        created_by=None,
        expires_at=timezone.now() + timedelta(days=1),
    )
    assert _bearer(key).get("/api/v1/cases/").status_code == 200
    time_machine.move_to("2026-06-02T09:00:01-07:00", tick=False)
    assert _bearer(key).get("/api/v1/cases/").status_code == 401


def test_a_deactivated_users_token_is_refused(coordinator):
    _, key = api_token_issue(user=coordinator, name="TAR system", created_by=None)
    coordinator.is_active = False
    coordinator.save()
    assert _bearer(key).get("/api/v1/cases/").status_code == 401


@pytest.mark.parametrize("header", ["Bearer", "Bearer not-a-key", "Bearer a b"])
def test_a_malformed_or_unknown_key_is_refused(coordinator, header):
    response = Client(HTTP_AUTHORIZATION=header).get("/api/v1/cases/")
    assert response.status_code == 401
    assert "Traceback" not in response.content.decode()


def test_the_command_issues_and_revokes(db):
    # The command acts for the plan, so it issues for service accounts only (R-SEC-2).
    service = make_user("tar-system", Role.SERVICE_ACCOUNT)
    out, err = StringIO(), StringIO()
    call_command(
        "api_token", "issue", "--user", "tar-system", "--name", "TAR", stdout=out, stderr=err
    )
    key = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert token.user == service and token.key_hash == ApiToken.hash_key(key)
    # Authenticated (no clinical capability, so the case list is forbidden, not 401).
    assert _bearer(key).get("/api/v1/cases/").status_code == 403

    call_command("api_token", "revoke", str(token.pk), stdout=StringIO())

    assert _bearer(key).get("/api/v1/cases/").status_code == 401
    with pytest.raises(CommandError, match="already revoked"):
        call_command("api_token", "revoke", str(token.pk), stdout=StringIO())


def test_the_command_refuses_a_user_without_a_role(outsider):
    with pytest.raises(CommandError, match="no role"):
        call_command("api_token", "issue", "--user", "outsider", "--name", "x", stdout=StringIO())
    assert not ApiToken.objects.exists()


def test_an_administrator_issues_in_the_admin_and_sees_the_key_once(administrator):
    service = make_user("imro-intake", Role.SERVICE_ACCOUNT)
    client = client_for(administrator)
    response = client.post(
        "/admin/imr/apitoken/add/",
        {"name": "IMRO portal", "user": service.pk, "expires_at_0": "", "expires_at_1": ""},
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert token.created_by == administrator
    shown = [str(m) for m in response.context["messages"]]
    (key,) = [m.rsplit(" ", 1)[-1] for m in shown if "not shown again" in m]
    assert ApiToken.hash_key(key) == token.key_hash
    # The token's own page never shows it again.
    page = client.get(f"/admin/imr/apitoken/{token.pk}/change/").content.decode()
    assert key not in page and token.key_hash not in page


def test_an_administrator_revokes_in_the_admin(administrator, coordinator):
    token, key = api_token_issue(user=coordinator, name="TAR", created_by=coordinator)
    response = client_for(administrator).post(
        "/admin/imr/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == administrator
    assert _bearer(key).get("/api/v1/cases/").status_code == 401


def test_a_coordinator_cannot_reach_the_token_admin(coordinator):
    staff_less = client_for(coordinator).get("/admin/imr/apitoken/")
    assert staff_less.status_code == 302
    assert not ApiToken.objects.exists()
