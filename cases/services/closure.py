"""Resolution, the TAR bundle and closure (R-TRK-7, R-TRK-10, policy VI.F.5–6).

After every party is notified of the current determination, the CMO or a Physician
Designee marks the case resolved. UM staff then build the TAR bundle (a case summary PDF
and every supporting document, in one zip) and hand it to the UM documentation system
through one seam (tar_system()), confirm it is attached to the member's TAR file (TAR
number, time, by whom), and close the case. Closing stops the appeal clocks, judged met
or missed against the time the case was resolved.
"""

import hashlib
import io
import json
import logging
import re
import secrets
import zipfile
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from pypdf import PdfReader

from cases.document_content import ACCEPTED_TYPES
from cases.events import case_event_add
from cases.models import (
    Case,
    CaseEvent,
    CaseResolution,
    Determination,
    Letter,
    Status,
    TarAttachment,
    TarBundle,
)
from cases.services.case import case_transition
from cases.services.determination import determination_current
from cases.services.letters import parties_not_notified
from cases.storage import documents_storage
from cases.tar_system import tar_system
from imr.errors import Refused
from imr.pdf import pdf_render
from imr.roles import perm
from reports.summary import summary_refresh
from reviewers.models import InformationRequest, Review
from timelines.deadlines import met_by
from timelines.models import Clock, ClockStatus
from timelines.rules import StopEvent, rule_named
from timelines.services import clocks_cancel, clocks_stop

logger = logging.getLogger(__name__)


# --- the seam to the UM documentation system -------------------------------------------


# --- rules ------------------------------------------------------------------------------


def _require(actor: AbstractBaseUser, codename: str, what: str) -> None:
    if not actor.has_perm(perm(codename)):
        raise PermissionDenied(f"Your role does not allow {what}.")


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _open_request_problem(case: Case, count: int | None = None) -> list[str]:
    if count is None:
        count = InformationRequest.objects.open().filter(case=case).count()
    if count:
        return [
            f"The reviewer has {count} open information request{'s' if count > 1 else ''}; "
            "answer it first (R-TRK-10)."
        ]
    return []


def resolve_problems(
    case: Case,
    *,
    missing: list[str] | None = None,
    open_requests: int | None = None,
    oral_notice_recorded: bool | None = None,
) -> list[str]:
    """Why the case cannot be resolved now; empty when it can.

    `missing` (parties_not_notified) and `open_requests` (the count of open information
    requests) and `oral_notice_recorded` are read here unless the caller loaded them
    already (the case page).
    """
    problems = []
    if case.status != Status.NOTIFIED:
        problems.append(
            f"A case is resolved after every party is notified; this case is "
            f"“{case.get_status_display()}”."
        )
    if missing is None:
        missing = parties_not_notified(case)
    if missing and case.awaits_notice:
        problems.append(
            "Not yet notified of the current determination: " + ", ".join(missing).lower() + "."
        )
    if oral_notice_recorded is None and case.is_expedited:
        oral_notice_recorded = case.oral_notices.exists()
    if case.is_expedited and not oral_notice_recorded:
        problems.append(
            "An expedited decision needs the oral notice to the member recorded first "
            "(when, to whom, by whom, how; 42 CFR 438.408(d)(2))."
        )
    return problems + _open_request_problem(case, open_requests)


def close_problems(
    case: Case,
    *,
    missing: list[str] | None = None,
    open_requests: int | None = None,
    attached: bool | None = None,
) -> list[str]:
    """Why the case cannot be closed now; empty when it can (R-TRK-7, R-TRK-10).

    As resolve_problems; `attached`: whether the TAR attachment is confirmed.
    """
    problems = []
    if case.status != Status.RESOLVED:
        problems.append(
            f"A case is closed after it is resolved; this case is “{case.get_status_display()}”."
        )
    if missing is None:
        missing = parties_not_notified(case)
    if missing:
        problems.append("Not yet notified: " + ", ".join(missing).lower() + ".")
    if attached is None:
        attached = TarAttachment.objects.filter(case=case).exists()
    if not attached:
        problems.append("Confirm that the TAR bundle is attached to the member's TAR file first.")
    return problems + _open_request_problem(case, open_requests)


# --- services ---------------------------------------------------------------------------


