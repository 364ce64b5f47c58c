"""R-SEC-2: a token belongs to its own user, or to a service account an Administrator
issued it for; every token expires; last use is recorded at most once a minute."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from imr.api.auth import api_token_issue
from imr.errors import Refused
from imr.models import ApiToken
from imr.roles import Role
from tests.support.personas import client_for, make_user

pytestmark = pytest.mark.django_db


def _bearer(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _admin_add(client: Client, user) -> object:
    return client.post(
        "/admin/imr/apitoken/add/",
        {"name": "as the CMO", "user": user.pk, "expires_at_0": "", "expires_at_1": ""},
    )


def test_the_admin_refuses_a_token_for_the_cmo(administrator, cmo):
    response = _admin_add(client_for(administrator), cmo)
    assert response.status_code == 200  # the form again, with the reason
    assert "cmo is not a service account" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_service_refuses_a_token_for_someone_else(administrator, cmo, coordinator):
    with pytest.raises(Refused, match="not a service account"):
        api_token_issue(user=cmo, name="as the CMO", created_by=administrator)
    with pytest.raises(Refused, match="not a service account"):
        api_token_issue(user=cmo, name="as the CMO", created_by=coordinator)
    assert not ApiToken.objects.exists()


def test_a_service_account_with_a_clinical_role_is_refused(administrator):
    service = make_user("tar-system", Role.SERVICE_ACCOUNT)
    service.groups.add(*make_user("um", Role.UM_STAFF).groups.all())
    response = _admin_add(client_for(administrator), service)
    assert "holds clinical permissions (view_phi, work_cases)" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_admin_issues_for_a_service_account_with_the_default_expiry(administrator, settings):
    settings.API_TOKEN_DEFAULT_DAYS = 90
    service = make_user("tar-system", Role.SERVICE_ACCOUNT)
    before = timezone.now()
    response = _admin_add(client_for(administrator), service)
    assert response.status_code == 302
    token = ApiToken.objects.get()
    assert token.user == service and token.created_by == administrator
    assert before + timedelta(days=90) <= token.expires_at <= timezone.now() + timedelta(days=90)


def test_an_expired_token_gets_a_401_that_says_so(coordinator, time_machine):
    time_machine.move_to("2026-06-01T09:00:00-07:00", tick=False)
    _, key = api_token_issue(user=coordinator, name="script", created_by=coordinator)
    assert _bearer(key).get("/api/v1/cases/").status_code == 200
    time_machine.move_to("2026-08-30T09:00:01-07:00", tick=False)  # 90 days and a second
    response = _bearer(key).get("/api/v1/cases/")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("The token expired on 2026-08-30 09:00")


def test_last_use_is_written_at_most_once_a_minute(coordinator):
    token, key = api_token_issue(user=coordinator, name="script", created_by=coordinator)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _bearer(key).get("/api/v1/cases/")
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        _bearer(key).get("/api/v1/cases/")
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        _bearer(key).get("/api/v1/cases/")
    token.refresh_from_db()
    assert token.last_used_at == start + timedelta(seconds=61)


def test_the_admin_list_shows_last_use(administrator, coordinator):
    token, key = api_token_issue(user=coordinator, name="script", created_by=coordinator)
    _bearer(key).get("/api/v1/cases/")
    page = client_for(administrator).get("/admin/imr/apitoken/").content.decode()
    assert "Last used at" in page
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_person_creates_their_own_token_and_sees_the_key_once(cmo):
    client = client_for(cmo)
    response = client.post(reverse("account:tokens"), {"name": "my script", "days": "7"})
    assert response.status_code == 200
    token = ApiToken.objects.get()
    key = response.context["key"]
    assert token.user == cmo and token.created_by == cmo
    assert ApiToken.hash_key(key) == token.key_hash
    assert timedelta(days=6) < token.expires_at - timezone.now() <= timedelta(days=7)
    again = client.get(reverse("account:tokens")).content.decode()
    assert key not in again and "my script" in again
    assert _bearer(key).get(f"/api/v1/cases/{0}/").status_code == 404  # authenticated as cmo


def test_a_person_revokes_only_their_own_tokens(cmo, coordinator):
    mine, key = api_token_issue(user=cmo, name="mine", created_by=cmo)
    theirs, _ = api_token_issue(user=coordinator, name="theirs", created_by=coordinator)
    client = client_for(cmo)
    client.post(reverse("account:token_revoke"), {"token": theirs.pk})
    client.post(reverse("account:token_revoke"), {"token": mine.pk})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_by == cmo and theirs.revoked_at is None
    assert _bearer(key).get("/api/v1/cases/").status_code == 401
    page = client.get(reverse("account:tokens")).content.decode()
    assert "theirs" not in page


def test_the_command_refuses_a_persons_account(cmo):
    with pytest.raises(CommandError, match="cmo is not a service account"):
        call_command("api_token", "issue", "--user", "cmo", "--name", "x", stdout=StringIO())
    assert not ApiToken.objects.exists()
