"""The audit universe (R-RPT-5): one row per case with every regulatory date.

For the plan's compliance staff (the CMO and Administrators, reports.access), not QUAC:
the rows carry case identifiers (case id, TAR number, internal patient identifier) that
lead back to a member inside the plan, though never the member's name, CIN, date of birth
or address. The columns are documented in docs/reports.md ("Audit universe").

Three queries whatever the number of cases: the cases with their dates (joins and
subqueries), their clocks, and their audited-date changes counted per field. The
validation pass (`universe_problems`) is a pure function over the rows, so it checks a
file's rows the same way whether they came from the database or were written by hand.
"""

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models import DateTimeField as DateTimeOutput
from django.db.models.functions import Coalesce

from cases.models import (
    AuditedDateChange,
    Case,
    CaseEvent,
    Determination,
    Letter,
    LetterChannel,
    Party,
    Status,
)
from imr.errors import Refused
from reviewers.models import Review, Submission
from timelines.models import Clock, ClockStatus
from timelines.rules import RULES

# The regulatory dates, in the order a case meets them: (column stem, meaning).
DATES: tuple[tuple[str, str], ...] = (
    ("received_at_plan", "Receipt of the request at the plan"),
    ("referral_approved", "The CMO's approval of the referral to IMR"),
    ("file_sent", "The complete file sent to the IMRO or specialist (submission)"),
    ("imro_received", "The IMRO's receipt of the complete file"),
    ("review_received", "The reviewer's written determination received"),
    ("determination_signed", "The current coverage determination signed"),
    ("member_notice_sent", "The member's letter sent (mailed, or e-mailed)"),
    ("practitioner_notice_sent", "The practitioner's letter sent (mailed, or e-mailed)"),
    ("oral_notice", "The oral notice to the member (not recorded by the product yet)"),
    ("resolved", "The case marked resolved by the CMO"),
    ("closed", "The case closed"),
)
DATE_NAMES: tuple[str, ...] = tuple(name for name, _ in DATES)

# The dates R-TRK-9 audits, and the AuditedDateChange.field each change is recorded
# under. Today only the receipt at the plan has a change service
# (cases.services.received_at_plan_change); a service for another date must record its
# changes under the field named here for the flag to count them.
AUDITED_FIELDS: dict[str, str] = {
    "received_at_plan": "received_at_plan",
    "imro_received": "imro_received_at",
    "review_received": "review_received_at",
    "determination_signed": "determination_signed_at",
    "member_notice_sent": "member_notice_sent_at",
    "practitioner_notice_sent": "practitioner_notice_sent_at",
}

# One column per clock name in the rules table, in the table's order.
CLOCK_NAMES: tuple[str, ...] = tuple(dict.fromkeys(row.name for row in RULES))

IDENTITY_COLUMNS = ("case_id", "tar_number", "internal_patient_id", "review_type", "origin")
IDENTITY_COLUMNS += ("status",)

# Written as the file's first line as is (not quoted), with no comma in it, so a reader
# that skips "#" lines (pandas comment="#", many audit tools) sees the header next, and
# one that does not sees a one-cell row.
HEADER_COMMENT = (
    "# IMR Desk audit universe (R-RPT-5). Case identifiers only (case id; TAR number; "
    "internal patient identifier): no member name; CIN; date of birth or address. "
    "Cases received at the plan {date_from} to {date_to} inclusive ({zone}); each date "
    "in {zone} and in UTC. Columns: docs/reports.md section Audit universe."
)

# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def universe_columns() -> list[str]:
    """The CSV header, in order."""
    columns = list(IDENTITY_COLUMNS)
    for name in DATE_NAMES:
        columns += [f"{name}_local", f"{name}_utc"]
    columns += [f"clock_{name}" for name in CLOCK_NAMES]
    for name in AUDITED_FIELDS:
        columns += [f"{name}_changed", f"{name}_changes"]
    return columns


def _plan_zone() -> ZoneInfo:
    return ZoneInfo(settings.PLAN_TIME_ZONE)


