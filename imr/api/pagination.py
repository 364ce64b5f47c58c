"""Page-number pagination for every list endpoint, over an ordering with no ties."""

from django.db.models import QuerySet
from rest_framework import pagination
from rest_framework.request import Request


def stable_order(queryset: QuerySet) -> QuerySet:
    """The queryset ordered so that no two rows tie: its ordering, then the primary key.

    Page-number pagination over a non-unique ordering (say, received date) can show a
    row on two pages or on none; ending the ordering with a unique key prevents that.
    """
    query = queryset.query
    ordering = list(query.order_by) or (
        list(queryset.model._meta.ordering) if query.default_ordering else []
    )
    if any(_is_unique(queryset.model, term) for term in ordering):
        return queryset
    return queryset.order_by(*ordering, "pk")


def _is_unique(model: type, term: object) -> bool:
    if not isinstance(term, str):
        return False
    name = term.lstrip("-")
    if name in ("pk", model._meta.pk.name):
        return True
    try:
        return model._meta.get_field(name).unique
    except Exception:  # a related path or an annotation: not known to be unique
        return False


class PageNumberPagination(pagination.PageNumberPagination):
    """?page=N&page_size=M; 50 a page unless asked, never more than 200."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset: object, request: Request, view: object = None) -> list:
        if isinstance(queryset, QuerySet):
            queryset = stable_order(queryset)
        return super().paginate_queryset(queryset, request, view)