@transaction.atomic
def case_resolve(*, case: Case, actor: AbstractBaseUser, note: str = "") -> CaseResolution:
    """The CMO or a Physician Designee marks the case resolved (R-TRK-7, policy VI.F.5).

    Only after every party is notified of the current determination and while no
    information request to the reviewer is open.
    """
    _require(actor, "decide_cases", "resolving a case (CMO or Physician Designee)")
    case = _lock(case)
    problems = resolve_problems(case)
    if problems:
        raise Refused(problems)
    resolution = CaseResolution(
        case=case, resolved_by=actor, resolved_at=timezone.now(), note=note.strip()
    )
    resolution._history_user = actor
    try:
        with transaction.atomic():
            resolution.save(force_insert=True)
    except IntegrityError:
        raise Refused("The case is already resolved.") from None
    case = case_transition(case=case, to=Status.RESOLVED, actor=actor)
    # The resolution ends the appeal clocks (R-DL-10, R-DL-15): judged now, so no sweep
    # warns or breaches on a case already resolved in time while it waits to be closed.
    stopped = clocks_stop(
        case=case, trigger=StopEvent.APPEAL_RESOLVED, at=resolution.resolved_at, actor=actor
    )
    judged = ", ".join(
        f"{c.explanation.get('label', c.name)} {c.get_status_display().lower()}" for c in stopped
    )
    case_event_add(
        case=case,
        kind="case_resolved",
        summary="Case resolved by the CMO or Physician Designee."
        + (f" Appeal clocks: {judged}." if judged else ""),
        actor=actor,
        data={"resolution_id": resolution.pk, "stopped_clocks": [c.pk for c in stopped]},
    )
    summary_refresh(case_ids=[case.pk])
    return resolution


def tar_bundle_build(*, case: Case, actor: AbstractBaseUser) -> TarBundle:
    """Build the TAR bundle and hand it to the UM documentation system (R-TRK-7, VI.F.6).

    The zip holds summary.pdf (events, clocks and whether met, review, determination,
    letters), every current supporting document under its neutral title, the sent
    letters, and manifest.json with each file's SHA-256. It is stored privately, so the
    download is the same bytes that were handed over. Building again makes bundle 2.
    """
    _require(actor, "work_cases", "building the TAR bundle")
    case = Case.objects.get(pk=case.pk)
    if case.status != Status.RESOLVED:
        raise Refused(
            f"The TAR bundle is built once the case is resolved; this case is "
            f"“{case.get_status_display()}”."
        )
    number = (TarBundle.objects.filter(case=case).aggregate(n=Max("number"))["n"] or 0) + 1
    summary = tar_summary_render(case=case)
    files = [("summary.pdf", summary), *_supporting_files(case)]
    manifest = [
        {"name": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        for name, data in files
    ]
    archive = io.BytesIO()
    # Stored, not deflated: PDFs and images are compressed already, and it is faster.
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as bundle:
        for name, data in files:
            bundle.writestr(zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0)), data)
        bundle.writestr("manifest.json", json.dumps(manifest, indent=2))
    data = archive.getvalue()
    name = f"TAR-{_safe(case.tar_number)}-case-{case.pk}-bundle-{number}.zip"
    storage = documents_storage()
    storage_name = storage.save(secrets.token_hex(20), ContentFile(data))
    try:
        with transaction.atomic():
            case = _lock(case)
            bundle = TarBundle(
                case=case,
                number=number,
                built_by=actor,
                built_at=timezone.now(),
                storage_name=storage_name,
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                summary_pages=len(PdfReader(io.BytesIO(summary)).pages),
                manifest=manifest,
                handed_off_to="",
            )
            bundle._history_user = actor
            try:
                with transaction.atomic():
                    bundle.save(force_insert=True)
            except IntegrityError:
                raise Refused("Someone built a TAR bundle just now; reload.") from None
            # Inside the transaction: if the hand-off fails, no bundle is recorded.
            bundle.handed_off_to = tar_system().attach(case=case, name=name, data=data)
            bundle.save(update_fields=["handed_off_to"])
            case_event_add(
                case=case,
                kind="tar_bundle_built",
                summary=f"TAR bundle {number} built ({len(files)} files, "
                f"{bundle.summary_pages}-page summary) and handed to the UM documentation "
                "system.",
                actor=actor,
                data={"tar_bundle_id": bundle.pk, "sha256": bundle.sha256},
            )
    except BaseException:
        storage.delete(storage_name)
        raise
    logger.info("TAR bundle %s of case %s built (%s bytes)", number, case.pk, len(data))
    return bundle


@transaction.atomic
def tar_attachment_confirm(
    *, case: Case, actor: AbstractBaseUser, tar_number: str
) -> TarAttachment:
    """UM staff confirm the bundle is attached to the member's TAR file (R-TRK-7).

    The TAR number typed must be the case's, so a bundle is not confirmed against the
    wrong member's file; recorded once.
    """
    _require(actor, "work_cases", "confirming the TAR attachment")
    case = _lock(case)
    problems = []
    if case.status != Status.RESOLVED:
        problems.append(
            f"The attachment is confirmed once the case is resolved; this case is "
            f"“{case.get_status_display()}”."
        )
    bundle = TarBundle.objects.filter(case=case).order_by("-number").first()
    if bundle is None:
        problems.append("Build the TAR bundle first.")
    if tar_number.strip().upper() != case.tar_number.strip().upper():
        problems.append(
            "The TAR number does not match this case's TAR number; check the member's TAR file."
        )
    if problems:
        raise Refused(problems)
    attachment = TarAttachment(
        case=case,
        bundle=bundle,
        tar_number=case.tar_number,
        confirmed_by=actor,
        confirmed_at=timezone.now(),
    )
    attachment._history_user = actor
    try:
        with transaction.atomic():
            attachment.save(force_insert=True)
    except IntegrityError:
        raise Refused("The TAR attachment is already confirmed.") from None
    case_event_add(
        case=case,
        kind="tar_attachment_confirmed",
        summary=f"TAR bundle {bundle.number} confirmed attached to TAR {case.tar_number}.",
        actor=actor,
        data={"tar_attachment_id": attachment.pk, "tar_bundle_id": bundle.pk},
    )
    return attachment


