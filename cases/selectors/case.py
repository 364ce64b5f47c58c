"""The case list and the audited-date changes (R-TRK-3, R-TRK-9)."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db import models
from django.db.models import QuerySet
from django.utils.functional import cached_property

from cases.models import AuditedDateChange, Case, Member, Practitioner
from cases.models.case import members_matching

# The list counts at most this many matches: a broader search is told to narrow, and no
# count ever reads every case of years of history (issue 20).
SEARCH_CAP = 1_000


@dataclass(frozen=True)
class CaseSearch:
    cases: QuerySet[Case]
    over_cap: bool  # known without counting: more than SEARCH_CAP cases match
    # The same rows for the first page only, when that is cheaper to read another way.
    first_page: QuerySet[Case] | None = None


def case_list(*, search: str = "", status: str = "") -> QuerySet[Case]:
    return case_search(search=search, status=status).cases


def case_search(*, search: str = "", status: str = "") -> CaseSearch:
    """The list's cases, newest received first, and whether more than SEARCH_CAP match.

    The matching members are read first by their name and identifier indexes, at most
    SEARCH_CAP + 1 of them. When that is all of them the cases are read by the TAR-number
    index OR the member index: the cost follows the matches, not the history. When more
    members match, the page walks the received-date index (newest first) until it is full,
    and every member is entered with a case, so more than SEARCH_CAP cases match (with a
    status filter they are counted, up to the cap). Its first page (most searches stop
    there) checks each case's member by primary key on that walk instead of collecting
    every matching member first; deeper pages would walk too far that way.
    """
    cases = Case.objects.select_related("member", "owner").order_by("-received_at_plan", "-pk")
    if status:
        cases = cases.filter(status=status)
    text = search.strip()
    if not text:
        return CaseSearch(cases=cases, over_cap=False)
    members = list(
        Member.objects.filter(members_matching(text)).values_list("pk", flat=True)[: SEARCH_CAP + 1]
    )
    if len(members) <= SEARCH_CAP:
        return CaseSearch(cases=cases.search(text, member_ids=members), over_cap=False)
    on_the_walk = models.Q(tar_number__iexact=text) | members_matching(text, through="member__")
    return CaseSearch(
        cases=cases.search(text), over_cap=not status, first_page=cases.filter(on_the_walk)
    )


class CappedPaginator(Paginator):
    """Pages over at most SEARCH_CAP matches: the count stops at SEARCH_CAP + 1 rows.

    `capped` says more matched than the pages reach ("more than 1,000 matches: narrow
    the search").
    """

    def __init__(self, search: CaseSearch, per_page: int) -> None:
        super().__init__(search.cases, per_page)
        self._over_cap = search.over_cap
        self._first_page = search.first_page

    def page(self, number):
        number = self.validate_number(number)
        if number == 1 and self._first_page is not None:
            top = min(self.per_page, self.count)
            return self._get_page(list(self._first_page[:top]), number, self)
        return super().page(number)

    @cached_property
    def _found(self) -> int:
        if self._over_cap:
            return SEARCH_CAP + 1
        return self.object_list.order_by().values("pk")[: SEARCH_CAP + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._found, SEARCH_CAP)

    @property
    def capped(self) -> bool:
        return self._found > SEARCH_CAP


def audited_date_changes(*, limit: int = 500) -> QuerySet[AuditedDateChange]:
    return AuditedDateChange.objects.select_related("changed_by", "case").order_by("-changed_at")[
        :limit
    ]


def practitioner_on_file_as_other(*, name: str, npi: str) -> Practitioner | None:
    """The practitioner on file with this NPI when they are recorded under another name:
    intake then asks to confirm the match instead of replacing the typed name (issue 19)."""
    if not npi:
        return None
    on_file = Practitioner.objects.filter(npi=npi).first()
    if on_file is None or on_file.is_named(name):
        return None
    return on_file
