"""What a notice must say, chosen from the case (R-NOT-7, R-NOT-8, R-NOT-10).

The notice type follows the case's origin (an appeal under VI.B.3 or not), the signed
outcome and the review type; the plan's contacts are settings; the reading grade is
measured with textstat. Pure reads: letters.letter_render puts them together.
"""

import re
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from textstat.textstat import textstatistics

from cases.models import Case, Circumstance, Determination, Language, Origin, Outcome, ReviewType

# The VI.B circumstances that mean the plan already denied, modified or delayed the
# request before the review; an experimental request (VI.B.2) has no prior denial.
PRIOR_DENIAL_CIRCUMSTANCES = {
    Circumstance.APPEAL,
    Circumstance.EXPERIMENTAL_DENIAL_SERIOUS,
    Circumstance.MEDICAL_NECESSITY,
}

NOTICE_LABELS = {
    "appeal_upheld": "Notice of Appeal Resolution: denial upheld",
    "appeal_modified": "Notice of Appeal Resolution: modification upheld",
    "appeal_overturned": "Notice of Appeal Resolution: approved",
    "denial": "Notice of decision: denial upheld",
    "modification": "Notice of decision: approved with changes",
    "approval": "Notice of decision: approved",
}


@dataclass(frozen=True)
class NoticeType:
    """Which notice a case's letters are (R-NOT-7)."""

    code: str
    appeal: bool  # the case is an appeal (VI.B.3): a Notice of Appeal Resolution
    adverse: bool  # the member does not get all that was asked: rights follow
    prior_denial: bool  # the plan denied, modified or delayed before the review
    expedited: bool
    retrospective: bool

    @property
    def label(self) -> str:
        label = NOTICE_LABELS[self.code]
        if self.expedited:
            return f"{label} (expedited)"
        if self.retrospective:
            return f"{label} (retrospective)"
        return label

    def as_context(self) -> dict[str, object]:
        return {**asdict(self), "label": self.label}


def adverse_decision(*, case: Case, determination: Determination) -> bool:
    """Whether the member letter must explain appeal or hearing rights (R-NOT-2, VI.G.4).

    The member does not get what was asked whenever the outcome is deny or modify. A
    case that reached review on a benefit exclusion is eligible only when experimental
    (VI.C), so this only excludes a benefit exclusion that is not.
    """
    if determination.outcome not in (Outcome.DENY, Outcome.MODIFY):
        return False
    return case.experimental_investigational or not case.benefit_exclusion


def notice_type_for(*, case: Case, determination: Determination) -> NoticeType:
    """The notice type of the case's letters: appeal or not, outcome, review type."""
    appeal = case.origin == Origin.APPEAL
    outcome = {
        Outcome.DENY: "upheld" if appeal else "denial",
        Outcome.MODIFY: "modified" if appeal else "modification",
        Outcome.APPROVE: "overturned" if appeal else "approval",
    }[determination.outcome]
    circumstances = set(case.circumstances.values_list("circumstance", flat=True))
    return NoticeType(
        code=f"appeal_{outcome}" if appeal else outcome,
        appeal=appeal,
        adverse=adverse_decision(case=case, determination=determination),
        prior_denial=appeal or bool(circumstances & PRIOR_DENIAL_CIRCUMSTANCES),
        expedited=case.review_type == ReviewType.EXPEDITED,
        retrospective=case.review_type == ReviewType.RETROSPECTIVE,
    )


def plan_contacts(language: str) -> dict[str, object]:
    """The plan's and the regulators' contacts printed in letters (R-NOT-8, R-NOT-11)."""
    hours = settings.PLAN_MEMBER_SERVICES_HOURS
    if language == Language.SPANISH:
        hours = settings.PLAN_MEMBER_SERVICES_HOURS_ES
    return {
        "phone": settings.PLAN_MEMBER_SERVICES_PHONE or "",
        "tty": settings.PLAN_MEMBER_SERVICES_TTY or "",
        "hours": hours or "",
        "address": settings.PLAN_MAILING_ADDRESS or "",
        "physician_phone": settings.PLAN_PHYSICIAN_DIRECT_PHONE or "",
        "dmhc": settings.PLAN_DMHC_IMR,
        "dmhc_phone": settings.DMHC_HELP_CENTER_PHONE,
        "dmhc_tty": settings.DMHC_HELP_CENTER_TTY,
        "dmhc_web": settings.DMHC_HELP_CENTER_WEB,
        "cdss_phone": settings.CDSS_HEARINGS_PHONE,
        "cdss_tty": settings.CDSS_HEARINGS_TTY,
        "cdss_web": settings.CDSS_HEARINGS_WEB,
        "cdss_address": settings.CDSS_HEARINGS_ADDRESS,
    }


