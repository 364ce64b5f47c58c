"""digest_send: counts and a link for each CMO and UM lead, no PHI, once a day (R-DL-11)."""

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from notifications.models import Notification
from tests.support.personas import client_for, make_user
from tests.timelines.conftest import MEMBER_FIRST, MEMBER_LAST, local, make_case
from timelines.services import clocks_start, digest_send

NOW = local(2026, 3, 9, 5, 0)  # Monday morning: due today at 23:59:59


@pytest.fixture
def um_lead(db):
    from imr.roles import Role

    lead = make_user("lead", Role.UM_STAFF)
    lead.user_permissions.add(Permission.objects.get(codename="receive_digest"))
    return lead


def at_risk_and_overdue(owner):
    at_risk = make_case(owner=owner)
    clocks_start(case=at_risk, trigger="imro_receipt", at=local(2026, 3, 2, 9))
    overdue = make_case(owner=owner, review_type="expedited", received_at=local(2026, 3, 6, 9))
    clocks_start(case=overdue, trigger="plan_receipt")
    clocks_start(case=overdue, trigger="imro_receipt", at=local(2026, 3, 6, 9))
    return at_risk, overdue


@pytest.mark.django_db
def test_the_digest_goes_to_cmos_and_um_leads_with_counts_only(
    coordinator, cmo, um_lead, django_capture_on_commit_callbacks
):
    at_risk_and_overdue(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        assert digest_send(now=NOW) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["cmo@example.invalid", "lead@example.invalid"]
    body = mail.outbox[0].body
    # The expedited IMRO clock is overdue; its appeal resolution and the standard IMRO
    # clock are due today.
    assert "1 overdue clock on 1 case; 2 clocks on 2 cases due by the end of Tue Mar 10" in body
    home_queue = settings.SITE_URL.rstrip("/") + reverse("home") + "?window=overdue"
    assert f"Open in IMR Desk: {home_queue}" in body
    for message in mail.outbox:
        for secret in (MEMBER_FIRST, MEMBER_LAST, "98765432A"):
            assert secret not in message.subject + message.body
    assert not Notification.objects.filter(recipient=coordinator).exists()


@pytest.mark.django_db
def test_the_digest_links_to_the_overdue_cases_on_the_home_work_queue(coordinator, cmo):
    at_risk, overdue = at_risk_and_overdue(coordinator)
    digest_send(now=NOW)
    link = Notification.objects.get(recipient=cmo, kind="deadline_digest").link
    assert link == reverse("home") + "?window=overdue"
    with time_machine.travel(NOW, tick=False):
        page = client_for(cmo).get(link).content.decode()
    assert "<h1>Work queue</h1>" in page
    # The queue's case cell: "Case N" over "TAR …", each on one line (issue 19).
    assert f'href="/cases/{overdue.pk}/">Case {overdue.pk}</a>' in page
    assert f'href="/cases/{at_risk.pk}/"' not in page


@pytest.mark.django_db
def test_the_digest_is_sent_once_a_day(coordinator, cmo):
    at_risk_and_overdue(coordinator)
    assert digest_send(now=NOW) == 1
    assert digest_send(now=local(2026, 3, 9, 6, 0)) == 0
    assert digest_send(now=local(2026, 3, 10, 5, 0)) == 1


@pytest.mark.django_db
def test_no_digest_when_nothing_is_at_risk(coordinator, cmo):
    assert digest_send(now=NOW) == 0
    assert not Notification.objects.exists()
