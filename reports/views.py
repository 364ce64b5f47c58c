"""The QUAC reports page and its downloads (R-RPT-1, R-RPT-2), and the audit universe
for the CMO and Administrators (R-RPT-5)."""

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reports.access import _require_report_access, _require_universe_access, may_download_universe
from reports.charts import timeliness_chart, volume_chart
from reports.exports import report_csv_zip, report_filename, report_pdf
from reports.forms import ReportForm, UniverseForm
from reports.models import ReportFormat, ReportSource
from reports.presentation import display_sections, display_table
from reports.selectors import recent_report_runs
from reports.services import report_pull
from reports.universe import universe_csv, universe_filename, universe_rows

logger = logging.getLogger(__name__)


def report(request: HttpRequest) -> HttpResponse:
    """The form; with a range given, the report, its charts and download links."""
    _require_report_access(request)
    form = ReportForm(request.GET or None)
    context: dict[str, object] = {"form": form}
    if form.is_valid():
        result = report_pull(
            params=form.params, user=request.user, source=ReportSource.WEB, format=ReportFormat.HTML
        )
        context |= {
            "report": result,
            "summary": display_table(result.summary),
            "sections": display_sections(result),
            "timeliness_chart": timeliness_chart(result.months),
            "volume_chart": volume_chart(result.months),
            "query": request.GET.urlencode(),
        }
    context["runs"] = recent_report_runs()
    if may_download_universe(request.user):
        context["universe_form"] = UniverseForm()
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "reports/report.html", context, status=status)


def report_csv(request: HttpRequest) -> HttpResponse:
    return _download(request, ReportFormat.CSV)


def report_pdf_download(request: HttpRequest) -> HttpResponse:
    return _download(request, ReportFormat.PDF)


def _download(request: HttpRequest, file_format: ReportFormat) -> HttpResponse:
    _require_report_access(request)
    form = ReportForm(request.GET)
    if not form.is_valid():
        return render(
            request, "reports/report.html", {"form": form, "runs": recent_report_runs()}, status=400
        )
    result = report_pull(
        params=form.params, user=request.user, source=ReportSource.WEB, format=file_format
    )
    if file_format == ReportFormat.CSV:
        body, content_type, extension = report_csv_zip(result), "application/zip", "zip"
    else:
        body, content_type, extension = report_pdf(result), "application/pdf", "pdf"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{report_filename(result, extension)}"'
    response["Cache-Control"] = "no-store"
    return response


def universe_download(request: HttpRequest) -> HttpResponse:
    """The audit universe CSV of the cases received at the plan in the range (R-RPT-5)."""
    _require_universe_access(request)
    form = UniverseForm(request.GET)
    if not form.is_valid():
        context = {"form": ReportForm(), "universe_form": form, "runs": recent_report_runs()}
        return render(request, "reports/report.html", context, status=400)
    date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    rows = universe_rows(date_from=date_from, date_to=date_to)
    # The range and the count only: the file's identifiers stay out of the logs.
    logger.info("audit universe %s to %s: %d cases", date_from, date_to, len(rows))
    body = universe_csv(rows, date_from=date_from, date_to=date_to)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    filename = universe_filename(date_from=date_from, date_to=date_to)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
