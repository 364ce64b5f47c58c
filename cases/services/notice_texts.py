"""The case texts letters print, as UM staff confirm them (R-NOT-6, R-NOT-9, R-NOT-12).

Staff enter the texts themselves: the reviewer's analysis in plain words (the written
review's rationale is offered as the starting suggestion), the condition in plain words
(the ICD-10-CM title is only a suggestion) and the Spanish version of every text a
Spanish letter prints. Nothing is machine-translated. Saving is the confirmation: who
and when is kept, and every change stays in the history.

The oral notice of an expedited decision (438.408(d)(2)) is recorded here too.
"""

from dataclasses import dataclass, fields
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from cases.events import case_event_add
from cases.models import Case, NoticeText, OralNotice, OralNoticeMethod
from cases.services.determination import determination_current
from imr.errors import Refused
from imr.roles import perm
from reviewers.models import Review


@dataclass
class NoticeTextInput:
    analysis_en: str = ""
    analysis_es: str = ""
    condition_en: str = ""
    condition_es: str = ""
    services_es: str = ""
    qualifications_es: str = ""
    rationale_es: str = ""
    criteria_es: str = ""
    modification_es: str = ""


FIELD_LABELS = {
    "analysis_en": "the reviewer's analysis in plain words (English)",
    "analysis_es": "the reviewer's analysis (Spanish)",
    "condition_en": "the condition in plain words (English)",
    "condition_es": "the condition (Spanish)",
    "services_es": "the requested services, one a line (Spanish)",
    "qualifications_es": "the reviewer's qualifications (Spanish)",
    "rationale_es": "the reasons for the decision (Spanish)",
    "criteria_es": "what was used to decide (Spanish)",
    "modification_es": "what was approved (Spanish)",
}


def notice_text_suggestions(case: Case, *, review: Review | None = None) -> dict[str, str]:
    """Starting points staff may take or rewrite: the review's rationale for the analysis,
    the ICD-10-CM titles (lowercased) for the condition. Never printed unconfirmed.
    `review`: the case's review if the caller has read it (the case page)."""
    if review is None:
        review = Review.objects.filter(case=case).first()
    return {
        "analysis_en": review.rationale if review else "",
        "condition_en": "; ".join(d.description.lower() for d in case.diagnoses.all()),
    }


def notice_text_save(*, case: Case, actor: AbstractBaseUser, texts: NoticeTextInput) -> NoticeText:
    """Save and confirm the letter texts of a case (R-NOT-6, R-NOT-9).

    The English analysis is required: a letter without the reviewer's analysis is not
    the "analysis and determination" VI.G.4 asks for. Spanish texts may be left for
    later; a Spanish letter is refused until the ones it prints are there.
    """
    if not actor.has_perm(perm("work_cases")):
        raise PermissionDenied("Your role does not allow editing letter texts.")
    values = {f.name: getattr(texts, f.name).strip() for f in fields(texts)}
    if not values["analysis_en"]:
        raise Refused({"analysis_en": ["Enter the reviewer's analysis in plain words."]})
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        notice_text = NoticeText.objects.filter(case=case).first() or NoticeText(case=case)
        first = notice_text.pk is None
        changed = [name for name, value in values.items() if getattr(notice_text, name) != value]
        for name, value in values.items():
            setattr(notice_text, name, value)
        notice_text.confirmed_by = actor
        notice_text.confirmed_at = timezone.now()
        notice_text.confirmed_for = determination_current(case)
        notice_text._history_user = actor
        notice_text.save()
        case_event_add(
            case=case,
            kind="letter_texts_confirmed",
            summary="Letter texts confirmed"
            + ("." if first else f" again ({len(changed)} changed)."),
            actor=actor,
            data={"changed": changed},
        )
    return notice_text


@transaction.atomic
def oral_notice_record(
    *, case: Case, actor: AbstractBaseUser, given_at: datetime, given_to: str, method: str
) -> OralNotice:
    """Record the oral notice of an expedited decision (R-NOT-12, 42 CFR 438.408(d)(2)):
    when, to whom, by whom (the staff member recording it) and how."""
    if not actor.has_perm(perm("work_cases")):
        raise PermissionDenied("Your role does not allow recording an oral notice.")
    problems: dict[str, list[str]] = {}
    if not given_to.strip():
        problems["given_to"] = ["Say who was told (the member or their representative)."]
    if method not in OralNoticeMethod.values:
        problems["method"] = ["Choose how the member was told."]
    if given_at > timezone.now():
        problems["given_at"] = ["The oral notice cannot be in the future."]
    if problems:
        raise Refused(problems)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_expedited:
        raise Refused("An oral notice is recorded for expedited cases only.")
    if not case.determinations.filter(signed_at__isnull=False).exists():
        raise Refused("Record the oral notice after the determination is signed.")
    now = timezone.now()
    notice = OralNotice.objects.create(
        case=case,
        given_at=given_at,
        given_to=given_to.strip(),
        given_by=actor,
        method=method,
        recorded_at=now,
    )
    case_event_add(
        case=case,
        kind="oral_notice",
        summary=f"Oral notice of the decision given {OralNoticeMethod(method).label.lower()} "
        f"on {timezone.localtime(given_at):%Y-%m-%d %H:%M %Z}.",
        actor=actor,
        data={"oral_notice_id": notice.pk, "method": method},
    )
    return notice
