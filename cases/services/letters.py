"""Letters to the member and the treating practitioner (R-NOT-1…13, R-TRK-6, R-TRK-10).

A letter is rendered with WeasyPrint from the active template version for its party and
language, from the current signed determination, as its notice type (notices.py), with
the texts staff confirmed (notice_texts.py) and, for the member, the active inserts in
the same PDF. Staff preview it (rendered on the fly, nothing stored); sending renders it
once more, runs the named pre-send check (letter_checks.py), stores the exact PDF in
private storage with its SHA-256, the checks, the notice type, the reading grade and the
inserts, and hands it to the party's channel (cases.letter_delivery). A stored letter is
never regenerated: a download is the stored bytes. When every party is notified of the
current determination the case moves from decided to notified.

Citation convention (R-TRK-10): the rationale, criteria and modification cite documents
by their neutral titles ("Clinical data 2", "Reviewer determination 1"), or any title in
square brackets ("[Second opinion]"). Each cited title must be a current document on the
case when the letter is sent.
"""

import hashlib
import io
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from pypdf import PdfReader

from cases.events import NonPersonActor, case_event_add
from cases.letter_delivery import channel_for, default_channel
from cases.models import (
    Case,
    Determination,
    InsertKind,
    Language,
    Letter,
    LetterChannel,
    LetterInsert,
    LetterTemplate,
    NoticeText,
    Outcome,
    Party,
    Status,
)
from cases.models.documents import NEUTRAL_TITLES
from cases.services.case import case_transition
from cases.services.determination import determination_current
from cases.services.letter_checks import Check, letter_checks
from cases.services.notice_texts import FIELD_LABELS, notice_text_suggestions
from cases.services.notices import (
    NoticeType,
    ReadingGrade,
    adverse_decision,
    notice_type_for,
    plan_contacts,
    reading_grade,
)
from cases.storage import documents_storage
from imr.errors import Refused
from imr.pdf import pdf_render
from imr.roles import perm
from reports.summary import summary_refresh
from reviewers.models import Review

# The decision line of every letter, by language: distinct words so that a letter that
# says the wrong outcome is caught by looking for the others (R-TRK-10).
OUTCOME_LABELS: dict[str, dict[str, str]] = {
    Language.ENGLISH: {
        Outcome.APPROVE: "APPROVED",
        Outcome.DENY: "DENIED",
        Outcome.MODIFY: "MODIFIED",
    },
    Language.SPANISH: {
        Outcome.APPROVE: "APROBADO",
        Outcome.DENY: "NEGADO",
        Outcome.MODIFY: "MODIFICADO",
    },
}
# How long a practitioner's secure download link works.
LINK_DAYS = 30

_BRACKETED = re.compile(r"\[([^\[\]\n]{1,200})\]")
_NEUTRAL = re.compile(
    r"\b(" + "|".join(re.escape(t) for t in NEUTRAL_TITLES.values()) + r")\s+(\d{1,4})\b",
    re.IGNORECASE,
)


@dataclass
class RenderedLetter:
    """A letter rendered for preview or sending, with its pre-send check (R-NOT-13)."""

    case: Case
    determination: Determination
    party: str
    language: str
    template: LetterTemplate
    notice: NoticeType
    pdf: bytes
    text: str
    page_count: int
    inserts: list[LetterInsert] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    reading: ReadingGrade | None = None

    @property
    def problems(self) -> list[str]:
        """Why this letter may not be sent; empty when it may."""
        return [check.detail for check in self.checks if not check.ok]

    def checks_data(self) -> list[dict[str, object]]:
        return [check.as_dict() for check in self.checks]


def letter_language(case: Case, party: str) -> str:
    """The member's language for the member; English for the practitioner's office."""
    return case.member.language if party == Party.MEMBER else Language.ENGLISH


# The plan's determination upholds a denial, delay or modification (R-NOT-2).
appeal_rights_apply = adverse_decision


def cited_titles(determination: Determination) -> list[str]:
    """The document titles the determination's text cites, in order, without repeats."""
    text = "\n".join(
        (determination.rationale, determination.criteria_used, determination.modification)
    )
    found: list[str] = []
    for match in _NEUTRAL.finditer(text):
        kind = next(t for t in NEUTRAL_TITLES.values() if t.lower() == match.group(1).lower())
        found.append(f"{kind} {int(match.group(2))}")
    found += [" ".join(m.group(1).split()) for m in _BRACKETED.finditer(text)]
    return list(dict.fromkeys(found))


