"""Filters of the cases list endpoint (R-API-1, R-TRK-3): one FilterSet, no hand parsing."""

import django_filters
from django.db.models import QuerySet

from cases.models import Case, ReviewType, Status


class CaseFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, help_text="One or more statuses (repeat the parameter)."
    )
    review_type = django_filters.ChoiceFilter(choices=ReviewType.choices)
    owner = django_filters.CharFilter(
        field_name="owner__username", help_text="The owner's username."
    )
    received_after = django_filters.IsoDateTimeFilter(
        field_name="received_at_plan",
        lookup_expr="gte",
        help_text="Received at the plan at or after this ISO-8601 time.",
    )
    received_before = django_filters.IsoDateTimeFilter(
        field_name="received_at_plan",
        lookup_expr="lt",
        help_text="Received at the plan before this ISO-8601 time.",
    )
    q = django_filters.CharFilter(
        method="search", help_text="TAR number, internal identifier or member name."
    )

    class Meta:
        model = Case
        fields = ["status", "review_type", "owner", "received_after", "received_before", "q"]

    def search(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return queryset.search(value)
