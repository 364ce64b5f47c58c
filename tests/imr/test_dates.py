"""The one date format of the pages (issue 19): imr.dates and the `when` / `day` filters."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from django.template import Context, Template

from imr.dates import day_text, offset_text, when_text


def test_a_moment_is_shown_in_the_plan_zone_to_the_minute():
    moment = datetime(2026, 12, 5, 7, 59, 59, tzinfo=UTC)  # 23:59:59 PST on the 4th
    assert when_text(moment) == "Fri 2026-12-04 23:59 PST"
    assert when_text(moment, seconds=True) == "Fri 2026-12-04 23:59:59 PST"


def test_daylight_time_is_named_and_days_are_iso_dates():
    assert when_text(datetime(2026, 6, 1, 16, 0, tzinfo=UTC)) == "Mon 2026-06-01 09:00 PDT"
    assert day_text(date(1975, 4, 5)) == "1975-04-05"
    assert when_text(date(1975, 4, 5)) == "1975-04-05"
    assert when_text(None) == "" and day_text(None) == ""


def test_the_offset_of_an_explanation():
    assert offset_text(datetime(2026, 6, 1, 9, tzinfo=ZoneInfo("America/Los_Angeles"))) == "UTC-7"
    assert offset_text(datetime(2026, 6, 1, 9, tzinfo=ZoneInfo("Asia/Kolkata"))) == "UTC+5:30"


def test_the_filters_need_no_load_tag():
    html = Template('{{ t|when }} · {{ t|when:"s" }} · {{ d|day }} · {{ nothing|when }}.').render(
        Context({"t": datetime(2026, 3, 8, 10, 0, 5, tzinfo=UTC), "d": date(2026, 3, 8)})
    )
    assert html == "Sun 2026-03-08 03:00 PDT · Sun 2026-03-08 03:00:05 PDT · 2026-03-08 · ."