def letter_render(
    *,
    case: Case,
    party: str,
    determination: Determination | None = None,
    language: str | None = None,
) -> RenderedLetter:
    """Render the letter for `party` from the current signed determination and check it.

    Reads only. Refused when there is nothing to render (no signed determination, no
    review, no active template); every other problem is a failing check on the result,
    so the preview can show it. The member letter and its inserts are one PDF.
    `language` overrides the party's language (Compliance reviewing a template).
    """
    if party not in Party.values:
        raise Refused("Choose the member or the treating practitioner.")
    case = (
        Case.objects.select_related("member", "treating_practitioner")
        .prefetch_related("services", "diagnoses")
        .get(pk=case.pk)
    )
    determination = determination or determination_current(case)
    if determination is None:
        raise Refused("There is no signed coverage determination to write about yet.")
    review = Review.objects.filter(case=case).first()
    if review is None:
        raise Refused("The reviewer's determination is not recorded on this case.")
    language = language or letter_language(case, party)
    template = LetterTemplate.objects.active().filter(party=party, language=language).first()
    if template is None:
        raise Refused(
            f"There is no active {Party(party).label.lower()} letter template in "
            f"{Language(language).label}; an Administrator activates one."
        )
    notice = notice_type_for(case=case, determination=determination)
    notice_text = NoticeText.objects.filter(case=case).first()
    texts, missing_spanish = _texts(
        case=case,
        determination=determination,
        review=review,
        notice_text=notice_text,
        language=language,
        for_member=party == Party.MEMBER,
    )
    context = _context(
        case=case,
        determination=determination,
        review=review,
        language=language,
        notice=notice,
        texts=texts,
    )
    inserts = _inserts(party=party, language=language, notice=notice)
    with translation.override(language):
        body = Template(template.body).render(Context(context))
        pages = [Template(i.body).render(Context(context)) for i in inserts.values()]
        html = render_to_string(
            "cases/letters/letter.html",
            {
                **context,
                "body": mark_safe(body),  # noqa: S308 (autoescaped)
                "inserts": [mark_safe(page) for page in pages],  # noqa: S308 (autoescaped)
                "party": party,
            },
        )
    pdf = pdf_render(html)
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    names = (
        case.member.full_name,
        str(context["determination"]["signer_name"]),
        settings.PLAN_NAME,
        case.tar_number,
    )
    reading = reading_grade(body, language, names=names) if party == Party.MEMBER else None
    rendered = RenderedLetter(
        case=case,
        determination=determination,
        party=party,
        language=language,
        template=template,
        notice=notice,
        pdf=pdf,
        text=text,
        page_count=len(reader.pages),
        inserts=list(inserts.values()),
        reading=reading,
    )
    rendered.checks = letter_checks(
        case=case,
        determination=determination,
        current=determination_current(case),
        party=party,
        language=language,
        notice=notice,
        text=text,
        body_html=body,
        context=context,
        notice_text=notice_text,
        missing_spanish=missing_spanish,
        inserts=inserts,
        citation_problems=_citation_problems(case, determination),
        reading=reading,
    )
    return rendered


def _inserts(*, party: str, language: str, notice: NoticeType) -> dict[str, LetterInsert]:
    """The active inserts printed after a member letter (R-NOT-7, R-NOT-8), by kind."""
    if party != Party.MEMBER:
        return {}
    wanted = {InsertKind.NONDISCRIMINATION: language, InsertKind.TAGLINES: ""}
    if notice.adverse:
        wanted = {InsertKind.RIGHTS: language, **wanted}
    found = {
        (i.kind, i.language): i for i in LetterInsert.objects.active().filter(kind__in=list(wanted))
    }
    return {kind: found[(kind, lang)] for kind, lang in wanted.items() if (kind, lang) in found}


# A member does not know the case's internal document titles (R-NOT-9): a citation in
# the CMO's text is printed as what the document is to them.
MEMBER_TITLE_WORDS: dict[str, dict[str, str]] = {
    Language.ENGLISH: {
        "Relevant information": "the information sent with the request",
        "Practitioner submission": "the letter from your doctor",
        "Medical history": "your medical history",
        "Clinical data": "your medical records",
        "Physician certification": "your doctor's certification",
        "Physician recommendation": "your doctor's recommendation",
        "Reviewer determination": "the reviewer's report",
        "Supporting document": "the records we used",
        "": "the records we used",
    },
    Language.SPANISH: {
        "Relevant information": "la información enviada con el pedido",
        "Practitioner submission": "la carta de su médico",
        "Medical history": "su historial médico",
        "Clinical data": "sus expedientes médicos",
        "Physician certification": "la certificación de su médico",
        "Physician recommendation": "la recomendación de su médico",
        "Reviewer determination": "el informe del revisor",
        "Supporting document": "los papeles que usamos",
        "": "los papeles que usamos",
    },
}


