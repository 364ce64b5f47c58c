"""The CMO's or Physician Designee's coverage determination (R-TRK-5, policy VI.F.4).

Recorded (a draft, editable until signed), signed by the signer's login and time, then
never changed: a correction is a new amendment linked to the one it corrects, signed at
once by whoever records it. Letters follow determination_current(). A PostgreSQL trigger
(migration 0004) refuses any change to a signed row, whatever code tries.
"""

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases.events import case_event_add
from cases.models import Case, Determination, Outcome, Status
from cases.services.case import case_transition
from imr.errors import Refused
from imr.roles import perm
from notifications.services import notification_send
from reports.summary import summary_refresh
from reviewers.models import Review

# Statuses in which an amendment may still change what the parties are told.

# Which outcomes follow each IMRO recommendation: upholding the plan's decision keeps a
# denial or a modification; overturning it approves.
_FOLLOWS = {
    "uphold": {Outcome.DENY, Outcome.MODIFY},
    "overturn": {Outcome.APPROVE},
    "modify": {Outcome.MODIFY},
}


@dataclass(frozen=True)
class DeterminationInput:
    outcome: str
    rationale: str
    criteria_used: str
    follows_imro: bool
    modification: str = ""


def _require_decider(actor: AbstractBaseUser) -> None:
    if not actor.has_perm(perm("decide_cases")):
        raise PermissionDenied(
            "Only the CMO or a Physician Designee can record or sign a coverage determination."
        )


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _validated(case: Case, data: DeterminationInput) -> DeterminationInput:
    errors: dict[str, list[str]] = {}
    if data.outcome not in Outcome.values:
        errors["outcome"] = ["Choose the outcome: approve, deny or modify."]
    if not data.rationale.strip():
        errors["rationale"] = ["Write the rationale in plain language: it goes into the letters."]
    if data.outcome == Outcome.MODIFY and not data.modification.strip():
        errors["modification"] = ["For a modification, say what is approved instead."]
    if data.outcome != Outcome.MODIFY and data.modification.strip():
        errors["modification"] = ["Only a modification says what is approved instead."]
    recommendation = _recommendation(case)
    if recommendation is None:
        errors.setdefault("outcome", []).append(
            "The reviewer's determination is not recorded yet (policy VI.F.4)."
        )
    elif (
        data.follows_imro
        and data.outcome in Outcome.values
        and data.outcome not in _FOLLOWS.get(recommendation, set())
    ):
        errors["follows_imro"] = [
            f"The reviewer recommended to {recommendation} the plan's decision; "
            f"“{Outcome(data.outcome).label}” does not follow it. Untick “follows the "
            "reviewer” or change the outcome."
        ]
    if errors:
        raise Refused(errors)
    return DeterminationInput(
        outcome=data.outcome,
        rationale=data.rationale.strip(),
        criteria_used=data.criteria_used.strip(),
        follows_imro=bool(data.follows_imro),
        modification=data.modification.strip(),
    )


def _recommendation(case: Case) -> str | None:
    review = Review.objects.filter(case=case).only("recommendation").first()
    return review.recommendation if review else None


@transaction.atomic
def determination_record(
    *,
    case: Case,
    actor: AbstractBaseUser,
    outcome: str,
    rationale: str,
    criteria_used: str,
    follows_imro: bool,
    modification: str = "",
) -> Determination:
    """Record (or correct, while unsigned) the case's coverage determination (R-TRK-5).

    CMO or Physician Designee only, once the reviewer's determination is received. A
    signed determination is not touched here: correct it with determination_amend.
    """
    _require_decider(actor)
    case = _lock(case)
    if case.status != Status.REVIEW_RECEIVED:
        raise Refused(
            "A coverage determination is recorded once the reviewer's determination is "
            f"received and before one is signed; this case is “{case.get_status_display()}”."
        )
    data = _validated(
        case,
        DeterminationInput(outcome, rationale, criteria_used, follows_imro, modification),
    )
    draft = Determination.objects.select_for_update().filter(case=case, amends__isnull=True).first()
    if draft is not None and draft.is_signed:
        raise Refused("The determination is signed; record an amendment instead.")
    if draft is None:
        draft = Determination(case=case, created_by=actor, created_at=timezone.now())
        verb = "recorded"
    else:
        verb = "changed before signing"
    for name, value in data.__dict__.items():
        setattr(draft, name, value)
    draft._history_user = actor
    draft.save()
    case_event_add(
        case=case,
        kind="determination_recorded",
        summary=f"Coverage determination {verb}: {draft.get_outcome_display().lower()} "
        "(not signed yet).",
        actor=actor,
        data={"determination_id": draft.pk, "outcome": draft.outcome},
    )
    return draft


