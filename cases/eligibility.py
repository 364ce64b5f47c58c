"""Eligibility for External IMR (policy VI.B, VI.C; R-REF-1…4).

Each rule returns the problems it finds, in words that cite the policy, so the
submission gate can list every problem at once.
"""

from cases.models import Case, Circumstance, Document, DocumentKind


def eligibility_problems(case: Case) -> list[str]:
    problems: list[str] = []
    circumstances = {row.circumstance for row in case.circumstances.all()}
    if not circumstances:
        problems.append(
            "No referral circumstance is recorded: choose at least one of policy VI.B (1)–(6)."
        )
    if case.benefit_exclusion and not _is_experimental(case, circumstances):
        problems.append(
            "Not eligible: the determination is based on a benefit exclusion, and the request "
            "is not experimental or investigational (policy VI.C)."
        )
    if Circumstance.MEDICAL_NECESSITY in circumstances:
        problems += _physician_documents_problems(case)
    if case.is_expedited and not case.expedited_criterion:
        problems.append(
            "An expedited case must record which expedited criterion applies (policy VI.G.2.a)."
        )
    if case.is_expedited and not case.expedited_determined_by:
        problems.append(
            "An expedited case must record who determined the criterion applies: the CMO or "
            "Physician Designee, or the treating physician (policy VI.G.2.a)."
        )
    if Circumstance.EXPERIMENTAL_DENIAL_SERIOUS in circumstances and not (
        case.life_threatening or case.seriously_debilitating
    ):
        problems.append(
            "Circumstance (4) needs the condition recorded as life-threatening or seriously "
            "debilitating (policy III.C, III.D)."
        )
    return problems


def approval_problems(case: Case) -> list[str]:
    """R-REF-4: referral to IMR is at the CMO's or Physician Designee's discretion."""
    if case.referral_approved_at is None:
        return [
            "The CMO or Physician Designee has not approved the referral to IMR (policy VI.A, "
            "R-REF-4)."
        ]
    return []


def _is_experimental(case: Case, circumstances: set[int]) -> bool:
    return case.experimental_investigational or bool(
        circumstances
        & {Circumstance.EXPERIMENTAL_REQUEST, Circumstance.EXPERIMENTAL_DENIAL_SERIOUS}
    )


_VI_B_5 = {
    DocumentKind.PHYSICIAN_CERTIFICATION: (
        "the treating physician's certification that the condition has not responded to "
        "standard therapies"
    ),
    DocumentKind.PHYSICIAN_RECOMMENDATION: (
        "the physician's written recommendation that another drug, device, procedure or "
        "therapy would be more beneficial"
    ),
}


def _physician_documents_problems(case: Case) -> list[str]:
    """Circumstance (5): each VI.B.5 document present, and written by the case's treating
    physician (R-REF-7). A file filed under the kind is not enough: its recorded author
    must be the treating practitioner (same NPI, or the same name when either has none).
    """
    current = {d.kind: d for d in case.current_documents() if d.kind in _VI_B_5}
    practitioner = case.treating_practitioner
    physician = practitioner.name + (f" (NPI {practitioner.npi})" if practitioner.npi else "")
    problems = []
    for kind, what in _VI_B_5.items():
        document = current.get(kind)
        if document is None:
            problems.append(f"Circumstance (5) needs {what}, as a document (policy VI.B.5).")
        elif not document.author_name and not document.author_npi:
            problems.append(
                f"{document.title} records no author: {what} must be written by the "
                f"treating physician, {physician} (policy VI.B.5, R-REF-7)."
            )
        elif not _same_physician(document, practitioner.name, practitioner.npi):
            author = document.author_name or "an unnamed author"
            npi = f" (NPI {document.author_npi})" if document.author_npi else ""
            problems.append(
                f"{document.title} is by {author}{npi}, not the treating physician "
                f"{physician}: {what} must be the treating physician's (policy VI.B.5, "
                "R-REF-7)."
            )
    return problems


def _same_physician(document: Document, name: str, npi: str) -> bool:
    if document.author_npi and npi:
        return document.author_npi == npi
    return _name_key(document.author_name) == _name_key(name) != ""


def _name_key(name: str) -> str:
    """Names compared without case, punctuation, spacing or a "Dr." title."""
    words = "".join(c if c.isalnum() else " " for c in name.casefold()).split()
    return " ".join(w for w in words if w not in {"dr", "md", "do"})
