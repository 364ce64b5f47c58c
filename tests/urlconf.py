"""The project's URL patterns, walked once for every test that enumerates routes."""

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver


def url_patterns(
    *, exclude_namespaces: frozenset[str] | set[str] = frozenset()
) -> Iterator[tuple[str, URLPattern, str | None]]:
    """(full route, pattern, innermost namespace) for every view in the URL conf."""

    def walk(patterns, prefix: str, namespace: str | None):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace in exclude_namespaces:
                    continue
                yield from walk(
                    entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace
                )
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern), entry, namespace

    yield from walk(get_resolver().url_patterns, "", None)
