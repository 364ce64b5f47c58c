"""Reads that shape case data for pages and the API, one module per concern.

case           the case list and the audited-date changes
page           the case page: its context and the next step for the reader's role
timeline       the case page's timeline: steps and clocks on one time axis (an SVG)
documents      a case's documents with their versions
determination  the decision panel (review, determination, letters, closure), mail queue
queue          the staff work queue and the CMO's to-do list
safe_time      the latest safe time of an open case's next step (R-RPT-6)
"""

from cases.selectors.case import (
    SEARCH_CAP,
    CappedPaginator,
    CaseSearch,
    audited_date_changes,
    case_list,
    case_search,
    practitioner_on_file_as_other,
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
from cases.selectors.safe_time import case_safe_time, safe_time_json

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
    "case_safe_time",
    "case_search",
    "cmo_todo",
    "decision_panel_for_case",
    "mail_queue",
    "next_action",
    "practitioner_on_file_as_other",
    "queue_page",
    "safe_time_json",
]
