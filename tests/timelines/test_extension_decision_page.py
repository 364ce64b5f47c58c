"""The CMO decides the 24-hour extension on the case page and in Awaiting me (R-DL-5)."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import strip_tags

from cases.models import CaseEvent
from imr.errors import Refused
from tests.support.cases import Walk
from tests.support.personas import client_for
from tests.timelines.conftest import local, make_case
from timelines.models import Clock, ClockEvent
from timelines.services import extension_decline, extension_grant

PLAN_RECEIPT = local(2026, 3, 7, 10, 0)
NOW = local(2026, 3, 7, 20, 0)
IMRO_RECEIPT = local(2026, 3, 7, 12, 0)


def expedited_case(owner, *, imro_received_at=IMRO_RECEIPT, received_at=PLAN_RECEIPT):
    """Submitted through the services; the IMRO receives the file at imro_received_at."""
    walk = Walk(approved=timedelta(hours=1), submitted=imro_received_at - received_at)
    return make_case(
        owner=owner,
        review_type="expedited",
        received_at=received_at,
        status="submitted",
        walk=walk,
    )


def page(user, case) -> str:
    response = client_for(user).get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_case_page_shows_both_times_and_the_cap_and_grants_inline(coordinator, cmo):
    case = expedited_case(coordinator)
    html = page(cmo, case)
    # IMRO receipt Sat 12:00 PST + 24 h = Sun 13:00 PDT; +24 h more = Mon 13:00 PDT; the
    # 72-hour resolution from Sat 10:00 PST = Tue 11:00 PDT.
    assert 'data-extension="open"' in html
    assert "Sun 2026-03-08 13:00 PDT" in html
    assert "Mon 2026-03-09 13:00 PDT" in html
    assert "Tue 2026-03-10 11:00 PDT" in html
    assert "72-hour cap" in html
    assert 'value="grant"' in html and 'value="decline"' in html
    # The coordinator sees the offer but no form.
    other = page(coordinator, case)
    assert 'data-extension="open"' in other and 'value="grant"' not in other

    detail = reverse("cases:detail", args=[case.pk])
    response = client_for(cmo).post(
        reverse("timelines:extension", kwargs={"case_id": case.pk}),
        {"reason": "IMRO needs the cardiology consult", "decision": "grant", "next": detail},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(detail)
    assert Clock.objects.get(case=case, name="imro_determination").extended is True
    html = page(cmo, case)
    assert 'data-extension="extended"' in html
    assert "Extended once on Sat 2026-03-07 20:00 PST by Morgan Officer" in strip_tags(html)
    assert "no further extension is possible" in html
    assert 'value="grant"' not in html


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_declining_is_recorded_once_and_ends_the_offer(coordinator, cmo):
    case = expedited_case(coordinator)
    response = client_for(cmo).post(
        reverse("timelines:extension", kwargs={"case_id": case.pk}),
        {"reason": "The IMRO has what it needs", "decision": "decline"},
    )
    assert response.status_code == 302
    clock = Clock.objects.get(case=case, name="imro_determination")
    assert clock.extended is False
    assert ClockEvent.objects.filter(clock=clock, kind="declined").count() == 1
    assert CaseEvent.objects.filter(case=case, kind="clock_extension_declined").exists()
    html = page(cmo, case)
    assert "Extension declined on Sat 2026-03-07 20:00 PST by Morgan Officer" in strip_tags(html)
    assert 'value="grant"' not in html
    with pytest.raises(Refused, match="already declined"):
        extension_grant(case=case, actor=cmo, reason="changed my mind")
    with pytest.raises(Refused):
        extension_decline(case=case, actor=cmo, reason="again")


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_awaiting_me_offers_the_decision_only_while_possible(coordinator, cmo):
    open_case = expedited_case(coordinator)
    # A later IMRO receipt still fits. The same receipt on a case received at the plan a
    # day earlier does not: its IMRO clock, Sat 19:00 PST + 24 h = Sun 20:00 PDT, extended
    # to Mon 20:00 PDT, would pass the 72 hours from Fri 08:00 PST, Mon 09:00 PDT.
    later = expedited_case(coordinator, imro_received_at=local(2026, 3, 7, 19, 0))
    capped_late = expedited_case(
        coordinator, received_at=local(2026, 3, 6, 8, 0), imro_received_at=local(2026, 3, 7, 19, 0)
    )
    assert Clock.objects.get(case=capped_late, name="imro_determination").due_at == local(
        2026, 3, 8, 20, 0
    )
    response = client_for(cmo).get(reverse("cases:cmo"))
    html = response.content.decode()
    assert response.status_code == 200
    action = reverse("timelines:extension", kwargs={"case_id": open_case.pk})
    assert action in html
    assert "Mon 2026-03-09 13:00 PDT" in html and "72-hour cap" in html
    assert reverse("timelines:extension", kwargs={"case_id": later.pk}) in html
    assert reverse("timelines:extension", kwargs={"case_id": capped_late.pk}) not in html
    extension_grant(case=open_case, actor=cmo, reason="good cause")
    html = client_for(cmo).get(reverse("cases:cmo")).content.decode()
    assert action not in html
