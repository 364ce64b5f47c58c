"""The submission gates (R-FILE-2, R-REF-3, R-REF-4, R-REV-2, R-REF-6), all at once.

A pure read: case_submit calls it under the case's row lock, and the reviewer panel
calls it to show what still stands between the case and submission.
"""

from datetime import date

from django.db.models import F, FilteredRelation, Q
from django.utils import timezone

from cases.checklist import referral_file_missing
from cases.eligibility import approval_problems, eligibility_problems
from cases.models import Case, Status
from cases.phi_scan import case_reviewer_text_problems
from cases.workflow import check_transition
from imr.errors import Conflict
from reviewers.delivery import Deliverer
from reviewers.models import Assignment, ConflictAttestation, Submission


def current_assignment(case: Case, *, with_attestation: bool = False) -> Assignment | None:
    """The case's current assignment; `with_attestation`: with `attestation`, the assigned
    reviewer's conflict attestation on this case (or None), joined in the same read (one
    row at most: one attestation per case and reviewer)."""
    assignments = Assignment.objects.select_related(
        "specialist__imro",
        "specialist__specialty",
        "specialist__subspecialty",
        "imro",
        "assigned_by",
    ).filter(case=case, ended_at=None)
    if not with_attestation:
        return assignments.first()
    assignment = (
        assignments.annotate(
            attested=FilteredRelation(
                "specialist__attestations",
                condition=Q(specialist__attestations__case=F("case")),
            )
        )
        .select_related("attested__attested_by")
        .first()
    )
    if assignment is not None:
        # No attestation row: the join sets no attribute at all (and reads nothing more).
        assignment.attestation = getattr(assignment, "attested", None)
    return assignment


def submission_problems(
    case: Case, *, deliverer: Deliverer | None = None, on: date | None = None
) -> list[str]:
    """Every reason the case cannot be submitted now; empty when it can."""
    on = on or timezone.localdate()
    submitted = Submission.objects.filter(case=case).first()
    if submitted is not None:
        local = timezone.localtime(submitted.submitted_at)
        return [f"The case was already submitted on {local:%Y-%m-%d %H:%M}; it is not sent twice."]
    problems: list[str] = []
    try:
        check_transition(case.status, Status.SUBMITTED)
    except Conflict as error:
        problems.append(str(error))
    problems += referral_file_missing(case)
    problems += eligibility_problems(case)
    problems += approval_problems(case)
    problems += case_reviewer_text_problems(case)
    problems += _reviewer_problems(case, deliverer=deliverer, on=on)
    return problems


def _reviewer_problems(case: Case, *, deliverer: Deliverer | None, on: date) -> list[str]:
    assignment = current_assignment(case)
    if assignment is None:
        return [
            "No reviewer is assigned: choose an eligible IMRO reviewer or specialist (R-REV-2)."
        ]
    specialist = assignment.specialist
    problems = []
    reasons = specialist.ineligibility_reasons(on)
    if reasons:
        problems.append(
            f"The assigned reviewer {specialist.name} is no longer eligible: {'; '.join(reasons)}."
        )
    attestation = ConflictAttestation.objects.filter(case=case, specialist=specialist).first()
    if attestation is None:
        problems.append(
            f"{specialist.name} has not attested to having no conflict of interest on this case "
            "(Health & Safety Code 1374.32(c), R-REF-6)."
        )
    elif attestation.has_conflict:
        problems.append(
            f"{specialist.name} declared a conflict of interest on this case "
            f"({'; '.join(attestation.declared)}) and cannot review it."
        )
    if deliverer is not None:
        problems += deliverer.problems(assignment=assignment)
    return problems
