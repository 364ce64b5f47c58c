"""Case data. One module per concern so each stays small; import from here."""

from cases.models.access import AccessLog
from cases.models.case import (
    AuditedDateChange,
    Case,
    CaseEvent,
    Circumstance,
    Diagnosis,
    Origin,
    ReferralCircumstance,
    RequestedService,
    ReviewerQuestion,
    ReviewType,
    origin_for,
)
from cases.models.closure import CaseResolution, TarAttachment, TarBundle
from cases.models.determination import Determination, Outcome
from cases.models.documents import Document, DocumentKind
from cases.models.letters import (
    InsertKind,
    Letter,
    LetterChannel,
    LetterInsert,
    LetterTemplate,
    NoticeText,
    OralNotice,
    OralNoticeMethod,
    Party,
)
from cases.models.member import Language, Member, Practitioner
from cases.models.status import Status

__all__ = [
    "AccessLog",
    "AuditedDateChange",
    "Case",
    "CaseEvent",
    "CaseResolution",
    "Circumstance",
    "Determination",
    "Diagnosis",
    "Document",
    "DocumentKind",
    "InsertKind",
    "Language",
    "Letter",
    "LetterChannel",
    "LetterInsert",
    "LetterTemplate",
    "Member",
    "NoticeText",
    "OralNotice",
    "OralNoticeMethod",
    "Origin",
    "Outcome",
    "Party",
    "Practitioner",
    "ReferralCircumstance",
    "RequestedService",
    "ReviewType",
    "ReviewerQuestion",
    "Status",
    "TarAttachment",
    "TarBundle",
    "origin_for",
]
