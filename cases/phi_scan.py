"""Find the member's PHI in text the product handles (R-FILE-3).

Uploaded clinical documents go into the packet as they are, so before submission UM
staff are warned when a document's extractable text names the member (first and last
name in either order), their CIN or their date of birth, and can redact where plan
policy asks. Pages the product generates itself never show PHI: `phi_redact` masks the
same matches in free text that staff typed (questions, descriptions, text items d–g).

Matching ignores case, accents and line breaks, because text extracted from a PDF
breaks lines anywhere and a name typed as "JOSE GARCIA" is the same as "José García".
Findings say which document and which kind of PHI, never the value found.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from cases.models import Case, DocumentKind, Member

REDACTED = "[redacted]"


class PhiKind(StrEnum):
    MEMBER_NAME = "member_name"
    CIN = "cin"
    DATE_OF_BIRTH = "date_of_birth"
    # Not PHI found, but PHI that could not be looked for: a scan or a photo has no text.
    NO_TEXT = "no_text"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    PhiKind.MEMBER_NAME: "the member's name",
    PhiKind.CIN: "the member's CIN",
    PhiKind.DATE_OF_BIRTH: "the member's date of birth",
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
    documents = case.documents.current().exclude(kind__in=PACKET_EXCLUDED_KINDS).order_by("pk")
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
