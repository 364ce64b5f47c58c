"""Eligibility for External IMR (policy VI.B, VI.C; R-REF-1…4).

Each rule returns the problems it finds, in words that cite the policy, so the
submission gate can list every problem at once.
"""

from cases.models import Case, Circumstance, DocumentKind


def eligibility_problems(case: Case) -> list[str]:
    problems: list[str] = []
    circumstances = set(case.circumstances.values_list("circumstance", flat=True))
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
        kinds = set(case.documents.current().values_list("kind", flat=True))
        if DocumentKind.PHYSICIAN_CERTIFICATION not in kinds:
            problems.append(
                "Circumstance (5) needs the treating physician's certification that the condition "
                "has not responded to standard therapies, as a document (policy VI.B.5)."
            )
        if DocumentKind.PHYSICIAN_RECOMMENDATION not in kinds:
            problems.append(
                "Circumstance (5) needs the physician's written recommendation that another "
                "drug, device, procedure or therapy would be more beneficial, as a document "
                "(policy VI.B.5)."
            )
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