def member_wording(text: str, language: str) -> str:
    """The CMO's or reviewer's text with document citations in the member's words."""
    words = MEMBER_TITLE_WORDS[language]

    def neutral(match: re.Match) -> str:
        kind = next(t for t in NEUTRAL_TITLES.values() if t.lower() == match.group(1).lower())
        return words[kind]

    return _BRACKETED.sub(words[""], _NEUTRAL.sub(neutral, text))


def _texts(
    *,
    case: Case,
    determination: Determination,
    review: Review,
    notice_text: NoticeText | None,
    language: str,
    for_member: bool,
) -> tuple[dict[str, object], list[str]]:
    """The case texts the letter prints in its language, and the Spanish ones missing.

    Until staff confirm them, the English analysis and condition are the suggestions
    (the review's rationale, the ICD-10-CM titles lowercased) so a preview shows where
    they go; the pre-send check refuses them unconfirmed. A missing Spanish text prints
    its English version, which the check also refuses (R-NOT-9).
    """
    suggestions = notice_text_suggestions(case)
    nt = notice_text or NoticeText()
    services = [s.description for s in case.services.all()]
    english = {
        "services": services,
        "condition": nt.condition_en or suggestions["condition_en"],
        "qualifications": review.reviewer_qualifications,
        "analysis": nt.analysis_en or suggestions["analysis_en"],
        "rationale": determination.rationale,
        "criteria": determination.criteria_used,
        "modification": determination.modification,
    }
    missing: list[str] = []
    texts = dict(english)
    if language == Language.SPANISH:
        lines = [line.strip() for line in nt.services_es.splitlines() if line.strip()]
        if len(lines) == len(services):
            texts["services"] = lines
        else:
            missing.append(FIELD_LABELS["services_es"])
        spanish = {
            "condition": ("condition_es", bool(case.diagnoses.exists())),
            "qualifications": ("qualifications_es", True),
            "analysis": ("analysis_es", True),
            "rationale": ("rationale_es", True),
            "criteria": ("criteria_es", bool(determination.criteria_used.strip())),
            "modification": ("modification_es", bool(determination.modification.strip())),
        }
        for key, (name, needed) in spanish.items():
            value = getattr(nt, name).strip()
            if value:
                texts[key] = value
            elif needed:
                missing.append(FIELD_LABELS[name])
    if for_member:
        for key in ("analysis", "rationale", "criteria", "modification"):
            texts[key] = member_wording(str(texts[key]), language)
    return texts, missing


LETTERHEADS = {
    Language.ENGLISH: "Utilization Management",
    Language.SPANISH: "Revisión de Servicios",
}


def _context(
    *,
    case: Case,
    determination: Determination,
    review: Review,
    language: str,
    notice: NoticeType,
    texts: dict[str, object],
) -> dict[str, object]:
    member = case.member
    practitioner = case.treating_practitioner
    signer = determination.signed_by
    contacts = plan_contacts(language)
    return {
        "plan_name": settings.PLAN_NAME,
        "plan_phone": contacts["phone"],
        "letterhead": LETTERHEADS[language],
        "today": timezone.localdate(),
        "reference": case.tar_number,
        "notice": notice.as_context(),
        "contacts": contacts,
        "threshold_languages": list(settings.PLAN_THRESHOLD_LANGUAGES),
        "texts": texts,
        "outcome_labels": OUTCOME_LABELS[language],
        "member": {
            "full_name": member.full_name,
            "address_line1": member.address_line1,
            "address_line2": member.address_line2,
            "city": member.city,
            "state": member.state,
            "postal_code": member.postal_code,
            "date_of_birth": member.date_of_birth,
            "cin": member.cin,
        },
        "practitioner": {"name": practitioner.name, "address": practitioner.address},
        "request_received_on": timezone.localdate(case.received_at_plan),
        "services": [s.description for s in case.services.all()],
        # In the letter's language (the Spanish lines staff entered), with the codes.
        "services_with_codes": [
            f"{text} ({s.get_code_system_display()} {s.code})"
            for text, s in zip(texts["services"], case.services.all(), strict=False)
        ],
        "conditions": [d.description for d in case.diagnoses.all()],
        "conditions_with_codes": [f"{d.description} ({d.code})" for d in case.diagnoses.all()],
        "review": {
            "received_on": timezone.localdate(review.received_at),
            "qualifications": review.reviewer_qualifications,
            "recommendation": review.recommendation,
        },
        "determination": {
            "outcome": determination.outcome,
            "outcome_label": OUTCOME_LABELS[language][determination.outcome],
            "rationale": determination.rationale,
            "criteria_used": determination.criteria_used,
            "modification": determination.modification,
            "follows_reviewer": determination.follows_imro,
            "signed_on": timezone.localdate(determination.signed_at)
            if determination.signed_at
            else None,
            "signer_name": (signer.get_full_name() or signer.get_username()) if signer else "",
            "is_amendment": determination.amends_id is not None,
            "amendment_reason": determination.amendment_reason,
        },
        "appeal_rights": notice.adverse,
    }


