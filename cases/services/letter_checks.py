"""The pre-send check of a letter: a named list per notice type (R-NOT-13).

Every check reads the text extracted from the rendered PDF (what the member or the
practitioner will read), so a template version that drops a required element is caught.
Each check has a name, a pass/fail and a detail; the failing details are the reasons a
send is refused, and the whole list is stored with the sent letter.
"""

import re
import unicodedata
from dataclasses import asdict, dataclass
from datetime import date

from django.conf import settings
from django.utils import formats, translation

from cases.models import Case, Determination, InsertKind, Language, NoticeText, Party
from cases.models.documents import NEUTRAL_TITLES
from cases.services.notices import (
    NoticeType,
    ReadingGrade,
    contacts_missing,
    english_sentences,
    readable_sentences,
)

# Internal words a member would not know (R-NOT-5); the member letter may not use them.
MEMBER_LETTER_ACRONYMS = ("IMR", "IMRO", "UM", "CPT", "HCPCS", "ICD", "TAR", "CMO", "QUAC", "NPI")

# What each required element looks like in the letter, by language: every phrase must be
# in the text. Settings values ({cdss_phone}) are filled in from the letter's contacts.
PHRASES: dict[str, dict[str, list[str]]] = {
    Language.ENGLISH: {
        "free_copies": ["copies of all the papers, records and rules", "They are free"],
        "hearing_120": ["State Hearing", "within 120 days"],
        "hearing_how": ["{cdss_phone}", "{cdss_web}"],
        "hearing_fast": ["fast hearing", "expedited hearing"],
        "aid_pending": ["keep getting it until the hearing", "you may have to pay"],
        "appeal_60": ["This is called an appeal", "within 60 days"],
        "appeal_fast": ["fast appeal", "expedited appeal"],
        "dmhc": ["Department of Managed Health Care", "{dmhc_phone}"],
        "prior_denial": ["At first, we did not approve", "We first did not approve"],
        "rights_heading": ["Your right to appeal", "Your right to ask for a State Hearing"],
    },
    Language.SPANISH: {
        "free_copies": ["copias de todos los papeles y reglas", "Son gratis"],
        "hearing_120": ["Audiencia Estatal", "dentro de 120 días"],
        "hearing_how": ["{cdss_phone}", "{cdss_web}"],
        "hearing_fast": ["audiencia rápida", "audiencia acelerada"],
        "aid_pending": ["puede seguir con él hasta la audiencia", "tenga que pagar"],
        "appeal_60": ["Esto se llama apelación", "dentro de 60 días"],
        "appeal_fast": ["apelación rápida", "apelación acelerada"],
        "dmhc": ["Departamento de Atención Médica Administrada", "{dmhc_phone}"],
        "prior_denial": ["Al principio, no aprobamos"],
        "rights_heading": ["Su derecho a apelar", "Su derecho a pedir una Audiencia Estatal"],
    },
}
# The practitioner letter may not speak to the member about their own care.
_TO_THE_MEMBER = re.compile(
    r"\byour (heart|condition|care|health|doctor|request|records|illness|treatment|cancer)\b"
    r"|\byou asked\b",
    re.IGNORECASE,
)
_BRACKETED = re.compile(r"\[([^\[\]\n]{1,200})\]")
_NEUTRAL = re.compile(
    r"\b(" + "|".join(re.escape(t) for t in NEUTRAL_TITLES.values()) + r")\s+(\d{1,4})\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def normalized(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def date_text(value: date, language: str) -> str:
    with translation.override(language):
        return formats.date_format(value, "DATE_FORMAT")


def _has(text: str, phrase: str) -> bool:
    return normalized(phrase).lower() in text.lower()


class _Checks:
    def __init__(self) -> None:
        self.items: list[Check] = []

    def add(self, name: str, ok: bool, failure: str, success: str = "Present.") -> None:
        self.items.append(Check(name=name, ok=ok, detail=success if ok else failure))


def letter_checks(
    *,
    case: Case,
    determination: Determination,
    current: Determination | None,
    party: str,
    language: str,
    notice: NoticeType,
    text: str,
    body_html: str,
    context: dict,
    notice_text: NoticeText | None,
    missing_spanish: list[str],
    inserts: dict[str, object],
    citation_problems: list[str],
    reading: ReadingGrade | None,
) -> list[Check]:
    """Every check of one letter, in order; see the module docstring (R-NOT-13)."""
    # The running footer (reference, page n / m) falls inside a sentence cut by a page end.
    footer = rf"(?:•\s*)?{re.escape(case.tar_number)}\s+\d+\s*/\s*\d+\b"
    text = normalized(re.sub(footer, " ", normalized(text)))
    label = Party(party).label.lower()
    texts, contacts = context["texts"], context["contacts"]
    checks = _Checks()
    checks.add(
        "Determination signed and current",
        determination.is_signed and current is not None and current.pk == determination.pk,
        "The determination is not signed or changed since this letter was prepared; preview again.",
    )
    labels = context["outcome_labels"]
    expected = labels[determination.outcome]
    wrong = [v for k, v in labels.items() if k != determination.outcome and v in text]
    checks.add(
        "Decision stated",
        expected in text and not wrong,
        f"The {label} letter does not state the signed outcome ({expected}) alone"
        + (f"; it also says {', '.join(wrong)}." if wrong else "."),
        f"States {expected}.",
    )
    unnamed = [s for s in texts["services"] if not _has(text, s)]
    checks.add(
        "Services named",
        not unnamed,
        f"The {label} letter does not name the service “{'”, “'.join(unnamed)}”.",
    )
    dates = {
        "the date the determination was signed": context["determination"]["signed_on"],
        "the date the reviewer's determination was received": context["review"]["received_on"],
    }
    missing_dates = [
        f"{what} ({date_text(value, language)})"
        for what, value in dates.items()
        if value is not None and date_text(value, language) not in text
    ]
    checks.add(
        "Dates given",
        not missing_dates,
        f"The {label} letter does not give {'; '.join(missing_dates)}.",
    )
    checks.add(
        "Reviewer's qualifications",
        bool(texts["qualifications"].strip()) and _has(text, texts["qualifications"]),
        f"The {label} letter does not describe the reviewer's qualifications.",
    )
    confirmed = notice_text is not None and bool(notice_text.analysis_en.strip())
    checks.add(
        "Reviewer's analysis (R-NOT-6)",
        confirmed and _has(text, texts["analysis"]),
        "The reviewer's analysis in plain words is not confirmed by staff; enter or confirm "
        "it under Letter texts.",
    )
    checks.add(
        "Letter texts confirmed for this determination",
        notice_text is None or notice_text.confirmed_for_id == determination.pk,
        "The determination changed after the letter texts were confirmed (an amendment); "
        "check and save them again under Letter texts.",
    )
    if case.diagnoses.exists():
        checks.add(
            "Condition in plain words (R-NOT-9)",
            notice_text is not None and bool(notice_text.condition_en.strip()),
            "The condition in plain words is not confirmed by staff; the ICD-10-CM title is "
            "only a suggestion. Confirm it under Letter texts.",
        )
    if language == Language.SPANISH:
        checks.add(
            "Spanish texts entered (R-NOT-9)",
            not missing_spanish,
            "The Spanish letter cannot be sent while a Spanish text is missing: "
            + "; ".join(missing_spanish)
            + ".",
        )
    checks.add(
        "Citations are current documents (R-TRK-10)",
        not citation_problems,
        " ".join(citation_problems),
    )
    missing = contacts_missing()
    checks.add(
        "Plan contacts configured",
        not missing,
        f"The plan's contacts are not configured: {', '.join(missing)}.",
    )
    if party == Party.MEMBER:
        _member_checks(checks, case, notice, text, body_html, contacts, language, inserts)
        if reading is not None:
            limit = settings.LETTER_READING_GRADE_LIMIT
            hardest = "; ".join(f"“{s}” ({g})" for g, s in reading.hardest)
            checks.add(
                "Reading grade (R-NOT-10)",
                reading.grade <= limit,
                f"Reading grade {reading.grade} ({reading.formula}) is above the limit of "
                f"{limit}. Hardest sentences: {hardest}",
                f"Grade {reading.grade} ({reading.formula}); limit {limit}. Hardest: {hardest}",
            )
    else:
        salutation = "Estimado(a)" if language == Language.SPANISH else "Dear"
        dear = f"{salutation} {context['practitioner']['name']}"
        speaking = [
            m.group(0)
            for field in ("analysis", "rationale")
            for m in _TO_THE_MEMBER.finditer(texts[field])
        ]
        checks.add(
            "Written to the practitioner (R-NOT-11)",
            _has(text, dear) and not speaking,
            "The practitioner letter must be written to the practitioner"
            + (f"; it says “{'”, “'.join(speaking)}”." if speaking else "."),
        )
        checks.add(
            "Deciding physician's direct phone (H&S 1367.01(h)(4))",
            bool(contacts["physician_phone"]) and contacts["physician_phone"] in text,
            "The practitioner letter does not give the deciding physician's direct phone.",
        )
    return checks.items


def _member_checks(
    checks: _Checks,
    case: Case,
    notice: NoticeType,
    text: str,
    body_html: str,
    contacts: dict,
    language: str,
    inserts: dict[str, object],
) -> None:
    codes = [s.code for s in case.services.all()]
    for diagnosis in case.diagnoses.all():
        codes += [diagnosis.code, diagnosis.code.replace(".", "")]
    shown = [
        code
        for code in dict.fromkeys(codes)
        if re.search(rf"(?<![\w.]){re.escape(code)}(?![\w])", text, re.IGNORECASE)
    ]
    checks.add(
        "No billing or diagnosis codes (R-NOT-5)",
        not shown,
        f"The member letter shows the code {', '.join(shown)}; describe the service or "
        "condition in words instead.",
    )
    words = text.replace(case.tar_number, " ") if case.tar_number else text
    acronyms = [a for a in MEMBER_LETTER_ACRONYMS if re.search(rf"\b{a}\b", words)]
    checks.add(
        "No internal words (R-NOT-5)",
        not acronyms,
        f"The member letter uses “{'”, “'.join(acronyms)}”, which a member may not know; "
        "spell it out.",
    )
    titles = [m.group(0) for m in _NEUTRAL.finditer(text)] + _BRACKETED.findall(text)
    checks.add(
        "No internal document titles (R-NOT-9)",
        not titles,
        f"The member letter shows the internal title “{'”, “'.join(titles)}”.",
    )
    phrases = {
        key: [p.format(**contacts) for p in values] for key, values in PHRASES[language].items()
    }

    def element(name: str, key: str, what: str) -> None:
        absent = [p for p in phrases[key] if not _has(text, p)]
        checks.add(name, not absent, f"The member letter does not say {what}.")

    element("Free copies of records (42 CFR 438.404(b)(2))", "free_copies", "copies are free")
    printed = [contacts[k] for k in ("phone", "tty", "hours", "address") if contacts[k]]
    checks.add(
        "Member services phone, TTY, hours, address (R-NOT-8)",
        len(printed) == 4 and all(_has(text, v) for v in printed),
        "The member letter does not give Member Services' phone, TTY, hours and address.",
    )
    if notice.adverse and notice.appeal:
        element("State Hearing within 120 days (R-NOT-7)", "hearing_120", "the 120 days")
        element("How to ask for a hearing: CDSS contacts", "hearing_how", "how to ask")
        element("Expedited hearing", "hearing_fast", "how to ask for a fast hearing")
        element("Aid paid pending and possible liability", "aid_pending", "aid paid pending")
    elif notice.adverse:
        element("Appeal to the plan within 60 days (R-NOT-7)", "appeal_60", "the 60 days")
        element("Expedited appeal", "appeal_fast", "how to ask for a fast appeal")
    else:
        heading = [p for p in phrases["rights_heading"] if _has(text, p)]
        checks.add(
            "No appeal rights on an approval",
            not heading,
            "The member letter explains appeal rights, but the determination approves the request.",
        )
    if notice.adverse and contacts["dmhc"]:
        element("DMHC Independent Medical Review", "dmhc", "the DMHC Help Center contacts")
    if not notice.prior_denial:
        claimed = [p for p in phrases["prior_denial"] if _has(text, p)]
        checks.add(
            "No prior denial claimed (R-NOT-7)",
            not claimed,
            "The letter says the plan first did not approve the request, but no prior "
            "denial is recorded (the case is not an appeal or a denial).",
        )
    wanted = [InsertKind.NONDISCRIMINATION, InsertKind.TAGLINES]
    if notice.adverse:
        wanted.insert(0, InsertKind.RIGHTS)
    for kind in wanted:
        insert = inserts.get(kind)
        checks.add(
            f"Insert: {InsertKind(kind).label}",
            insert is not None,
            f"There is no active “{InsertKind(kind).label}” insert in this language; an "
            "Administrator activates one.",
            f"Version {getattr(insert, 'version', '')}.",
        )
    if language == Language.SPANISH:
        english = english_sentences(readable_sentences(body_html))
        checks.add(
            "No English sentence in the Spanish letter (R-NOT-9)",
            not english,
            f"The Spanish letter has English: “{'”, “'.join(english[:3])}”.",
        )
    member = case.member
    checks.add(
        "Member's mailing address complete",
        bool(member.address_line1.strip() and member.city.strip() and member.postal_code.strip()),
        "The member's mailing address is incomplete.",
    )
