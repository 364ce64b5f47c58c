"""R-SEC-8: everyone changes their own password; Administrators manage users in the
admin as the README says; the API schema is for staff roles only."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.support.personas import PASSWORD, client_for

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-much-longer-new-passphrase-41"


@pytest.mark.parametrize("persona", ["coordinator", "reviewer", "quac_member"])
def test_every_user_changes_their_password(request, persona):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    page = client.get(reverse("account:password_change"))
    assert page.status_code == 200 and b"Change your password" in page.content
    response = client.post(
        reverse("account:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # Still signed in after the change (the session hash was updated).
    assert client.get(reverse("account:home")).status_code == 200


def test_a_wrong_old_password_changes_nothing(coordinator):
    response = client_for(coordinator).post(
        reverse("account:password_change"),
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    coordinator.refresh_from_db()
    assert coordinator.check_password(PASSWORD)


def test_the_account_menu_links_the_password_page(coordinator):
    html = client_for(coordinator).get(reverse("account:home")).content.decode()
    assert f'href="{reverse("account:password_change")}"' in html
    assert f'href="{reverse("account:tokens")}"' in html


def test_the_administrator_manages_users(administrator, coordinator):
    client = client_for(administrator)
    assert client.get("/admin/auth/user/").status_code == 200
    assert client.get(f"/admin/auth/user/{coordinator.pk}/change/").status_code == 200
    added = client.post(
        "/admin/auth/user/add/",
        {"username": "newhire", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert added.status_code == 302
    assert get_user_model().objects.filter(username="newhire").exists()


def test_the_administrator_cannot_make_a_superuser_or_delete(administrator, coordinator):
    client = client_for(administrator)
    page = client.get(f"/admin/auth/user/{coordinator.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page
    assert client.get(f"/admin/auth/user/{coordinator.pk}/delete/").status_code == 403


def test_other_roles_do_not_manage_users(coordinator):
    assert client_for(coordinator).get("/admin/auth/user/").status_code == 302


@pytest.mark.parametrize(
    ("persona", "status"),
    [("coordinator", 200), ("quac_member", 200), ("reviewer", 403), ("outsider", 403)],
)
def test_the_api_schema_is_for_staff_roles(request, persona, status):
    user = request.getfixturevalue(persona)
    assert client_for(user).get("/api/v1/schema/").status_code == status


def test_a_reviewer_is_told_why_in_a_problem_document(reviewer):
    for url in ("/api/v1/schema/", "/api/v1/docs/"):
        response = client_for(reviewer).get(url)
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["detail"] == "The API schema is for the plan's staff."


def test_the_api_schema_needs_sign_in():
    assert Client().get("/api/v1/schema/").status_code == 401
