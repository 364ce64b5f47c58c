"""Every change to a case, one module per concern; every status change is made here.

    case              intake, edits, withdrawal, referral approval, audited dates,
                      case_transition (the only writer of Case.status)
    documents         upload and supersede (checked by content, never deleted)
    submission        the referral file sent to the reviewer (case_submit)
    review            the reviewer's written determination received (review_record)
    determination     the CMO's coverage determination: record, sign, amend
    letters           member and practitioner letters: render, check, send
    notices           notice type, plan contacts, reading grade (pure reads)
    letter_checks     the pre-send check, a named list per notice type
    notice_texts      letter texts staff confirm (analysis, Spanish), the oral notice
    letter_templates  a new letter wording is a new version
    closure           resolve, the TAR bundle and its attachment, close

Import from here (`from cases.services import case_submit`); other apps do not import
this package at all (the import contracts in pyproject.toml), they are below it.
"""

from cases.services.case import (
    CaseDetails,
    IntakeResult,
    ServiceLine,
    case_create,
    case_intake,
    case_transition,
    case_update,
    case_withdraw,
    member_find_or_create,
    practitioner_find_or_create,
    received_at_plan_change,
    referral_approve,
)
from cases.services.closure import (
    case_close,
    case_resolve,
    close_problems,
    resolve_problems,
    tar_attachment_confirm,
    tar_bundle_build,
    tar_bundle_bytes,
    tar_summary_render,
)
from cases.services.determination import (
    DeterminationInput,
    determination_amend,
    determination_current,
    determination_record,
    determination_sign,
)
from cases.services.documents import document_supersede, document_upload
from cases.services.letter_templates import letter_template_publish
from cases.services.letters import (
    RenderedLetter,
    letter_mailed_confirm,
    letter_pdf,
    letter_problems,
    letter_render,
    letter_send,
)
from cases.services.notice_texts import (
    NoticeTextInput,
    notice_text_save,
    notice_text_suggestions,
    oral_notice_record,
)
from cases.services.review import review_record
from cases.services.submission import case_submit

__all__ = [
    "CaseDetails",
    "DeterminationInput",
    "IntakeResult",
    "NoticeTextInput",
    "RenderedLetter",
    "ServiceLine",
    "case_close",
    "case_create",
    "case_intake",
    "case_resolve",
    "case_submit",
    "case_transition",
    "case_update",
    "case_withdraw",
    "close_problems",
    "determination_amend",
    "determination_current",
    "determination_record",
    "determination_sign",
    "document_supersede",
    "document_upload",
    "letter_mailed_confirm",
    "letter_pdf",
    "letter_problems",
    "letter_render",
    "letter_send",
    "letter_template_publish",
    "member_find_or_create",
    "notice_text_save",
    "notice_text_suggestions",
    "oral_notice_record",
    "practitioner_find_or_create",
    "received_at_plan_change",
    "referral_approve",
    "resolve_problems",
    "review_record",
    "tar_attachment_confirm",
    "tar_bundle_build",
    "tar_bundle_bytes",
    "tar_summary_render",
]
