"""Filters of the cases list endpoint (R-API-1, R-TRK-3): one FilterSet, no hand parsing.

No search term here: a term names a member, so it is POSTed to /api/v1/cases/search/
and never put in a URL (issue 11); that endpoint applies these same filters.
"""

from datetime import UTC, datetime

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from cases.models import Case, ReviewType, Status


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    """ISO-8601, compared in UTC: PostgreSQL refuses offsets beyond ±15:59 that Python takes."""

    def filter(self, queryset: QuerySet, value: datetime | None) -> QuerySet:
        if value is not None:
            try:
                value = value.astimezone(UTC)
            except OverflowError:
                raise ValidationError("This time is out of range.") from None
        return super().filter(queryset, value)


class CaseFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, help_text="One or more statuses (repeat the parameter)."
    )
    review_type = django_filters.ChoiceFilter(choices=ReviewType.choices)
    owner = django_filters.CharFilter(
        field_name="owner__username", help_text="The owner's username."
    )
    received_after = UtcDateTimeFilter(
        field_name="received_at_plan",
        lookup_expr="gte",
        help_text="Received at the plan at or after this ISO-8601 time.",
    )
    received_before = UtcDateTimeFilter(
        field_name="received_at_plan",
        lookup_expr="lt",
        help_text="Received at the plan before this ISO-8601 time.",
    )

    class Meta:
        model = Case
        fields = ["status", "review_type", "owner", "received_after", "received_before"]