def letter_check_report(rendered: RenderedLetter) -> dict[str, object]:
    """The pre-send check as the preview, the API and `manage.py letter_preview` show it:
    {"notice_type", "notice_label", "checks": [{"name", "ok", "detail"}], "reading_grade"}."""
    return {
        "notice_type": rendered.notice.code,
        "notice_label": rendered.notice.label,
        "checks": rendered.checks_data(),
        "reading_grade": float(rendered.reading.grade) if rendered.reading else None,
    }


def letter_problems(rendered: RenderedLetter) -> list[str]:
    """Why this letter may not be sent; empty when it may (R-NOT-13)."""
    return rendered.problems


def _citation_problems(case: Case, determination: Determination) -> list[str]:
    titles = {t.lower() for t in case.documents.current().values_list("title", flat=True)}
    return [
        f"The rationale cites “{title}”, which is not a current document on the case; "
        "upload it or correct the citation with an amendment."
        for title in cited_titles(determination)
        if title.lower() not in titles
    ]


def _require_worker(actor: AbstractBaseUser) -> None:
    if not actor.has_perm(perm("work_cases")):
        raise PermissionDenied("Your role does not allow sending letters.")


def letter_send(
    *,
    case: Case,
    party: str,
    actor: AbstractBaseUser,
    determination_id: int | None = None,
    channel: str | None = None,
) -> Letter:
    """Check, store and send one party's letter (R-NOT-3, R-TRK-6, R-TRK-10).

    `determination_id` is the one the sender previewed: if it is no longer the current
    one the send is refused. Refused with every problem found, storing nothing. The
    stored PDF is the one sent; it is never rendered again.
    """
    _require_worker(actor)
    case = Case.objects.get(pk=case.pk)
    if not case.awaits_notice:
        raise Refused(
            f"Letters are sent after the determination is signed; this case is "
            f"“{case.get_status_display()}”."
        )
    rendered = letter_render(case=case, party=party)
    problems = list(rendered.problems)
    if determination_id is not None and determination_id != rendered.determination.pk:
        problems.insert(0, "The determination changed since your preview; preview again.")
    channel = channel or default_channel(case=rendered.case, party=party)
    deliverer = channel_for(channel)
    problems += deliverer.problems(case=rendered.case, party=party)
    if Letter.objects.filter(determination=rendered.determination, party=party).exists():
        problems.append(
            f"The {Party(party).label.lower()} letter for this determination was already sent."
        )
    if problems:
        raise Refused(problems)
    storage = documents_storage()
    storage_name = storage.save(secrets.token_hex(20), ContentFile(rendered.pdf))
    token = secrets.token_urlsafe(32) if channel == LetterChannel.EMAIL else ""
    try:
        letter = _letter_store(
            rendered=rendered, storage_name=storage_name, actor=actor, channel=channel, token=token
        )
    except BaseException:
        storage.delete(storage_name)
        raise
    transaction.on_commit(lambda: deliverer.deliver(letter=letter, token=token), robust=False)
    return letter


@transaction.atomic
def _letter_store(
    *,
    rendered: RenderedLetter,
    storage_name: str,
    actor: AbstractBaseUser,
    channel: str,
    token: str,
) -> Letter:
    case = Case.objects.select_for_update().get(pk=rendered.case.pk)
    now = timezone.now()
    letter = Letter(
        case=case,
        determination=rendered.determination,
        party=rendered.party,
        language=rendered.language,
        template=rendered.template,
        storage_name=storage_name,
        sha256=hashlib.sha256(rendered.pdf).hexdigest(),
        size=len(rendered.pdf),
        page_count=rendered.page_count,
        created_by=actor,
        created_at=now,
        channel=channel,
        sent_at=now,
        sent_by=actor,
        link_token_hash=hashlib.sha256(token.encode()).hexdigest() if token else "",
        link_expires_at=now + timedelta(days=LINK_DAYS) if token else None,
        notice_type=rendered.notice.code,
        checks=rendered.checks_data(),
        reading_grade=rendered.reading.grade if rendered.reading else None,
    )
    letter._history_user = actor
    try:
        with transaction.atomic():
            letter.save(force_insert=True)
            letter.inserts.set(rendered.inserts)
    except IntegrityError:
        raise Refused(
            f"The {letter.get_party_display().lower()} letter for this determination was "
            "already sent."
        ) from None
    how = (
        "placed in the print-and-mail queue"
        if channel == LetterChannel.MAIL
        else "e-mailed as a secure link"
    )
    case_event_add(
        case=case,
        kind="letter_sent",
        summary=f"{letter.get_party_display()} letter ({Language(letter.language).label}, "
        f"template v{rendered.template.version}, {rendered.notice.label}) {how}.",
        actor=actor,
        data={
            "letter_id": letter.pk,
            "party": letter.party,
            "channel": channel,
            "determination_id": rendered.determination.pk,
            "sha256": letter.sha256,
            "notice_type": rendered.notice.code,
            "inserts": [f"{i.kind}:{i.language or 'all'}:v{i.version}" for i in rendered.inserts],
        },
    )
    _advance_if_notified(case=case, actor=actor)
    summary_refresh(case_ids=[case.pk])
    return letter


