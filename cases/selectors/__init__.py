"""Reads that shape case data for pages and the API, one module per concern.

case           the case list and the audited-date changes
page           the case page: its context and the next step for the reader's role
documents      a case's documents with their versions
determination  the decision panel (review, determination, letters, closure), mail queue
queue          the staff work queue and the CMO's to-do list
"""

from cases.selectors.case import (
    SEARCH_CAP,
    CappedPaginator,
    CaseSearch,
    audited_date_changes,
    case_list,
    case_search,
)
from cases.selectors.determination import decision_panel_for_case, mail_queue
from cases.selectors.documents import case_documents, case_documents_context
from cases.selectors.page import (
    NextAction,
    case_detail_context,
    case_page,
    case_page_cases,
    next_action,
)
from cases.selectors.queue import cmo_todo, queue_page

__all__ = [
    "SEARCH_CAP",
    "CappedPaginator",
    "CaseSearch",
    "NextAction",
    "audited_date_changes",
    "case_detail_context",
    "case_documents",
    "case_documents_context",
    "case_list",
    "case_page",
    "case_page_cases",
    "case_search",
    "cmo_todo",
    "decision_panel_for_case",
    "mail_queue",
    "next_action",
    "queue_page",
]
