"""Letters to the member and the treating practitioner (R-NOT-1…5, R-TRK-6, R-TRK-10).

A letter is rendered with WeasyPrint from the active template version for its party and
language, from the current signed determination. Staff preview it (rendered on the fly,
nothing stored); sending renders it once more, checks it (letter_problems), stores the
exact PDF in private storage with its SHA-256 and hands it to the party's channel
(cases.letter_delivery). A stored letter is never regenerated: a download is the stored
bytes. When every party is notified of the current determination the case moves from
decided to notified.

Citation convention (R-TRK-10): the rationale, criteria and modification cite documents
by their neutral titles ("Clinical data 2", "Reviewer determination 1"), or any title in
square brackets ("[Second opinion]"). Each cited title must be a current document on the
case when the letter is sent.
"""

import hashlib
import io
import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.safestring import mark_safe
from pypdf import PdfReader

from cases.events import NonPersonActor, case_event_add
from cases.letter_delivery import channel_for, default_channel
from cases.models import (
    Case,
    Determination,
    Language,
    Letter,
    LetterChannel,
    LetterTemplate,
    Outcome,
    Party,
    Status,
)
from cases.models.documents import NEUTRAL_TITLES
from cases.services.case import case_transition
from cases.services.determination import determination_current
from cases.storage import documents_storage
from imr.errors import Refused
from imr.pdf import pdf_render
from imr.roles import perm
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
# The heading of the appeal-rights section in the member letter (R-NOT-2).
APPEAL_HEADINGS = {
    Language.ENGLISH: "Your right to appeal",
    Language.SPANISH: "Su derecho a apelar",
}
# Internal words a member would not know (R-NOT-5); the member letter may not use them.
MEMBER_LETTER_ACRONYMS = ("IMR", "IMRO", "UM", "CPT", "HCPCS", "ICD", "TAR", "CMO", "QUAC", "NPI")
# How long a practitioner's secure download link works.
LINK_DAYS = 30

_BRACKETED = re.compile(r"\[([^\[\]\n]{1,200})\]")
_NEUTRAL = re.compile(
    r"\b(" + "|".join(re.escape(t) for t in NEUTRAL_TITLES.values()) + r")\s+(\d{1,4})\b",
    re.IGNORECASE,
)


@dataclass
class RenderedLetter:
    """A letter rendered for preview or sending, with what the pre-send checks found."""

    case: Case
    determination: Determination
    party: str
    language: str
    template: LetterTemplate
    pdf: bytes
    text: str
    page_count: int
    problems: list[str] = field(default_factory=list)


def letter_language(case: Case, party: str) -> str:
    """The member's language for the member; English for the practitioner's office."""
    return case.member.language if party == Party.MEMBER else Language.ENGLISH