def contacts_missing() -> list[str]:
    """The contact settings that are empty (production refuses to start without them)."""
    return [name for name in settings.PLAN_CONTACT_SETTINGS if not getattr(settings, name, "")]


# --- reading grade (R-NOT-10) ------------------------------------------------------------

_BLOCK = re.compile(r"<(p|li|h1|h2|h3)\b[^>]*>(.*?)</\1>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+(?=[A-ZÁÉÍÓÚÑ¿¡\"“(])")
# Reference numbers, phone numbers and dates are not words a reader sounds out.
_NOT_WORDS = re.compile(r"\b[\w-]*\d[\w-]*\b")

FORMULAS = {
    Language.ENGLISH: "Flesch–Kincaid grade",
    Language.SPANISH: "Fernández-Huerta (as a school grade)",
}


def readable_sentences(html: str, *, names: tuple[str, ...] = ()) -> list[str]:
    """The sentences of a letter body from its heading on: its paragraphs, list items and
    headings, each ending a sentence (a heading has no full stop of its own). `names`
    (the member's, the signer's, the plan's) are left out: nobody sounds them out."""
    sentences: list[str] = []
    start = html.lower().find("<h1")
    for _, inner in _BLOCK.findall(html[max(start, 0) :]):
        text = " ".join(_TAG.sub(" ", inner).replace("&nbsp;", " ").split())
        for name in names:
            if name:
                text = text.replace(name, " ")
        text = _NOT_WORDS.sub(" ", text)
        text = " ".join(text.split())
        if len(text.split()) < 2:
            continue
        for sentence in _SENTENCE_END.split(text):
            sentence = sentence.strip()
            if len(sentence.split()) >= 3:
                sentences.append(sentence if sentence[-1] in ".!?:" else sentence + ".")
    return sentences


def _grade(text: str, language: str) -> float:
    stats = textstatistics()
    if language == Language.SPANISH:
        stats.set_lang("es")
        # Fernández-Huerta's reading ease on its published scale: 90–100 is the 4th
        # grade, 80–90 the 5th, 70–80 the 6th, 60–70 the 7th and 8th: grade = 14 − ease/10.
        return max(1.0, 14 - stats.fernandez_huerta(text) / 10)
    stats.set_lang("en")
    return max(0.0, stats.flesch_kincaid_grade(text))


@dataclass(frozen=True)
class ReadingGrade:
    grade: Decimal
    formula: str
    hardest: list[tuple[Decimal, str]]


def _one_decimal(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def reading_grade(html: str, language: str, *, names: tuple[str, ...] = ()) -> ReadingGrade:
    """The reading grade of a letter body and its three hardest sentences."""
    sentences = readable_sentences(html, names=names)
    if not sentences:
        return ReadingGrade(grade=Decimal("0.0"), formula=FORMULAS[language], hardest=[])
    graded = sorted(
        ((_one_decimal(_grade(s, language)), s) for s in sentences), key=lambda pair: -pair[0]
    )
    return ReadingGrade(
        grade=_one_decimal(_grade(" ".join(sentences), language)),
        formula=FORMULAS[language],
        hardest=graded[:3],
    )


# --- English left in a Spanish letter (R-NOT-9) --------------------------------------------

_ENGLISH = frozenset(
    {
        "the",
        "and",
        "of",
        "to",
        "your",
        "you",
        "we",
        "is",
        "are",
        "was",
        "were",
        "for",
        "with",
        "this",
        "that",
        "not",
        "our",
        "it",
        "be",
        "have",
        "has",
        "does",
        "did",
        "will",
        "can",
        "from",
        "by",
        "on",
        "at",
        "an",
        "or",
        "who",
        "which",
        "what",
        "if",
        "they",
        "their",
        "been",
    }
)
_SPANISH = frozenset(
    {
        "el",
        "la",
        "los",
        "las",
        "de",
        "del",
        "que",
        "y",
        "en",
        "un",
        "una",
        "por",
        "para",
        "con",
        "su",
        "sus",
        "es",
        "se",
        "lo",
        "nos",
        "le",
        "al",
        "más",
        "como",
        "usted",
        "fue",
        "este",
        "esta",
    }
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def english_sentences(sentences: list[str]) -> list[str]:
    """Sentences that read as English: three English function words or more, and more
    of them than Spanish ones (a plan name such as "… of California" is one)."""
    found = []
    for sentence in sentences:
        words = [w.lower() for w in _WORD.findall(sentence)]
        english = sum(w in _ENGLISH for w in words)
        spanish = sum(w in _SPANISH for w in words)
        if english >= 3 and english > spanish:
            found.append(sentence)
    return found
