"""`when` and `day`: the date filters every page uses (a template builtin, no {% load %}).

{{ clock.due_at|when }}            Fri 2026-12-04 23:59 PST
{{ s.imro_received_at|when:"s" }}  Fri 2026-12-04 09:12:05 PST
{{ member.date_of_birth|day }}     1975-04-05
"""

from datetime import datetime

from django import template

from imr.dates import day_text, when_text

register = template.Library()


@register.filter
def when(value, arg: str = ""):
    """A moment in the plan's zone to the minute; `when:"s"` adds seconds."""
    try:
        return when_text(value, seconds=arg == "s")
    except (AttributeError, TypeError, ValueError):
        return ""


@register.filter
def when_iso(value):
    """An ISO-8601 time kept as text (an audited date's old and new value), shown as `when`."""
    try:
        return when_text(datetime.fromisoformat(str(value)), seconds=True)
    except (TypeError, ValueError):
        return value


@register.filter
def day(value):
    """A day as an ISO date."""
    try:
        return day_text(value)
    except (AttributeError, TypeError, ValueError):
        return ""
