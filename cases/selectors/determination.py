"""What the case page's decision panel shows: review, determination, letters, closure."""

from dataclasses import dataclass, field

from cases.letter_delivery import default_channel
from cases.models import (
    Case,
    CaseResolution,
    Determination,
    Letter,
    LetterChannel,
    OralNotice,
    Party,
    Status,
    TarAttachment,
    TarBundle,
)
from cases.services.closure import close_problems, resolve_problems
from cases.services.letters import cited_titles, parties_missing
from cases.services.notice_texts import FIELD_LABELS, notice_text_suggestions
from reviewers.models import InformationRequest, Review


@dataclass(frozen=True)
class PartyLetter:
    party: str
    label: str
    letter: Letter | None
    channel: str

    @property
    def channel_label(self) -> str:
        return LetterChannel(self.channel).label


# The outcome that follows each reviewer recommendation, as the record form suggests it.
_OUTCOME_FOLLOWING = {"uphold": "deny", "overturn": "approve", "modify": "modify"}


@dataclass
class DecisionPanel:
    case: Case
    review: Review | None
    draft: Determination | None
    current: Determination | None
    history: list[Determination]
    party_letters: list[PartyLetter] = field(default_factory=list)
    earlier_letters: list[Letter] = field(default_factory=list)
    uncited: list[str] = field(default_factory=list)
    open_requests: int = 0
    resolution: CaseResolution | None = None
    resolve_problems: list[str] = field(default_factory=list)
    bundles: list[TarBundle] = field(default_factory=list)
    attachment: TarAttachment | None = None
    close_problems: list[str] = field(default_factory=list)
    # The letter texts form (R-NOT-6, R-NOT-9): saved values, else the suggestions.
    notice_texts: dict[str, str] = field(default_factory=dict)
    notice_texts_confirmed: bool = False
    oral_notices: list[OralNotice] = field(default_factory=list)

    @property
    def suggested_outcome(self) -> str:
        """What the record form starts on: the draft's outcome, else the outcome that
        follows the reviewer's recommendation (uphold → deny, overturn → approve,
        modify → modify), so the CMO changes it only to depart from the reviewer."""
        if self.draft is not None:
            return self.draft.outcome
        if self.review is not None:
            return _OUTCOME_FOLLOWING.get(self.review.recommendation, "")
        return ""

    @property
    def shown(self) -> bool:
        """The panel appears once the reviewer's determination is in."""
        return self.review is not None

    @property
    def can_record(self) -> bool:
        return self.case.status == Status.REVIEW_RECEIVED

    @property
    def can_amend(self) -> bool:
        return self.current is not None and self.case.awaits_notice

    @property
    def can_send(self) -> bool:
        return self.current is not None and self.case.awaits_notice

    @property
    def latest_bundle(self) -> TarBundle | None:
        return self.bundles[-1] if self.bundles else None


_UNREAD = object()  # an argument the caller did not load: read it here


def decision_panel_for_case(
    case: Case,
    *,
    review: Review | object | None = _UNREAD,
    information_requests: list[InformationRequest] | None = None,
) -> DecisionPanel:
    """Context for templates/cases/_case_decision_panel.html, in a few small queries.

    The case page passes what it loaded once for every panel: the review, the information
    requests, and the case with its documents, resolution and TAR attachment (select_related
    and prefetched in cases.selectors.page); anything not passed is read here.
    """
    if review is _UNREAD:
        review = Review.objects.filter(case=case).first()
    if review is None:
        # Not shown, and nothing to show: a determination is recorded on the review.
        return DecisionPanel(case=case, review=None, draft=None, current=None, history=[])
    determinations = list(
        Determination.objects.filter(case=case).select_related("signed_by", "created_by")
    )
    signed = [d for d in determinations if d.is_signed]
    # determination_current's order: the latest signed, the higher id on a tie.
    current = max(signed, key=lambda d: (d.signed_at, d.pk), default=None)
    panel = DecisionPanel(
        case=case,
        review=review,
        draft=next((d for d in determinations if not d.is_signed), None),
        current=current,
        history=signed,
    )
    # A letter follows a signed determination.
    letters = (
        list(Letter.objects.filter(case=case).select_related("sent_by", "mailed_by", "template"))
        if signed
        else []
    )
    for party, label in Party.choices:
        sent = next(
            (
                letter
                for letter in letters
                if current and letter.determination_id == current.pk and letter.party == party
            ),
            None,
        )
        channel = sent.channel if sent else default_channel(case=case, party=party)
        panel.party_letters.append(PartyLetter(party, label, sent, channel))
    panel.earlier_letters = [
        letter for letter in letters if current is None or letter.determination_id != current.pk
    ]
    if current is not None:
        titles = {document.title.lower() for document in case.current_documents()}
        panel.uncited = [t for t in cited_titles(current) if t.lower() not in titles]
    if information_requests is None:
        information_requests = list(InformationRequest.objects.filter(case=case))
    panel.open_requests = sum(1 for r in information_requests if r.answered_at is None)
    saved = _one_to_one(case, "notice_text")
    panel.notice_texts_confirmed = saved is not None
    panel.notice_texts = {name: getattr(saved, name) if saved else "" for name in FIELD_LABELS} | (
        {} if saved else notice_text_suggestions(case, review=review)
    )
    panel.oral_notices = list(case.oral_notices.all())  # prefetched by the case page
    panel.resolution = _one_to_one(case, "resolution")
    missing = parties_missing(current=current, letters=letters)
    if case.awaits_notice:
        panel.resolve_problems = resolve_problems(
            case,
            missing=missing,
            open_requests=panel.open_requests,
            oral_notice_recorded=bool(panel.oral_notices),
        )
    # The TAR bundle is built once the case is resolved (cases.services.closure).
    if case.status in (Status.RESOLVED, Status.CLOSED):
        panel.bundles = list(TarBundle.objects.filter(case=case).select_related("built_by"))
    panel.attachment = _one_to_one(case, "tar_attachment")
    if case.status == Status.RESOLVED:
        panel.close_problems = close_problems(
            case,
            missing=missing,
            open_requests=panel.open_requests,
            attached=panel.attachment is not None,
        )
    return panel


def _one_to_one(case: Case, name: str):
    """The case's row of a one-to-one table (None if it has none), from the join the case
    page's select_related made, else one query."""
    return getattr(case, name, None)  # RelatedObjectDoesNotExist is an AttributeError


def mail_queue() -> list[Letter]:
    """Every letter waiting to be printed and mailed, oldest first (R-TRK-6)."""
    return list(
        Letter.objects.awaiting_mail()
        .select_related("case", "sent_by")
        .order_by("sent_at", "pk")[:500]
    )