@transaction.atomic
def letter_mailed_confirm(*, letter: Letter, actor: AbstractBaseUser) -> Letter:
    """UM staff confirm a queued letter went into the post (R-TRK-6); once only."""
    _require_worker(actor)
    case = Case.objects.select_for_update().get(pk=letter.case_id)
    if letter.channel != LetterChannel.MAIL:
        raise Refused("This letter was e-mailed, not queued for mail.")
    updated = Letter.objects.filter(pk=letter.pk, mailed_at=None).update(
        mailed_at=timezone.now(), mailed_by=actor
    )
    if updated != 1:
        raise Refused("This letter is already marked as mailed.")
    letter.refresh_from_db()
    letter._history_user = actor
    letter.save(update_fields=["mailed_at", "mailed_by"])
    case_event_add(
        case=case,
        kind="letter_mailed",
        summary=f"{letter.get_party_display()} letter marked as mailed.",
        actor=actor,
        data={"letter_id": letter.pk, "party": letter.party, "channel": letter.channel},
    )
    _advance_if_notified(case=case, actor=actor)
    return letter


def parties_not_notified(case: Case) -> list[str]:
    """The parties not yet notified of the current determination, by label."""
    current = determination_current(case)
    if current is None:
        return parties_missing(current=None, letters=[])
    return parties_missing(current=current, letters=Letter.objects.filter(determination=current))


def parties_missing(*, current: Determination | None, letters: Iterable[Letter]) -> list[str]:
    """parties_not_notified from rows already loaded: the current determination (None
    when nothing is signed) and the case's letters (those of other determinations are
    ignored)."""
    if current is None:
        return [label for _, label in Party.choices]
    letters = {letter.party: letter for letter in letters if letter.determination_id == current.pk}
    return [
        label
        for party, label in Party.choices
        if party not in letters or letters[party].notified_at is None
    ]


def _advance_if_notified(*, case: Case, actor: AbstractBaseUser) -> None:
    if case.status == Status.DECIDED and not parties_not_notified(case):
        case_transition(case=case, to=Status.NOTIFIED, actor=actor)


def letter_pdf(letter: Letter) -> bytes:
    """The stored bytes of a sent letter, exactly as sent."""
    with documents_storage().open(letter.storage_name, "rb") as handle:
        return handle.read()


def letter_for_link(*, token: str) -> Letter | None:
    """The e-mailed letter a secure link names, if the link still works."""
    if not token:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    letter = (
        Letter.objects.select_related("case__treating_practitioner")
        .filter(link_token_hash=digest, channel=LetterChannel.EMAIL)
        .first()
    )
    if letter is None or letter.link_expires_at is None or letter.link_expires_at < timezone.now():
        return None
    if letter.link_failures >= 5:
        return None
    return letter


@transaction.atomic
def letter_link_open(*, letter: Letter, npi: str) -> bool:
    """The practitioner's office opens the link by giving the practitioner's NPI.

    Five wrong answers disable the link (staff send the letter by mail instead). A
    successful download is recorded on the case; nothing about the member is logged.
    """
    expected = letter.case.treating_practitioner.npi
    if not expected or not secrets.compare_digest(npi.strip(), expected):
        Letter.objects.filter(pk=letter.pk).update(link_failures=F("link_failures") + 1)
        return False
    case_event_add(
        case=letter.case,
        kind="letter_downloaded",
        summary="The practitioner's office downloaded the letter through the secure link.",
        actor_name=NonPersonActor.PRACTITIONER_LINK,
        data={"letter_id": letter.pk},
    )
    return True
