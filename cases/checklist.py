"""The referral file checklist, items a–i of policy VI.F.2 (R-FILE-2)."""

from collections import Counter
from dataclasses import dataclass

from cases.models import Case, DocumentKind


@dataclass(frozen=True)
class ChecklistItem:
    letter: str
    label: str
    present: bool
    detail: str

    @property
    def missing_message(self) -> str:
        return f"({self.letter}) {self.label} is missing."


# Items d–g: satisfied by text on the case, a current document of the matching kind, or both.
_TEXT_OR_DOCUMENT_ITEMS = (
    ("d", "Information relevant to the service requested", "relevant_information"),
    ("e", "Information submitted by the practitioner", "practitioner_information"),
    ("f", "Pertinent medical history", "medical_history"),
    ("g", "Treatment or clinical data", "clinical_data"),
)


def referral_file_checklist(case: Case) -> list[ChecklistItem]:
    """What is present of items a–i (uses prefetched services/diagnoses/questions if any)."""
    services = list(case.services.all())
    diagnoses = list(case.diagnoses.all())
    questions = [q for q in case.questions.all() if q.text.strip()]
    documents_by_kind = Counter(document.kind for document in case.current_documents())

    items = [
        ChecklistItem(
            "a",
            "Internal patient identifier",
            bool(case.member.internal_id),
            case.member.internal_id,
        ),
        ChecklistItem(
            "b",
            "Requested service with CPT/HCPCS code",
            bool(services),
            ", ".join(f"{s.code} {s.description}" for s in services),
        ),
        ChecklistItem(
            "c",
            "Diagnoses (ICD-10-CM)",
            bool(diagnoses),
            ", ".join(f"{d.code} {d.description}" for d in diagnoses),
        ),
    ]
    for letter, label, field in _TEXT_OR_DOCUMENT_ITEMS:
        has_text = bool(getattr(case, field).strip())
        count = documents_by_kind.get(DocumentKind(field), 0)
        parts = (["text entered"] if has_text else []) + (
            [f"{count} document{'s' if count != 1 else ''}"] if count else []
        )
        items.append(ChecklistItem(letter, label, has_text or count > 0, " and ".join(parts)))
    items.append(
        ChecklistItem(
            "h",
            "Date response needed",
            case.response_needed_by is not None,
            case.response_needed_by.isoformat() if case.response_needed_by else "",
        )
    )
    items.append(
        ChecklistItem(
            "i",
            "Specific questions for the reviewer",
            bool(questions),
            f"{len(questions)} question{'s' if len(questions) != 1 else ''}" if questions else "",
        )
    )
    return items


def referral_file_missing(case: Case) -> list[str]:
    """The missing items, in words a UM coordinator understands; empty when complete."""
    return [item.missing_message for item in referral_file_checklist(case) if not item.present]