@transaction.atomic
def determination_sign(*, determination: Determination, actor: AbstractBaseUser) -> Determination:
    """Sign the determination with the signer's login and time (R-TRK-5, VI.F.4).

    Signed once, by a conditional update on signed_at IS NULL; the case moves from
    review received to decided and the case owner is notified (no PHI).
    """
    _require_decider(actor)
    case = _lock(determination.case)
    now = timezone.now()
    updated = Determination.objects.filter(pk=determination.pk, signed_at=None).update(
        signed_at=now, signed_by=actor
    )
    if updated != 1:
        raise Refused("This determination is already signed.")
    determination.refresh_from_db()
    # .update() bypasses simple-history; re-save the same values so history has the signing.
    determination._history_user = actor
    determination.save(update_fields=["signed_at", "signed_by"])
    case = case_transition(case=case, to=Status.DECIDED, actor=actor)
    case_event_add(
        case=case,
        kind="determination_signed",
        summary=f"Coverage determination signed: {determination.get_outcome_display().lower()}.",
        actor=actor,
        data={"determination_id": determination.pk, "outcome": determination.outcome},
    )
    summary_refresh(case_ids=[case.pk])
    _notify_owner(case=case, determination=determination, what="signed")
    return determination


@transaction.atomic
def determination_amend(
    *,
    determination: Determination,
    actor: AbstractBaseUser,
    outcome: str,
    rationale: str,
    criteria_used: str,
    follows_imro: bool,
    modification: str = "",
    reason: str,
) -> Determination:
    """Correct a signed determination with a new, linked, signed amendment (R-TRK-5).

    Only the current (latest signed) determination can be amended, before the case is
    resolved; the reason is required. The letters then follow the amendment: parties
    notified of the earlier one must be sent new letters before the case is resolved.
    """
    _require_decider(actor)
    case = _lock(determination.case)
    problems = []
    if not reason.strip():
        problems.append("Give the reason for the amendment.")
    if not case.awaits_notice:
        problems.append(
            "A determination is amended after signing and before the case is resolved; "
            f"this case is “{case.get_status_display()}”."
        )
    current = determination_current(case)
    if current is None or current.pk != determination.pk:
        problems.append("Only the current signed determination can be amended.")
    if problems:
        raise Refused(problems)
    data = _validated(
        case,
        DeterminationInput(outcome, rationale, criteria_used, follows_imro, modification),
    )
    now = timezone.now()
    amendment = Determination(
        case=case,
        amends=determination,
        amendment_reason=reason.strip(),
        created_by=actor,
        created_at=now,
        signed_by=actor,
        signed_at=now,
        **data.__dict__,
    )
    amendment._history_user = actor
    try:
        with transaction.atomic():
            amendment.save(force_insert=True)
    except IntegrityError:
        raise Refused("This determination was amended by someone else just now.") from None
    case_event_add(
        case=case,
        kind="determination_amended",
        summary=f"Coverage determination amended and signed: "
        f"{amendment.get_outcome_display().lower()}. Reason: {reason.strip()}",
        actor=actor,
        data={
            "determination_id": amendment.pk,
            "amends_id": determination.pk,
            "outcome": amendment.outcome,
        },
    )
    summary_refresh(case_ids=[case.pk])
    _notify_owner(case=case, determination=amendment, what="amended")
    return amendment


def determination_current(case: Case) -> Determination | None:
    """The latest signed determination of the case: the one letters follow."""
    return (
        Determination.objects.filter(case=case, signed_at__isnull=False)
        .select_related("signed_by")
        .order_by("-signed_at", "-pk")
        .first()
    )


def _notify_owner(*, case: Case, determination: Determination, what: str) -> None:
    notification_send(
        recipient=case.owner,
        kind=f"determination_{what}",
        case=case,
        text=f"The coverage determination on IMR case {case.pk} was {what}; "
        "the letters can be prepared.",
        link=reverse("cases:detail", args=[case.pk]) + "#decision",
        dedupe_key=f"determination_{what}:{determination.pk}",
    )
