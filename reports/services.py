"""Producing a QUAC report and recording that it was produced."""

import logging
import time

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from reports.models import ReportFormat, ReportRun, ReportSource
from reports.params import ReportParams
from reports.selectors import quac_report
from reports.tables import QuacReport

logger = logging.getLogger(__name__)

# The page and the PDF list this many missed clocks (earliest due first) and say how many
# more there are; the CSV and the JSON carry every one.
MISSED_SHOWN = 200


@transaction.atomic
def report_pull(
    *,
    params: ReportParams,
    user: AbstractBaseUser | None,
    source: ReportSource,
    format: ReportFormat,
) -> QuacReport:
    """Compute the QUAC report and record who pulled it, for what and when (VI.F.8).

    QUAC receives reports on request; the ReportRun row is how the plan shows that a
    request was answered. The report itself is de-identified (R-RPT-2), so nothing here
    logs more than counts and the range.
    """
    started = time.perf_counter()
    full_lists = format in (ReportFormat.CSV, ReportFormat.JSON)
    report = quac_report(params, missed_limit=None if full_lists else MISSED_SHOWN)
    seconds = time.perf_counter() - started
    ReportRun.objects.create(
        pulled_by=user,
        source=source,
        format=format,
        date_from=params.date_from,
        date_to=params.date_to,
        filters=params.filters(),
        cases=report.cases,
        seconds=round(seconds, 3),
        pulled_at=timezone.now(),
    )
    logger.info(
        "QUAC report %s to %s (%s, %s): %d cases in %.2f s",
        params.date_from,
        params.date_to,
        source,
        format,
        report.cases,
        seconds,
    )
    return report
