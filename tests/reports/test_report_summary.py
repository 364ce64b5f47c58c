"""The per-month summary table (reports.summary) against the full computation.

The report reads its sums from MonthSummary when the range is whole months and no
circumstance filter is set; these tests hold every table of such a report equal to the
same report computed from the facts (use_summary=False) on the cases of conftest.py,
and check, step by step along the walk of new cases through the services, that each
service leaves the summary equal to a rebuild from the facts.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from cases.services import case_resolve, determination_amend
from reports.models import MonthSummary
from reports.params import INDEPENDENT, ReportParams
from reports.selectors import quac_report
from reports.summary import summary_rebuild
from reviewers.models import Review
from tests.support.cases import (
    Walk,
    approve,
    close,
    notify,
    open_case,
    receive_review,
    sign,
    submit,
)
from timelines.services import extension_grant

pytestmark = pytest.mark.django_db

LA = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 4, 15, 12, tzinfo=LA)


def tables(report) -> list[tuple[str, list[dict]]]:
    return [(table.slug, table.records()) for table in report.tables()]


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"review_type": "standard"},
        {"review_type": "retrospective"},
        {"specialty": "Oncology"},
        {"imro": INDEPENDENT},
        {"imro": "acme"},
    ],
)
def test_every_table_from_the_summary_equals_the_full_computation(report_data, filters):
    if filters.get("imro") == "acme":
        filters = {"imro": str(report_data.registry.acme.pk)}
    params = ReportParams(date_from=date(2025, 12, 1), date_to=date(2026, 3, 31), **filters)
    from_summary = quac_report(params, now=NOW)
    from_facts = quac_report(params, now=NOW, use_summary=False)
    assert from_summary.cases == from_facts.cases
    assert from_summary.months == from_facts.months
    assert tables(from_summary) == tables(from_facts)


def test_the_report_reads_the_summary(report_data):
    params = ReportParams(date_from=date(2026, 1, 1), date_to=date(2026, 3, 31))
    assert quac_report(params, now=NOW).cases == 6
    # Emptied by hand (never done by the product), the summary answers no cases: the
    # figures above came from it, not from the facts.
    MonthSummary.objects.all().delete()
    assert quac_report(params, now=NOW).cases == 0
    assert quac_report(params, now=NOW, use_summary=False).cases == 6
    call_command("rebuild_report_summary", "--from", "2026-01-01", "--to", "2026-03-31")
    assert quac_report(params, now=NOW).cases == 6


@pytest.mark.parametrize(
    "params",
    [
        # Part of a month: the summary holds whole months.
        {"date_from": date(2026, 1, 10), "date_to": date(2026, 3, 31)},
        {"date_from": date(2026, 1, 1), "date_to": date(2026, 3, 15)},
        # A case counts under each of its circumstances: no summary row answers one.
        {"date_from": date(2026, 1, 1), "date_to": date(2026, 3, 31), "circumstance": 5},
    ],
)
def test_what_the_summary_cannot_answer_is_computed_from_the_facts(report_data, params):
    expected = quac_report(ReportParams(**params), now=NOW, use_summary=False)
    MonthSummary.objects.all().delete()
    assert tables(quac_report(ReportParams(**params), now=NOW)) == tables(expected)
    assert expected.cases > 0


def test_the_stored_turnaround_is_the_report_definition(report_data):
    # conftest.py: c1 10 h (0 bd), c2 30 h (1 bd), c4 100 h across Presidents' Day (1 bd),
    # c5 50 h (2 bd).
    stored = {
        name: (review.turnaround_hours, review.turnaround_business_days)
        for name, case in report_data.cases.items()
        if (review := Review.objects.filter(case=case).first())
    }
    assert stored["c1"] == (10.0, 0)
    assert stored["c2"] == (30.0, 1)
    assert stored["c4"] == (100.0, 1)
    assert stored["c5"] == (50.0, 2)


# Each service refreshes the summary --------------------------------------------------


def _snapshot() -> dict:
    """Every summary row with its counts, cases and clocks, keyed, without the rows' own
    ids or refresh times."""
    rows = {}
    for row in MonthSummary.objects.prefetch_related("counts", "cases_in", "clocks"):
        key = (row.month, row.review_type, row.imro_id, row.specialty)
        figures = {
            field.name: getattr(row, field.name)
            for field in MonthSummary._meta.concrete_fields
            if field.name not in {"id", "month", "review_type", "imro", "specialty", "refreshed_at"}
        }
        figures["counts"] = sorted(
            (c.dimension, c.value, c.cases, c.met, c.missed, c.running) for c in row.counts.all()
        )
        figures["cases_in"] = sorted(
            (c.case_id, c.turnaround_hours, c.turnaround_business_days, c.decision_hours)
            for c in row.cases_in.all()
        )
        figures["clocks"] = sorted(
            (c.clock_id, c.case_id, c.review_type, c.name, c.status, c.due_at, c.stopped_at)
            for c in row.clocks.all()
        )
        rows[key] = figures
    return rows


def _rebuilt() -> dict:
    """What a rebuild from the facts would store, without keeping it."""
    with transaction.atomic():
        summary_rebuild()
        snapshot = _snapshot()
        transaction.set_rollback(True)
    return snapshot


def _at(moment: datetime):
    return time_machine.travel(moment, tick=False)


EXPEDITED = {
    "review_type": "expedited",
    "expedited_criterion": "imminent_threat",
    "expedited_determined_by": "cmo",
}
FAST = Walk(
    approved=timedelta(hours=1), submitted=timedelta(hours=2), review_received=timedelta(hours=12)
)


def test_each_service_that_changes_an_input_refreshes_the_summary(coordinator, cmo):
    received = datetime(2026, 6, 1, 9, tzinfo=LA)
    seen = [_snapshot()]

    def refreshed(step: str, *, changes: bool = True) -> None:
        stored = _snapshot()
        assert stored == _rebuilt(), f"{step}: the summary is not what the facts give"
        if changes:
            assert stored != seen[-1], f"{step}: nothing in the summary changed"
        seen.append(stored)

    with _at(received + timedelta(minutes=5)):
        case = open_case(
            coordinator,
            received_at_plan=received,
            response_needed_by=(received + timedelta(days=40)).date(),
            **EXPEDITED,
        )
    case = approve(case, cmo, walk=FAST)
    assert _snapshot() == seen[0]  # not with the IMRO yet: no row
    case = submit(case, walk=FAST)
    refreshed("submission received (with its charge)")
    with _at(received + timedelta(hours=3)):
        extension_grant(case=case, actor=cmo, reason="The reviewer needs the imaging.")
    refreshed("extension granted")
    case = receive_review(case, walk=FAST)
    refreshed("review recorded, IMRO clock stopped")
    with _at(received + timedelta(hours=20)):
        case = sign(case, cmo, outcome="deny", follows_imro=True)
    refreshed("determination signed")
    with _at(received + timedelta(hours=21)):
        determination_amend(
            determination=case.determinations.get(),
            actor=cmo,
            outcome="approve",
            rationale="New imaging shows the therapy is needed.",
            criteria_used="The plan's medical policy.",
            follows_imro=False,
            reason="Imaging received after the decision.",
        )
    refreshed("determination amended")
    with _at(received + timedelta(hours=22)):
        case = notify(case)
    refreshed("notices sent")
    with _at(received + timedelta(hours=23)):
        case_resolve(case=case, actor=cmo)
    refreshed("resolved, plan clock stopped")
    with _at(received + timedelta(days=2)):
        close(case)
    # Closing cancels what still runs; every clock of this case has stopped already.
    refreshed("closed", changes=False)
