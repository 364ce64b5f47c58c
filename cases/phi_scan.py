"""Find the member's PHI in text the product handles (R-FILE-3).

Uploaded clinical documents go into the packet as they are, so before submission UM
staff are warned when a document's extractable text names the member (first and last
name in either order), their CIN or their date of birth, and can redact where plan
policy asks. `phi_redact` masks the same matches in free text that staff typed.

Matching ignores case, accents and line breaks, because text extracted from a PDF
breaks lines anywhere and a name typed as "JOSE GARCIA" is the same as "José García".
Findings say which document and which kind of PHI, never the value found.

Text a reviewer will read (questions, answers, document titles, every free text of the
packet's generated pages) is held to a stricter check (R-SEC-4): `reviewer_text_problems`
refuses any whole word of the member's first or last name (alone, after an honorific,
with an initial or an age-and-sex shorthand: "Ms. Realname", "Realname J, 38F"), their
street address, any phone number or e-mail address, the CIN and the date of birth, and
shows what matched, masked. Uploaded documents keep the full-name warning above: they
name clinicians and eponyms ("Dr. García", "Garcia criteria") that are not the member.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from cases.models import Case, DocumentKind, Member

REDACTED = "[redacted]"


class PhiKind(StrEnum):
    MEMBER_NAME = "member_name"
    CIN = "cin"
    DATE_OF_BIRTH = "date_of_birth"
    ADDRESS = "address"
    PHONE = "phone"
    EMAIL = "email"
    # Not PHI found, but PHI that could not be looked for: a scan or a photo has no text.
    NO_TEXT = "no_text"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    PhiKind.MEMBER_NAME: "the member's name",
    PhiKind.CIN: "the member's CIN",
    PhiKind.DATE_OF_BIRTH: "the member's date of birth",
    PhiKind.ADDRESS: "an address",
    PhiKind.PHONE: "a phone number",
    PhiKind.EMAIL: "an e-mail address",
    PhiKind.NO_TEXT: "no extractable text",
}


@dataclass(frozen=True)
class PhiFinding:
    """One kind of PHI seen in one document (or in one of the case's text fields)."""

    document_title: str
    kind: PhiKind
    document_id: int | None = None  # None for the case's own text fields

    @property
    def message(self) -> str:
        if self.kind == PhiKind.NO_TEXT:
            return (
                f"{self.document_title}: has no extractable text (a scan or an image), so it "
                "could not be checked; look at it before submission."
            )
        if self.document_id is None:
            return (
                f"{self.document_title}: contains {self.kind.label}; the packet shows "
                f"“{REDACTED}” in its place."
            )
        return f"{self.document_title}: contains {self.kind.label}."


# Documents the reviewer gets; the reviewer's own determination comes back, it is not sent.
PACKET_EXCLUDED_KINDS = frozenset({DocumentKind.REVIEWER_DETERMINATION})

_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _fold_fast(text: str) -> str:
    """The same folding as _fold, without the index map: for scanning long documents."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _fold(text: str) -> tuple[str, list[int]]:
    """Lower-case, accent-free text and, for each of its characters, the original index."""
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        piece = _fold_char(char) if not char.isascii() else char.lower()
        folded.append(piece)
        origin.extend([index] * len(piece))
    return "".join(folded), origin


def _words(value: str) -> list[str]:
    return [re.escape(word) for word in re.split(r"[\s\-]+", _fold(value)[0]) if word]


def _name_pattern(member: Member) -> str | None:
    first, last = _words(member.first_name), _words(member.last_name)
    if not first or not last:
        return None
    first_re = r"[\s\-]+".join(first)
    last_re = r"[\s\-]+".join(last)
    # First [middle name or initial] Last; Last, First; Last First.
    middle = r"(?:\s+\w+\.?)?"
    return (
        rf"\b(?:{first_re}{middle}\s+{last_re}|{last_re}\s*,\s*{first_re}|{last_re}\s+{first_re})\b"
    )


def _cin_pattern(member: Member) -> str | None:
    chars = [re.escape(c) for c in _fold(member.cin)[0] if c.isalnum()]
    if len(chars) < 4:
        return None
    return r"(?<![0-9a-z])" + r"[\s\-]?".join(chars) + r"(?![0-9a-z])"


def _date_pattern(born: date) -> str:
    month = rf"0?{born.month}"
    day = rf"0?{born.day}"
    year = str(born.year)
    short_year = f"{born.year % 100:02d}"
    name = _MONTHS[born.month - 1]
    month_name = rf"(?:{name}|{name[:3]}\.?)"
    ordinal = r"(?:st|nd|rd|th)?"
    forms = [
        rf"{month}(?P<s1>[/.\-]){day}(?P=s1)(?:{year}|{short_year})",  # 01/02/1960, 1-2-60
        rf"{year}(?P<s2>[/.\-]){month}(?P=s2){day}",  # 1960-01-02
        rf"{month_name}\s+{day}{ordinal},?\s+{year}",  # January 2, 1960; Jan. 2 1960
        rf"{day}{ordinal}\s+(?:of\s+)?{month_name},?\s+{year}",  # 2 January 1960
    ]
    return r"(?<!\d)(?:" + "|".join(forms) + r")(?!\d)"


def _address_pattern(member: Member) -> str | None:
    words = _words(member.address_line1)
    if len(words) < 2:
        return None
    return r"\b" + r"[\s,.]+".join(words) + r"\b"


def _patterns(member: Member) -> dict[str, re.Pattern[str]]:
    sources = {
        PhiKind.MEMBER_NAME: _name_pattern(member),
        PhiKind.CIN: _cin_pattern(member),
        PhiKind.DATE_OF_BIRTH: _date_pattern(member.date_of_birth)
        if member.date_of_birth
        else None,
    }
    return {kind: re.compile(source) for kind, source in sources.items() if source}


def phi_kinds_in_text(*, member: Member, text: str) -> list[PhiKind]:
    """Which of the member's name, CIN and date of birth appear in the text."""
    if not text:
        return []
    folded = _fold_fast(text)
    return [kind for kind, pattern in _patterns(member).items() if pattern.search(folded)]


def phi_redact(*, member: Member, text: str) -> str:
    """The text with the member's name, CIN, date of birth and street address masked.

    Used on every piece of staff-typed text that a generated page shows (R-FILE-3).
    """
    if not text:
        return text
    folded, origin = _fold(text)
    patterns = list(_patterns(member).values())
    if address := _address_pattern(member):
        patterns.append(re.compile(address))
    spans: list[tuple[int, int]] = []
    for pattern in patterns:
        spans.extend(
            (origin[m.start()], origin[m.end() - 1] + 1)
            for m in pattern.finditer(folded)
            if m.end() > m.start()
        )
    if not spans:
        return text
    pieces: list[str] = []
    position = 0
    for start, end in sorted(spans):
        if end <= position:
            continue
        pieces.append(text[position : max(start, position)])
        if start >= position:
            pieces.append(REDACTED)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _case_texts(case: Case) -> list[tuple[str, str]]:
    fields = [
        ("Case text: information relevant to the service", case.relevant_information),
        ("Case text: information submitted by the practitioner", case.practitioner_information),
        ("Case text: pertinent medical history", case.medical_history),
        ("Case text: treatment or clinical data", case.clinical_data),
    ]
    fields += [
        (f"Question {number} for the reviewer", question.text)
        for number, question in enumerate(case.questions.all(), start=1)
    ]
    fields += [
        (f"Requested service {service.code}", service.description)
        for service in case.services.all()
    ]
    return fields


def phi_scan(case: Case) -> list[PhiFinding]:
    """Warnings for UM staff before submission (R-FILE-3).

    Looks at the extractable text of every current document that goes into the packet
    and at the free text the packet's generated pages show. A document with no text at
    all (a scanned page, a photo, a legacy Office file) is reported as not checkable.
    """
    member = case.member
    findings: list[PhiFinding] = []
    documents = [d for d in case.current_documents() if d.kind not in PACKET_EXCLUDED_KINDS]
    for document in documents:
        if not document.extracted_text.strip():
            findings.append(PhiFinding(document.title, PhiKind.NO_TEXT, document.pk))
            continue
        findings.extend(
            PhiFinding(document.title, kind, document.pk)
            for kind in phi_kinds_in_text(member=member, text=document.extracted_text)
        )
    for title, text in _case_texts(case):
        findings.extend(
            PhiFinding(title, kind) for kind in phi_kinds_in_text(member=member, text=text)
        )
    return findings


# --- text the reviewer reads (R-SEC-4) ----------------------------------------------------

_HONORIFICS = (
    "mr",
    "mrs",
    "ms",
    "mx",
    "miss",
    "dr",
    "senor",
    "senora",
    "senorita",
    "sr",
    "sra",
    "srta",
)
_HONORIFIC = r"(?:(?:" + "|".join(_HONORIFICS) + r")\.?\s+)?"
# "Realname J", "Realname J.", "Realname, 38F", "Realname J, 38 F".
_NAME_TAIL = r"(?:\s+[a-z]\.?(?![a-z]))?(?:\s*,?\s*\d{1,3}\s*[mf](?![a-z]))?"
_PHONE = re.compile(
    r"(?<![\d\-])(?:\+?1[\s.\-]?)?(?:\(\d{3}\)\s*|\d{3}[\s.\-])\d{3}[\s.\-]\d{4}(?![\d\-])"
)
_EMAIL = re.compile(r"[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)+")
# A house number, capitalized street words and a street type; matched on the text as
# typed, so "after 2 weeks on the road" is not an address and "12 Oak Tree Rd" is.
_STREET = re.compile(
    r"\b\d{1,6}\s+(?:[A-Z][\w'.\-]*\s+){1,4}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|"
    r"Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Circle|Highway|Hwy|Parkway|Pkwy)\b\.?"
)
_PO_BOX = re.compile(r"\bp\.?\s*o\.?\s*box\s+\d+")


@dataclass(frozen=True)
class PhiMatch:
    """One piece of the member's PHI in a text, as it may be shown back: masked."""

    kind: PhiKind
    shown: str


def _name_words(member: Member) -> list[str]:
    words = _words(member.first_name) + _words(member.last_name)
    return sorted({w for w in words if len(w.replace("\\", "")) >= 2}, key=len, reverse=True)


def _strict_patterns(member: Member) -> list[tuple[PhiKind, re.Pattern[str]]]:
    """Patterns run on the folded text (lower case, no accents)."""
    patterns: list[tuple[PhiKind, re.Pattern[str]]] = []
    if words := _name_words(member):
        name = r"(?:" + "|".join(words) + r")"
        # Consecutive name words are one match: "Quintero, Rosalind" is shown once.
        core = rf"\b{name}(?:\s*,?\s+{name})*\b"
        # The honorific is shown in a refusal but kept by redaction ("Ms. [redacted]").
        patterns.append(
            (PhiKind.MEMBER_NAME, re.compile(rf"\b{_HONORIFIC}(?P<core>{core}{_NAME_TAIL})"))
        )
    for line in (member.address_line1, member.address_line2):
        line_words = _words(line or "")
        if len(line_words) >= 2:
            patterns.append(
                (PhiKind.ADDRESS, re.compile(r"\b" + r"[\s,.]+".join(line_words) + r"\b"))
            )
    patterns.append((PhiKind.ADDRESS, _PO_BOX))
    patterns.append((PhiKind.PHONE, _PHONE))
    patterns.append((PhiKind.EMAIL, _EMAIL))
    if cin := _cin_pattern(member):
        patterns.append((PhiKind.CIN, re.compile(cin)))
    if member.date_of_birth:
        patterns.append((PhiKind.DATE_OF_BIRTH, re.compile(_date_pattern(member.date_of_birth))))
    return patterns


def _mask(text: str) -> str:
    """Each word's first character, the rest as dots; honorifics as they are."""

    def word(match: re.Match[str]) -> str:
        value = match.group(0)
        if _fold_fast(value) in _HONORIFICS:
            return value
        return value[0] + "•" * (len(value) - 1)

    return re.sub(r"\w+", word, text)


def _strict_spans(member: Member, text: str, *, core_only: bool) -> list[tuple[int, int, PhiKind]]:
    """Non-overlapping (start, end, kind) of the member's PHI in the original text."""
    folded, origin = _fold(text)
    spans: list[tuple[int, int, PhiKind]] = []
    for kind, pattern in _strict_patterns(member):
        for m in pattern.finditer(folded):
            start = m.start("core") if core_only and "core" in pattern.groupindex else m.start()
            if m.end() > start:
                spans.append((origin[start], origin[m.end() - 1] + 1, kind))
    spans.extend((m.start(), m.end(), PhiKind.ADDRESS) for m in _STREET.finditer(text))
    kept: list[tuple[int, int, PhiKind]] = []
    covered_to = -1
    for start, end, kind in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start >= covered_to:
            kept.append((start, end, kind))
            covered_to = end
    return kept


def phi_matches(*, member: Member, text: str) -> list[PhiMatch]:
    """Every piece of the member's PHI in `text` by the reviewer-text rules (R-SEC-4)."""
    if not text or not text.strip():
        return []
    return [
        PhiMatch(kind, _mask(text[start:end].strip()))
        for start, end, kind in _strict_spans(member, text, core_only=False)
    ]


def reviewer_text_redact(*, member: Member, text: str) -> str:
    """The text with every reviewer-text match masked: what the packet's generated pages
    and the portal print of text typed before the refusal existed (R-SEC-4)."""
    if not text:
        return text
    pieces: list[str] = []
    position = 0
    for start, end, _ in _strict_spans(member, text, core_only=True):
        pieces += [text[position:start], REDACTED]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def reviewer_text_problems(*, member: Member, texts: Iterable[tuple[str, str]]) -> list[str]:
    """One refusal message per labelled text that shows the member's PHI to the reviewer,
    naming the field and what matched (masked), e.g. "Question 1 for the reviewer names
    the member (the member's name “M•. R•••••••”) ..." (R-SEC-4)."""
    problems = []
    for label, text in texts:
        found = phi_matches(member=member, text=text)
        if found:
            shown = "; ".join(f"{m.kind.label} “{m.shown}”" for m in found)
            problems.append(
                f"{label} names the member ({shown}). The reviewer sees only the internal "
                "patient identifier; reword it."
            )
    return problems


def reviewer_texts(case: Case) -> list[tuple[str, str]]:
    """Every free text of the case that the reviewer will read: the packet's generated
    pages (questions, text items d–g, service descriptions, specialty) and the titles of
    the documents in the packet."""
    texts = [("Specialty", case.specialty), *_case_texts(case)]
    documents = case.documents.current().exclude(kind__in=PACKET_EXCLUDED_KINDS).order_by("pk")
    # Labelled by kind and id, not by the title itself, which is what may hold PHI.
    texts += [
        (f"The title of document {d.pk} ({DocumentKind(d.kind).label.lower()})", d.title)
        for d in documents.defer("extracted_text")
    ]
    return texts


def case_reviewer_text_problems(case: Case) -> list[str]:
    """The submission gate's PHI check: every reviewer-facing text of the case (R-SEC-4)."""
    return reviewer_text_problems(member=case.member, texts=reviewer_texts(case))
