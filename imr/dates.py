"""The one way a page shows a moment or a day (issue 19): "Fri 2026-12-04 23:59 PST".

Moments are shown in the plan's time zone, to the minute; seconds only where a person
compares them (the IMRO's receipt, which starts an hour clock). Days are ISO dates
("2026-12-04"), the same digits the date inputs take. Letters to members and
practitioners keep their long written dates ("December 4, 2026"): they are read by
people outside the plan, in English or Spanish.
"""

from datetime import date, datetime

from imr.local_time import plan_zone

MOMENT = "%a %Y-%m-%d %H:%M"
MOMENT_SECONDS = "%a %Y-%m-%d %H:%M:%S"
DAY = "%Y-%m-%d"


def when_text(value: datetime | date | None, *, seconds: bool = False) -> str:
    """ "Fri 2026-12-04 23:59 PST" in the plan's zone; a naive time is taken as local."""
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime):
        return day_text(value)
    zone = plan_zone()
    local = value.astimezone(zone) if value.tzinfo else value.replace(tzinfo=zone)
    return f"{local:{MOMENT_SECONDS if seconds else MOMENT}} {local.tzname()}"


def day_text(value: date | None) -> str:
    """ "2026-12-04"; a moment is first put in the plan's zone."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        zone = plan_zone()
        value = value.astimezone(zone) if value.tzinfo else value
        return f"{value:{DAY}}"
    return f"{value:{DAY}}"


def offset_text(moment: datetime) -> str:
    """ "UTC-8" (or "UTC+5:30"): the offset an explanation of a deadline names."""
    seconds = int(moment.utcoffset().total_seconds()) if moment.utcoffset() else 0
    hours, rest = divmod(abs(seconds), 3600)
    sign = "-" if seconds < 0 else "+"
    return f"UTC{sign}{hours}" + (f":{rest // 60:02d}" if rest else "")
