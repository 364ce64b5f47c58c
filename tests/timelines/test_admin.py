"""Administrators see the holiday calendar, clocks and the last sweeps in the admin."""

import pytest
from django.urls import reverse

from tests.support.personas import client_for
from tests.timelines.conftest import local
from timelines.services import sweep


@pytest.mark.django_db
def test_an_administrator_sees_the_last_sweep(administrator):
    sweep(now=local(2026, 3, 10, 5, 0))
    page = client_for(administrator).get(reverse("admin:timelines_sweeprun_changelist"))
    assert page.status_code == 200
    assert "All clocks (nightly)" in page.content.decode()


@pytest.mark.django_db
def test_an_administrator_reads_the_seeded_holidays(administrator):
    page = client_for(administrator).get(
        reverse("admin:timelines_holiday_changelist"), {"q": "Labor"}
    )
    assert page.status_code == 200
    assert "Labor Day" in page.content.decode()


@pytest.mark.django_db
def test_sweep_runs_cannot_be_edited(administrator):
    assert client_for(administrator).get(reverse("admin:timelines_sweeprun_add")).status_code == 403
