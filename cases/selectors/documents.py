"""A case's documents with their versions, for the case page and the API (R-FILE-4)."""

from dataclasses import dataclass

from django.conf import settings

from cases.document_content import ACCEPTED_TYPES
from cases.models import Case, Document, DocumentKind
from cases.phi_scan import PhiFinding, phi_scan


@dataclass
class DocumentVersions:
    """A current document and the versions it replaced, newest first."""

    current: Document
    older: list[Document]

    @property
    def version(self) -> int:
        return len(self.older) + 1

    @property
    def type_label(self) -> str:
        return ACCEPTED_TYPES.get(self.current.content_type, (self.current.content_type, ""))[0]


def case_documents(*, case: Case) -> list[DocumentVersions]:
    """Every document chain on the case, current version first, in upload order (one query)."""
    if "documents" in getattr(case, "_prefetched_objects_cache", {}):
        # The case page's one load of the documents (cases.selectors.page).
        documents = sorted(case.documents.all(), key=lambda d: (d.uploaded_at, d.pk))
    else:
        documents = list(
            case.documents.select_related("uploaded_by")
            .defer("extracted_text")
            .order_by("uploaded_at", "pk")
        )
    by_pk = {document.pk: document for document in documents}
    replaced = {document.supersedes_id for document in documents if document.supersedes_id}
    chains: list[DocumentVersions] = []
    for document in documents:
        if document.pk in replaced:
            continue
        older: list[Document] = []
        previous = by_pk.get(document.supersedes_id)
        while previous is not None:
            older.append(previous)
            previous = by_pk.get(previous.supersedes_id)
        chains.append(DocumentVersions(current=document, older=older))
    chains.sort(key=lambda chain: (chain.older[-1] if chain.older else chain.current).pk)
    return chains


def case_documents_context(*, case: Case) -> dict[str, object]:
    """Context for templates/cases/documents/_case_documents.html, for the case page."""
    findings: list[PhiFinding] = phi_scan(case)
    return {
        "case": case,
        "documents": case_documents(case=case),
        "document_kinds": DocumentKind.choices,
        "phi_findings": findings,
        "document_max_mb": settings.DOCUMENT_MAX_BYTES // (1024 * 1024),
    }
