"""python manage.py sweep_clocks [--now ISO-8601] [--json]."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.timelines.conftest import local, make_case
from timelines.models import SweepRun
from timelines.services import clocks_start


@pytest.mark.django_db
def test_it_sweeps_as_of_the_given_time_and_prints_counts(coordinator, cmo):
    case = make_case(owner=coordinator)
    clocks_start(case=case, trigger="imro_receipt", at=local(2026, 3, 2, 9))
    out = StringIO()
    call_command("sweep_clocks", "--now", "2026-03-09T08:00", stdout=out)
    assert "1 warned, 0 breached, 0 skipped" in out.getvalue()
    out = StringIO()
    call_command("sweep_clocks", "--now", "2026-03-10T08:00", "--json", stdout=out)
    body = json.loads(out.getvalue())
    assert (body["warned"], body["breached"], body["as_of"]) == (
        0,
        1,
        "2026-03-10T08:00:00-07:00",
    )
    assert SweepRun.objects.filter(scope="all").count() == 2


@pytest.mark.django_db
def test_a_bad_time_is_refused():
    with pytest.raises(CommandError, match="ISO-8601"):
        call_command("sweep_clocks", "--now", "tomorrow")
