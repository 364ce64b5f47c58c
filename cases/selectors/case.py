"""The case list and the audited-date changes (R-TRK-3, R-TRK-9)."""

from django.db.models import QuerySet

from cases.models import AuditedDateChange, Case, Practitioner


def case_list(*, search: str = "", status: str = "") -> QuerySet[Case]:
    cases = Case.objects.select_related("member", "owner").order_by("-received_at_plan", "-pk")
    if status:
        cases = cases.filter(status=status)
    return cases.search(search)


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
