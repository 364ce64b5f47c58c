"""The signed-in user is read with their role in one query, and nothing of it outlives
the request (imr.accounts.backend, issue 20): a change of role, of a group's permissions
or of the account takes effect on the very next request."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imr.accounts.backend import RoleBackend, group_names, unread_notifications
from imr.roles import Role
from notifications.models import Notification
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db

CASES = "/cases/"  # the case list: UM staff and the CMO (view_phi), nobody else


def _capability(codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label="imr", codename=codename)


def test_a_user_taken_out_of_a_group_loses_the_capability_on_the_next_request(coordinator):
    client = client_for(coordinator)
    assert client.get(CASES).status_code == 200
    coordinator.groups.remove(Group.objects.get(name=str(Role.UM_STAFF)))
    assert client.get(CASES).status_code == 403


def test_a_user_put_in_a_group_gains_its_capability_on_the_next_request(quac_member):
    client = client_for(quac_member)
    assert client.get(CASES).status_code == 403
    quac_member.groups.add(Group.objects.get(name=str(Role.UM_STAFF)))
    assert client.get(CASES).status_code == 200


def test_a_group_that_loses_a_permission_refuses_its_members_on_the_next_request(coordinator):
    client = client_for(coordinator)
    assert client.get(CASES).status_code == 200
    Group.objects.get(name=str(Role.UM_STAFF)).permissions.remove(_capability("view_phi"))
    assert client.get(CASES).status_code == 403


def test_a_capability_granted_to_one_person_and_taken_back_counts_at_once(quac_member):
    client = client_for(quac_member)
    quac_member.user_permissions.add(_capability("view_phi"))
    assert client.get(CASES).status_code == 200
    quac_member.user_permissions.remove(_capability("view_phi"))
    assert client.get(CASES).status_code == 403


def test_a_deactivated_account_is_signed_out_on_the_next_request(coordinator):
    client = client_for(coordinator)
    assert client.get(CASES).status_code == 200
    coordinator.is_active = False
    coordinator.save(update_fields=["is_active"])
    response = client.get(CASES)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_after_signing_out_the_next_request_is_anonymous(coordinator):
    client = client_for(coordinator)
    assert client.get(CASES).status_code == 200
    client.post(reverse("logout"))
    response = client.get(CASES)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_header_names_the_roles_from_the_same_read(cmo):
    cmo.groups.add(Group.objects.get(name=str(Role.QUAC)))
    page = client_for(cmo).get(reverse("home")).content.decode()
    assert f"Morgan Officer · {Role.CMO} · {Role.QUAC}</span>" in page


def test_the_user_their_permissions_groups_and_unread_count_are_one_query(coordinator):
    Notification.objects.create(recipient=coordinator, kind="review_received", text="Case 1.")
    client = client_for(coordinator)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("home")).content.decode()
    reads = [q["sql"] for q in captured.captured_queries]
    role_reads = [
        sql
        for sql in reads
        if any(t in sql for t in ('"auth_user"', "auth_permission", "auth_group", "notification"))
    ]
    assert len(role_reads) == 1, role_reads
    assert "auth_permission" in role_reads[0] and "notifications_notification" in role_reads[0]
    assert re.search(r'aria-label="Notifications: 1 unread"', page)


def test_after_a_post_the_bell_is_counted_again(coordinator):
    """A POST may read or write notifications: its page counts them after the work, by
    a COUNT of its own, not from the user's read at the start of the request."""
    Notification.objects.create(recipient=coordinator, kind="review_received", text="x")
    client = client_for(coordinator)
    # A refused search renders the list again on the POST itself (no redirect).
    with CaptureQueriesContext(connection) as captured:
        page = client.post(reverse("cases:search"), {"q": "", "status": "nonsense"})
    assert page.status_code == 200
    assert 'aria-label="Notifications: 1 unread"' in page.content.decode()
    counts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT COUNT")]
    assert any("notifications_notification" in sql for sql in counts), counts


def test_the_read_gives_what_djangos_own_reads_give(cmo, quac_member):
    cmo.groups.add(Group.objects.get(name=str(Role.QUAC)))
    cmo.user_permissions.add(Permission.objects.get(codename="receive_digest"))
    Notification.objects.create(recipient=cmo, kind="review_received", text="Case 1.")
    Notification.objects.create(recipient=quac_member, kind="review_received", text="Case 2.")
    for user in (cmo, quac_member):
        theirs = ModelBackend().get_user(user.pk)
        expected = (
            theirs.get_all_permissions(),
            theirs.get_group_permissions(),
            theirs.get_user_permissions(),
            sorted(theirs.groups.values_list("name", flat=True)),
        )
        ours = RoleBackend().get_user(str(user.pk))  # the session keeps the id as text
        with CaptureQueriesContext(connection) as captured:
            got = (
                ours.get_all_permissions(),
                ours.get_group_permissions(),
                ours.get_user_permissions(),
                group_names(ours),
            )
            unread = unread_notifications(ours, read_now=False)
        assert got == expected
        assert unread == 1
        assert len(captured) == 0  # all of it came with the user
        assert (ours.pk, ours.username, ours.password) == (
            theirs.pk,
            theirs.username,
            theirs.password,
        )
    assert "imr.view_phi" in RoleBackend().get_user(cmo.pk).get_all_permissions()


def test_an_unknown_or_malformed_id_is_no_user(coordinator):
    assert RoleBackend().get_user(coordinator.pk + 1000) is None
    assert RoleBackend().get_user("not a number") is None


def test_a_superuser_keeps_every_permission(db):
    boss = get_user_model().objects.create_superuser("boss", "boss@example.invalid", "x" * 20)
    user = RoleBackend().get_user(boss.pk)
    assert user.has_perm("imr.decide_cases")
    assert user.get_all_permissions() == ModelBackend().get_user(boss.pk).get_all_permissions()