def appeal_rights_apply(*, case: Case, determination: Determination) -> bool:
    """Whether the member letter must explain appeal rights (R-NOT-2, policy VI.G.4).

    The plan's determination upholds a denial, delay or modification whenever its outcome
    is deny or modify: the member does not get what was asked. The basis must be medical
    necessity or the experimental/investigational nature of the request; a case that
    reached review on a benefit exclusion is eligible only when experimental (VI.C), so
    every eligible case qualifies, and this only excludes a benefit exclusion that is not.
    """
    if determination.outcome not in (Outcome.DENY, Outcome.MODIFY):
        return False
    return case.experimental_investigational or not case.benefit_exclusion


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
    *, case: Case, party: str, determination: Determination | None = None
) -> RenderedLetter:
    """Render the letter for `party` from the current signed determination and check it.

    Reads only. Raises ValidationError when there is nothing to render (no signed
    determination, no review, no active template); other problems are listed on the
    result so a preview can show them.
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
    language = letter_language(case, party)
    template = LetterTemplate.objects.active().filter(party=party, language=language).first()
    if template is None:
        raise Refused(
            f"There is no active {Party(party).label.lower()} letter template in "
            f"{Language(language).label}; an Administrator activates one."
        )
    context = _context(case=case, determination=determination, review=review, language=language)
    with translation.override(language):
        body = Template(template.body).render(Context(context))
        html = render_to_string(
            "cases/letters/letter.html",
            {**context, "body": mark_safe(body), "party": party},  # noqa: S308 (autoescaped)
        )
    pdf = pdf_render(html)
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    rendered = RenderedLetter(
        case=case,
        determination=determination,
        party=party,
        language=language,
        template=template,
        pdf=pdf,
        text=text,
        page_count=len(reader.pages),
    )
    rendered.problems = letter_problems(rendered, review=review, context=context)
    return rendered


def _context(
    *, case: Case, determination: Determination, review: Review, language: str
) -> dict[str, object]:
    member = case.member
    practitioner = case.treating_practitioner
    signer = determination.signed_by
    return {
        "plan_name": getattr(settings, "PLAN_NAME", "Partnership HealthPlan of California"),
        "plan_phone": getattr(settings, "PLAN_MEMBER_SERVICES_PHONE", ""),
        "today": timezone.localdate(),
        "reference": case.tar_number,
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
        "services_with_codes": [
            f"{s.description} ({s.get_code_system_display()} {s.code})" for s in case.services.all()
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
        "appeal_rights": appeal_rights_apply(case=case, determination=determination),
    }


def _normalized(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _date_text(value: date, language: str) -> str:
    with translation.override(language):
        return formats.date_format(value, "DATE_FORMAT")


def letter_problems(
    rendered: RenderedLetter, *, review: Review, context: dict[str, object]
) -> list[str]:
    """Why this letter may not be sent; empty when it may (R-TRK-10, R-NOT-1, R-NOT-5).

    The rendered text is checked against the signed determination (outcome, services,
    dates), so a template version that drops or hard-codes any of them is caught.
    """
    case, determination, language = rendered.case, rendered.determination, rendered.language
    text = _normalized(rendered.text)
    party_label = Party(rendered.party).label.lower()
    problems: list[str] = []
    if not determination.is_signed:
        problems.append("The determination is not signed.")
    current = determination_current(case)
    if current is None or current.pk != determination.pk:
        problems.append("The determination changed since this letter was prepared; preview again.")
    labels = OUTCOME_LABELS[language]
    expected = labels[determination.outcome]
    if expected not in text:
        problems.append(f"The {party_label} letter does not state the signed outcome ({expected}).")
    wrong = [
        label
        for outcome, label in labels.items()
        if outcome != determination.outcome and label in text
    ]
    if wrong:
        problems.append(
            f"The {party_label} letter states another outcome ({', '.join(wrong)}) than the "
            f"signed determination ({expected})."
        )
    for service in case.services.all():
        if _normalized(service.description) not in text:
            problems.append(
                f"The {party_label} letter does not name the service “{service.description}”."
            )
    dates = {
        "the date the determination was signed": context["determination"]["signed_on"],
        "the date the reviewer's determination was received": context["review"]["received_on"],
    }
    for what, value in dates.items():
        if value is not None and _date_text(value, language) not in text:
            problems.append(
                f"The {party_label} letter does not give {what} ({_date_text(value, language)})."
            )
    if _normalized(review.reviewer_qualifications) not in text:
        problems.append(
            f"The {party_label} letter does not describe the reviewer's qualifications."
        )
    problems += _citation_problems(case, determination)
    if rendered.party == Party.MEMBER:
        problems += _member_letter_problems(
            rendered, text=text, appeal=bool(context["appeal_rights"])
        )
    return problems


def _citation_problems(case: Case, determination: Determination) -> list[str]:
    titles = {t.lower() for t in case.documents.current().values_list("title", flat=True)}
    return [
        f"The rationale cites “{title}”, which is not a current document on the case; "
        "upload it or correct the citation with an amendment."
        for title in cited_titles(determination)
        if title.lower() not in titles
    ]


def _member_letter_problems(rendered: RenderedLetter, *, text: str, appeal: bool) -> list[str]:
    problems = []
    case = rendered.case
    codes = [s.code for s in case.services.all()]
    for diagnosis in case.diagnoses.all():
        codes += [diagnosis.code, diagnosis.code.replace(".", "")]
    for code in dict.fromkeys(codes):
        if re.search(rf"(?<![\w.]){re.escape(code)}(?![\w])", text, re.IGNORECASE):
            problems.append(
                f"The member letter shows the code {code}; describe the service or condition "
                "in words instead (R-NOT-5)."
            )
    # The reference number is printed as the plan writes it ("TAR-000123"): not a word.
    words = text.replace(case.tar_number, " ") if case.tar_number else text
    for acronym in MEMBER_LETTER_ACRONYMS:
        if re.search(rf"\b{acronym}\b", words):
            problems.append(
                f"The member letter uses “{acronym}”, which a member may not know; spell it out."
            )
    heading = APPEAL_HEADINGS[rendered.language]
    if appeal and heading not in text:
        problems.append(
            "The determination upholds a denial, delay or modification, but the member letter "
            "does not explain the appeal rights (R-NOT-2)."
        )
    if not appeal and heading in text:
        problems.append(
            "The member letter explains appeal rights, but the determination approves the request."
        )
    member = case.member
    if not (member.address_line1.strip() and member.city.strip() and member.postal_code.strip()):
        problems.append("The member's mailing address is incomplete.")
    return problems


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
    )
    letter._history_user = actor
    try:
        with transaction.atomic():
            letter.save(force_insert=True)
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
        f"template v{rendered.template.version}) {how}.",
        actor=actor,
        data={
            "letter_id": letter.pk,
            "party": letter.party,
            "channel": channel,
            "determination_id": rendered.determination.pk,
            "sha256": letter.sha256,
        },
    )
    _advance_if_notified(case=case, actor=actor)
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
