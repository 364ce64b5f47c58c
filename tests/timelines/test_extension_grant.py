"""extension_grant (R-DL-5): expedited only, once, by the CMO, within the 72-hour resolution."""

from datetime import UTC, timedelta

import pytest
import time_machine
from django.urls import reverse

from cases.models import CaseEvent
from imr.errors import Refused
from tests.support.personas import client_for
from tests.timelines.conftest import local, make_case
from timelines.models import Clock, ClockEvent
from timelines.services import clocks_start, extension_grant

PLAN_RECEIPT = local(2026, 3, 7, 10, 0)


def expedited_case(owner, *, imro_received_at):
    case = make_case(owner=owner, review_type="expedited", received_at=PLAN_RECEIPT)
    clocks_start(case=case, trigger="plan_receipt")
    clocks_start(case=case, trigger="imro_receipt", at=imro_received_at)
    return case


@pytest.mark.django_db
@time_machine.travel(local(2026, 3, 7, 20, 0), tick=False)
def test_the_cmo_extends_by_24_hours_once(coordinator, cmo):
    case = expedited_case(coordinator, imro_received_at=local(2026, 3, 7, 12, 0))
    clock = extension_grant(case=case, actor=cmo, reason="IMRO needs the cardiology consult")
    # 24 h + 24 h elapsed from Sat 12:00 PST, across the spring-forward night.
    assert clock.due_at == local(2026, 3, 7, 12, 0).astimezone(UTC) + timedelta(hours=48)
    assert clock.explanation["due"] == "2026-03-09T13:00:00-07:00"
    assert Clock.objects.get(pk=clock.pk).extended is True
    assert ClockEvent.objects.filter(clock=clock, kind="extended").count() == 1
    assert CaseEvent.objects.filter(case=case, kind="clock_extended", actor=cmo).exists()
    with pytest.raises(Refused, match="already extended"):
        extension_grant(case=case, actor=cmo, reason="again")


@pytest.mark.django_db
@time_machine.travel(local(2026, 3, 8, 20, 0), tick=False)
def test_it_refuses_an_extension_past_the_appeal_resolution_and_shows_both_times(coordinator, cmo):
    # IMRO receipt a day after plan receipt: 24 + 24 h ends after the 72-hour resolution.
    case = expedited_case(coordinator, imro_received_at=local(2026, 3, 8, 14, 0))
    with pytest.raises(Refused) as refused:
        extension_grant(case=case, actor=cmo, reason="good cause")
    message = str(refused.value)
    assert "Tue 2026-03-10 14:00 PDT" in message  # extended IMRO due
    assert "Tue 2026-03-10 11:00 PDT" in message  # appeal resolution due
    assert Clock.objects.get(case=case, name="imro_determination").extended is False


@pytest.mark.django_db
def test_only_the_cmo_may_extend_and_only_expedited_cases(coordinator, cmo):
    case = expedited_case(coordinator, imro_received_at=local(2026, 3, 7, 12, 0))
    with time_machine.travel(local(2026, 3, 7, 13, 0), tick=False):
        with pytest.raises(Refused, match="CMO"):
            extension_grant(case=case, actor=coordinator, reason="good cause")
        with pytest.raises(Refused, match="written reason"):
            extension_grant(case=case, actor=cmo, reason="  ")
    standard = make_case(owner=coordinator)
    with pytest.raises(Refused, match="expedited"):
        extension_grant(case=standard, actor=cmo, reason="good cause")


@pytest.mark.django_db
def test_a_passed_deadline_cannot_be_extended(coordinator, cmo):
    case = expedited_case(coordinator, imro_received_at=local(2026, 3, 7, 12, 0))
    with (
        time_machine.travel(local(2026, 3, 8, 14, 0), tick=False),
        pytest.raises(Refused, match="has passed"),
    ):
        extension_grant(case=case, actor=cmo, reason="good cause")


@pytest.mark.django_db
@time_machine.travel(local(2026, 3, 7, 20, 0), tick=False)
def test_the_extension_page_grants_for_the_cmo(coordinator, cmo):
    case = expedited_case(coordinator, imro_received_at=local(2026, 3, 7, 12, 0))
    url = reverse("timelines:extension", kwargs={"case_id": case.pk})
    response = client_for(cmo).post(url, {"reason": "good cause"})
    assert response.status_code == 302
    assert Clock.objects.get(case=case, name="imro_determination").extended is True


@pytest.mark.django_db
@time_machine.travel(local(2026, 3, 8, 20, 0), tick=False)
def test_the_extension_page_shows_the_refusal(coordinator, cmo):
    case = expedited_case(coordinator, imro_received_at=local(2026, 3, 8, 14, 0))
    url = reverse("timelines:extension", kwargs={"case_id": case.pk})
    response = client_for(cmo).post(url, {"reason": "good cause"})
    assert response.status_code == 400
    assert "would be later than the 72-hour appeal resolution" in response.content.decode()
    assert Clock.objects.get(case=case, name="imro_determination").extended is False


@pytest.mark.django_db
def test_the_extension_page_is_forbidden_to_the_coordinator(coordinator):
    case = expedited_case(coordinator, imro_received_at=local(2026, 3, 7, 12, 0))
    url = reverse("timelines:extension", kwargs={"case_id": case.pk})
    assert client_for(coordinator).get(url).status_code == 403
    assert client_for(coordinator).post(url, {"reason": "x"}).status_code == 403
    assert Clock.objects.get(case=case, name="imro_determination").extended is False


@pytest.mark.django_db
@time_machine.travel(local(2026, 3, 7, 20, 0), tick=False)
def test_the_extension_decision_is_offered_to_the_cmo_only_while_it_is_possible(coordinator, cmo):
    """Issue 18 finding 3: the case page leads the CMO to the decision, until it is used."""
    case = expedited_case(coordinator, imro_received_at=local(2026, 3, 7, 12, 0))
    extend_url = reverse("timelines:extension", kwargs={"case_id": case.pk})
    pages = (
        reverse("cases:detail", args=[case.pk]),
        reverse("timelines:case_clocks", kwargs={"case_id": case.pk}),
    )
    for page in pages:
        assert extend_url in client_for(cmo).get(page).content.decode(), page
        assert extend_url not in client_for(coordinator).get(page).content.decode(), page
    extension_grant(case=case, actor=cmo, reason="IMRO needs the cardiology consult")
    for page in pages:
        assert extend_url not in client_for(cmo).get(page).content.decode(), page