@transaction.atomic
def case_close(*, case: Case, actor: AbstractBaseUser) -> Case:
    """Close the case (R-TRK-7): resolved, every party notified, the TAR attachment
    confirmed and no open information request. The appeal clocks were already judged
    against the resolution time when the case was resolved (R-DL-10); any clock still
    running (one whose stop event never came) is cancelled, so nothing about a closed
    case is ever swept or sent (R-DL-15)."""
    _require(actor, "work_cases", "closing a case")
    case = _lock(case)
    problems = close_problems(case)
    if problems:
        raise Refused(problems)
    case = case_transition(case=case, to=Status.CLOSED, actor=actor)
    clocks_cancel(case=case, reason="case closed", actor=actor)
    case_event_add(case=case, kind="case_closed", summary="Case closed.", actor=actor)
    summary_refresh(case_ids=[case.pk])
    return case


def tar_bundle_bytes(bundle: TarBundle) -> bytes:
    with documents_storage().open(bundle.storage_name, "rb") as handle:
        return handle.read()


# --- the summary PDF --------------------------------------------------------------------


@dataclass(frozen=True)
class SummaryClock:
    label: str
    started_at: object
    due_at: object
    status: str
    stopped_at: object


def _summary_clocks(case: Case) -> list[SummaryClock]:
    """Each clock and whether it was met; a running appeal clock is judged against the
    resolution time, which is what closing will record."""
    resolution = CaseResolution.objects.filter(case=case).first()
    rows = []
    for clock in Clock.objects.filter(case=case).order_by("started_at", "pk"):
        status, stopped_at = clock.get_status_display(), clock.stopped_at
        if clock.is_running and resolution is not None:
            rule = rule_named(name=clock.name, review_type=clock.review_type)
            if rule.stops_on == StopEvent.APPEAL_RESOLVED:
                met = met_by(resolution.resolved_at, clock.due_at)
                status = (ClockStatus.MET if met else ClockStatus.MISSED).label + " (at resolution)"
                stopped_at = resolution.resolved_at
        rows.append(
            SummaryClock(
                label=str(clock.explanation.get("label", clock.name)),
                started_at=timezone.localtime(clock.started_at),
                due_at=timezone.localtime(clock.due_at),
                status=status,
                stopped_at=timezone.localtime(stopped_at) if stopped_at else None,
            )
        )
    return rows


def tar_summary_render(*, case: Case) -> bytes:
    """The case summary PDF for the TAR file. Reads only."""
    case = (
        Case.objects.select_related("member", "treating_practitioner", "owner")
        .prefetch_related("services", "diagnoses", "circumstances")
        .get(pk=case.pk)
    )
    context = {
        "case": case,
        "generated_at": timezone.localtime(),
        "events": CaseEvent.objects.filter(case=case).order_by("at", "pk"),
        "clocks": _summary_clocks(case),
        "review": Review.objects.filter(case=case).first(),
        "determinations": Determination.objects.filter(case=case, signed_at__isnull=False)
        .select_related("signed_by")
        .order_by("signed_at", "pk"),
        "current": determination_current(case),
        "letters": Letter.objects.filter(case=case).select_related("sent_by", "mailed_by"),
        "documents": case.documents.current().defer("extracted_text").order_by("uploaded_at", "pk"),
        "resolution": CaseResolution.objects.filter(case=case)
        .select_related("resolved_by")
        .first(),
    }
    html = render_to_string("cases/tar_bundle/summary.html", context)
    return pdf_render(html)


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "unknown"


def _supporting_files(case: Case) -> list[tuple[str, bytes]]:
    storage = documents_storage()
    files: list[tuple[str, bytes]] = []
    for document in case.documents.current().defer("extracted_text").order_by("uploaded_at", "pk"):
        extension = ACCEPTED_TYPES.get(document.content_type, ("", "bin"))[1]
        with storage.open(document.storage_name, "rb") as handle:
            files.append((f"documents/{_safe(document.title)}.{extension}", handle.read()))
    for letter in Letter.objects.filter(case=case).order_by("created_at", "pk"):
        with storage.open(letter.storage_name, "rb") as handle:
            files.append(
                (f"letters/letter-{letter.pk}-{letter.party}-{letter.language}.pdf", handle.read())
            )
    return files
