"""/healthz reports a full sweep older than 26 hours (R-DL-11)."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.support.personas import client_for
from tests.timelines.conftest import local, make_case
from timelines.models import SweepRun
from timelines.services import clocks_start, sweep

NOW = local(2026, 3, 10, 12, 0)


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_recent_full_sweep_is_healthy(client):
    sweep()
    assert client.get(reverse("healthz")).json() == {"status": "ok"}


@pytest.mark.django_db
def test_a_full_sweep_older_than_26_hours_is_not_ok(administrator):
    with time_machine.travel(NOW - timedelta(hours=27), tick=False):
        sweep()
    with time_machine.travel(NOW, tick=False):
        sweep(scope="hours")  # the 5-minute run does not count as the nightly one
        response = client_for(administrator).get(reverse("healthz"))
    assert response.status_code == 503
    assert "last full sweep finished" in response.json()["checks"]["Sweep"]


@pytest.mark.django_db
def test_no_sweep_yet_is_healthy_until_a_sweep_is_owed(client, coordinator):
    received = timezone.now() - timedelta(hours=1)
    case = make_case(owner=coordinator, received_at=received)
    clocks_start(case=case, trigger="imro_receipt", at=received)
    assert client.get(reverse("healthz")).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=30), tick=False):
        assert client.get(reverse("healthz")).status_code == 503
    assert not SweepRun.objects.exists()
