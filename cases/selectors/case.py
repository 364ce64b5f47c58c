"""The case list and the audited-date changes (R-TRK-3, R-TRK-9)."""

from django.db.models import QuerySet

from cases.models import AuditedDateChange, Case


def case_list(*, search: str = "", status: str = "") -> QuerySet[Case]:
    cases = Case.objects.select_related("member", "owner").order_by("-received_at_plan", "-pk")
    if status:
        cases = cases.filter(status=status)
    return cases.search(search)


def audited_date_changes(*, limit: int = 500) -> QuerySet[AuditedDateChange]:
    return AuditedDateChange.objects.select_related("changed_by", "case").order_by("-changed_at")[
        :limit
    ]