def universe_bounds(*, date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """The range as [start, end) instants: local midnights of the plan's time zone."""
    if date_to < date_from:
        raise Refused({"date_to": ["The end of the range is before its start."]})
    zone = _plan_zone()
    start = datetime.combine(date_from, time.min, tzinfo=zone)
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def _current_determination() -> Subquery:
    """The case's latest signed determination (an amendment replaces what it corrects);
    for use two levels down, inside a subquery on letters."""
    return Subquery(
        Determination.objects.filter(case=OuterRef(OuterRef("pk")), signed_at__isnull=False)
        .order_by("-signed_at", "-pk")
        .values("pk")[:1]
    )


def _notice_sent(party: str) -> Coalesce:
    """When the party's letter on the current determination counts as sent: mailed for
    post, sent for e-mail (Letter.notified_at)."""
    letters = Letter.objects.filter(
        case=OuterRef("pk"), party=party, determination=_current_determination()
    )
    mailed = letters.filter(channel=LetterChannel.MAIL).values("mailed_at")[:1]
    emailed = letters.exclude(channel=LetterChannel.MAIL).values("sent_at")[:1]
    return Coalesce(Subquery(mailed), Subquery(emailed), output_field=DateTimeOutput())


def universe_rows(*, date_from: date, date_to: date) -> list[dict[str, object]]:
    """One dict per case received at the plan in the range (local dates, inclusive).

    Dates are aware datetimes (None when the step has not happened); clocks are their
    status; changes are counts. The case query names its columns with values(): the
    only member column it reads is the internal identifier.
    """
    start, end = universe_bounds(date_from=date_from, date_to=date_to)
    in_range = Q(received_at_plan__gte=start, received_at_plan__lt=end)
    cases = (
        Case.objects.filter(in_range)
        .annotate(
            internal_patient_id=F("member__internal_id"),
            file_sent=Subquery(
                Submission.objects.filter(case=OuterRef("pk")).values("submitted_at")[:1]
            ),
            imro_received=Subquery(
                Submission.objects.filter(case=OuterRef("pk")).values("imro_received_at")[:1]
            ),
            review_received=Subquery(
                Review.objects.filter(case=OuterRef("pk")).values("received_at")[:1]
            ),
            determination_signed=Subquery(
                Determination.objects.filter(case=OuterRef("pk"), signed_at__isnull=False)
                .order_by("-signed_at", "-pk")
                .values("signed_at")[:1]
            ),
            member_notice_sent=_notice_sent(Party.MEMBER),
            practitioner_notice_sent=_notice_sent(Party.PRACTITIONER),
            resolved=F("resolution__resolved_at"),
            closed=Subquery(
                CaseEvent.objects.filter(case=OuterRef("pk"), kind="case_closed")
                .order_by("-at")
                .values("at")[:1]
            ),
        )
        .order_by("received_at_plan", "pk")
        .values(
            "pk",
            "tar_number",
            "internal_patient_id",
            "review_type",
            "origin",
            "status",
            "received_at_plan",
            "referral_approved_at",
            "file_sent",
            "imro_received",
            "review_received",
            "determination_signed",
            "member_notice_sent",
            "practitioner_notice_sent",
            "resolved",
            "closed",
        )
    )
    clocks = _clock_statuses(Clock.objects.filter(case__in=Case.objects.filter(in_range)))
    changes = _change_counts(
        AuditedDateChange.objects.filter(case__in=Case.objects.filter(in_range))
    )
    rows = []
    for case in cases:
        row: dict[str, object] = {
            "case_id": case["pk"],
            "tar_number": case["tar_number"],
            "internal_patient_id": case["internal_patient_id"],
            "review_type": case["review_type"],
            "origin": case["origin"],
            "status": case["status"],
            "received_at_plan": case["received_at_plan"],
            "referral_approved": case["referral_approved_at"],
            "oral_notice": None,
        }
        for name in DATE_NAMES:
            row.setdefault(name, case.get(name))
        for name in CLOCK_NAMES:
            row[f"clock_{name}"] = clocks.get((case["pk"], name), "")
        for name, field in AUDITED_FIELDS.items():
            row[f"{name}_changes"] = changes.get((case["pk"], field), 0)
        rows.append(row)
    return rows


def _clock_statuses(clocks) -> dict[tuple[int, str], str]:
    """(case id, clock name) → the live clock's status, or "cancelled" when every clock
    of that name was cancelled (a recompute cancels the old clock and starts a new one)."""
    statuses: dict[tuple[int, str], str] = {}
    for case_id, name, status in clocks.values_list("case_id", "name", "status"):
        key = (case_id, name)
        if status != ClockStatus.CANCELLED or key not in statuses:
            statuses[key] = status
    return statuses


def _change_counts(changes) -> dict[tuple[int, str], int]:
    counted = changes.values("case_id", "field").annotate(n=Count("pk")).order_by()
    return {(row["case_id"], row["field"]): row["n"] for row in counted}


# --- the file --------------------------------------------------------------------------


def _iso(value: datetime | None, zone: ZoneInfo) -> str:
    return value.astimezone(zone).isoformat() if value else ""


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def universe_csv(rows: Iterable[Mapping[str, object]], *, date_from: date, date_to: date) -> bytes:
    """The rows as CSV (UTF-8 with BOM): a comment line, the header, one line per case."""
    zone = _plan_zone()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(HEADER_COMMENT.format(date_from=date_from, date_to=date_to, zone=zone.key))
    buffer.write("\r\n")
    columns = universe_columns()
    writer.writerow(columns)
    for row in rows:
        line: dict[str, object] = {key: row.get(key) for key in IDENTITY_COLUMNS}
        for name in DATE_NAMES:
            value = row.get(name)
            line[f"{name}_local"] = _iso(value, zone)  # type: ignore[arg-type]
            line[f"{name}_utc"] = _iso(value, UTC)  # type: ignore[arg-type]
        for name in CLOCK_NAMES:
            line[f"clock_{name}"] = row.get(f"clock_{name}", "")
        for name in AUDITED_FIELDS:
            count = int(row.get(f"{name}_changes") or 0)  # type: ignore[call-overload]
            line[f"{name}_changed"] = "yes" if count else "no"
            line[f"{name}_changes"] = count
        writer.writerow([_cell(line[column]) for column in columns])
    return buffer.getvalue().encode("utf-8-sig")


def universe_filename(*, date_from: date, date_to: date) -> str:
    return f"audit-universe-{date_from:%Y%m%d}-{date_to:%Y%m%d}.csv"


# --- validation ------------------------------------------------------------------------

# (later, earlier): the later date may not come before the earlier one.
ORDER_RULES: tuple[tuple[str, str], ...] = (
    # Nothing happens before the request reached the plan.
    *((name, "received_at_plan") for name in DATE_NAMES[1:]),
    ("file_sent", "received_at_plan"),
    ("file_sent", "referral_approved"),
    ("imro_received", "file_sent"),
    ("review_received", "imro_received"),
    ("determination_signed", "review_received"),
    ("member_notice_sent", "determination_signed"),
    ("practitioner_notice_sent", "determination_signed"),
    ("oral_notice", "determination_signed"),
    ("resolved", "member_notice_sent"),
    ("resolved", "practitioner_notice_sent"),
    ("closed", "resolved"),
)

# The dates a case in a status must have: each status needs its own and those before it.
_PATH = (
    (Status.ASSEMBLING, ("referral_approved",)),
    (Status.SUBMITTED, ("file_sent", "imro_received")),
    (Status.REVIEW_RECEIVED, ("review_received",)),
    (Status.DECIDED, ("determination_signed",)),
    (Status.NOTIFIED, ("member_notice_sent", "practitioner_notice_sent")),
    (Status.RESOLVED, ("resolved",)),
    (Status.CLOSED, ("closed",)),
)
REQUIRED_BY_STATUS: dict[str, tuple[str, ...]] = {
    str(status): tuple(name for _, names in _PATH[: index + 1] for name in names)
    for index, (status, _) in enumerate(_PATH)
}


@dataclass(frozen=True)
class Problem:
    """One impossible order or missing date on one case row."""

    case_id: object
    rule: str
    first: tuple[str, datetime | None]
    second: tuple[str, datetime | None]

    def describe(self) -> str:
        def show(pair: tuple[str, datetime | None]) -> str:
            name, value = pair
            return f"{name}={value.astimezone(UTC).isoformat() if value else 'missing'}"

        return f"case {self.case_id}: {self.rule} ({show(self.first)}, {show(self.second)})"


def universe_problems(rows: Iterable[Mapping[str, object]]) -> list[Problem]:
    """Every impossible order and every date the case's status implies but is missing.

    Pure: it reads the row dicts `universe_rows` returns (or rows written by hand), so
    each rule can be tested on a row the workflow could never produce.
    """
    problems: list[Problem] = []
    for row in rows:
        case_id = row.get("case_id")
        for later, earlier in ORDER_RULES:
            late, early = row.get(later), row.get(earlier)
            if isinstance(late, datetime) and isinstance(early, datetime) and late < early:
                problems.append(
                    Problem(case_id, f"{later} before {earlier}", (later, late), (earlier, early))
                )
        status = str(row.get("status") or "")
        for name in REQUIRED_BY_STATUS.get(status, ()):
            if row.get(name) is None:
                problems.append(
                    Problem(
                        case_id,
                        f"{name} missing for a {status} case",
                        (name, None),
                        ("received_at_plan", row.get("received_at_plan")),  # type: ignore[arg-type]
                    )
                )
    return problems
