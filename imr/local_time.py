"""Local times typed by a person, in the plan's time zone (R-DL-18).

Twice a year a local time is not one moment: on the spring-forward night 02:30 does not
exist (clocks jump from 02:00 to 03:00), on the fall-back night 01:30 happens twice (first
on daylight time, then on standard time). Python quietly picks a reading for both, which
would put a regulatory clock an hour off. Every form field and API field that takes a
local time goes through `local_time_resolve`, which refuses a time that does not exist
(naming the gap) and an ambiguous one unless the person chose the reading (`fold`: 0 the
first occurrence, 1 the second), naming both readings.

A time is kept to whole seconds: the inputs offer seconds (step=1), nothing finer.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError


def plan_zone() -> ZoneInfo:
    """The plan's time zone (settings.PLAN_TIME_ZONE), in which people type times."""
    return ZoneInfo(settings.PLAN_TIME_ZONE)


@dataclass(frozen=True)
class Reading:
    """One moment a local wall-clock time can mean."""

    fold: int
    moment: datetime

    @property
    def label(self) -> str:
        """ "01:30 PDT (UTC-7)"."""
        offset = self.moment.utcoffset() or timedelta(0)
        hours, rest = divmod(int(offset.total_seconds()), 3600)
        minutes = abs(rest) // 60
        utc = f"UTC{hours:+d}" + (f":{minutes:02d}" if minutes else "")
        clock = f"{self.moment:%H:%M}" + (f":{self.moment:%S}" if self.moment.second else "")
        return f"{clock} {self.moment.tzname()} ({utc})"


class LocalTimeProblem(ValueError):
    """A typed local time that does not exist or is ambiguous; the message says why."""

    def __init__(self, message: str, readings: list[Reading] | None = None) -> None:
        super().__init__(message)
        self.readings = readings or []


def local_readings(naive: datetime, zone: ZoneInfo) -> list[Reading]:
    """The moments a naive local time can mean: none (in a gap), one, or two (repeated)."""
    naive = naive.replace(tzinfo=None, microsecond=0)
    readings = []
    for fold in (0, 1):
        moment = naive.replace(tzinfo=zone, fold=fold)
        # A time in the gap does not survive the round trip through UTC.
        if moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
            continue
        if readings and readings[0].moment.utcoffset() == moment.utcoffset():
            continue
        readings.append(Reading(fold=fold, moment=moment))
    return readings


def local_time_resolve(naive: datetime, zone: ZoneInfo, *, fold: int | None = None) -> datetime:
    """The aware moment a person meant by `naive`, in whole seconds (R-DL-18).

    Raises LocalTimeProblem when the time does not exist (naming the gap) or when it
    occurs twice and `fold` does not say which (naming both readings).
    """
    if naive.tzinfo is not None:
        return naive.replace(microsecond=0)
    try:
        readings = local_readings(naive, zone)
    except OverflowError:
        raise ValueError(f"{naive:%Y-%m-%d %H:%M} is out of range.") from None
    when = f"{naive:%Y-%m-%d %H:%M}" + (f":{naive:%S}" if naive.second else "")
    if not readings:
        start, end = _gap(naive, zone)
        raise LocalTimeProblem(
            f"{when} does not exist in {zone.key}: on {naive:%Y-%m-%d} clocks jump from "
            f"{start:%H:%M} to {end:%H:%M}. Enter a time before {start:%H:%M} or from "
            f"{end:%H:%M}."
        )
    if len(readings) == 1:
        return readings[0].moment
    chosen = [r for r in readings if r.fold == fold]
    if chosen:
        # In UTC: Python compares and subtracts two times of one zone by wall clock,
        # ignoring the fold, so 01:30 PST would equal 01:30 PDT.
        return chosen[0].moment.astimezone(UTC)
    first, second = readings
    raise LocalTimeProblem(
        f"{when} occurs twice in {zone.key} (clocks go back): {first.label} or "
        f"{second.label}. Choose which one you mean.",
        readings,
    )


def _gap(naive: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The local times where the gap around `naive` starts and ends (02:00 and 03:00)."""
    before = naive.replace(tzinfo=zone, fold=0).utcoffset() or timedelta(0)
    after = naive.replace(tzinfo=zone, fold=1).utcoffset() or timedelta(0)
    jump = abs(after - before)
    # The transition is the UTC instant where the offset changes: search by halving.
    low = (naive - before - jump).replace(tzinfo=UTC)
    high = (naive - before + jump).replace(tzinfo=UTC)
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset():
            low = middle
        else:
            high = middle
    start = high.astimezone(zone).replace(tzinfo=None) - jump
    return start.replace(microsecond=0), (start + jump).replace(microsecond=0)


def local_time_parse(text: str, zone: ZoneInfo, *, fold: int | None = None) -> datetime:
    """An ISO-8601 time typed by a person; without an offset, in `zone` (R-DL-18).

    Raises ValueError when it is not ISO-8601, LocalTimeProblem when it does not exist or
    is ambiguous (an offset, "-07:00" or "-08:00", says which)."""
    moment = datetime.fromisoformat(text.strip())
    return local_time_resolve(moment, zone, fold=fold)


# Forms: a datetime-local input with seconds, and the reading, offered only when needed.

FOLD_CHOICES = [
    ("", "—"),
    ("0", "the first time it occurs (before clocks go back)"),
    ("1", "the second time (after clocks go back)"),
]


class LocalDateTimeWidget(forms.MultiWidget):
    """A `datetime-local` input (seconds allowed) and, only when the typed time occurs
    twice, a select of its two readings ("01:30 PDT (UTC-7)", "01:30 PST (UTC-8)")."""

    template_name = "imr/widgets/local_datetime.html"

    def __init__(self, attrs: dict | None = None) -> None:
        # The time keeps the field's own name ("received_at"), so a hand-written form or
        # an old client posts it unchanged; the reading is "received_at_reading".
        widgets = {
            "": forms.DateTimeInput(
                attrs={"type": "datetime-local", "step": "1", **(attrs or {})},
                format="%Y-%m-%dT%H:%M:%S",
            ),
            "reading": forms.Select(choices=FOLD_CHOICES),
        }
        super().__init__(widgets)
        self.readings: list[Reading] = []

    def id_for_label(self, id_: str) -> str:
        """The field's label names the time input (MultiWidget labels nothing by default)."""
        return f"{id_}_0" if id_ else ""

    def decompress(self, value: object) -> list[object]:
        if isinstance(value, datetime):
            local = value.astimezone(plan_zone()) if value.tzinfo else value
            readings = local_readings(local.replace(tzinfo=None), plan_zone())
            # A saved time in the repeated hour shows its reading, so an edit keeps it.
            self.readings = readings if len(readings) == 2 else []
            fold = str(local.fold) if self.readings else ""
            return [local.replace(tzinfo=None, microsecond=0), fold]
        return [value, ""]

    def get_context(self, name: str, value: object, attrs: dict | None) -> dict:
        if not isinstance(value, list | tuple):
            value = self.decompress(value)  # first, so a saved reading is offered
        if self.readings:
            self.widgets[1].choices = [
                ("", "— choose —"),
                *((str(r.fold), r.label) for r in self.readings),
            ]
        context = super().get_context(name, value, attrs)
        context["widget"]["ask_reading"] = bool(self.readings)
        return context


class _WallTimeField(forms.CharField):
    """The typed wall-clock time, naive: Django's DateTimeField would make it aware in the
    current zone, refusing a gap or a repeat without saying why."""

    def to_python(self, value: object) -> datetime | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return datetime.fromisoformat(text.strip())
        except ValueError:
            raise ValidationError("Enter a date and time.", code="invalid") from None


class LocalDateTimeField(forms.MultiValueField):
    """A local time in the plan's zone, typed by a person (R-DL-18): refused when it does
    not exist or occurs twice without a chosen reading; whole seconds."""

    widget = LocalDateTimeWidget

    def __init__(self, **kwargs: object) -> None:
        fields = (_WallTimeField(), forms.ChoiceField(choices=FOLD_CHOICES, required=False))
        kwargs.setdefault("require_all_fields", False)
        super().__init__(fields, **kwargs)  # type: ignore[arg-type]

    def compress(self, data_list: list) -> datetime | None:
        if not data_list or data_list[0] in (None, ""):
            return None
        naive, fold = data_list[0], data_list[1] if len(data_list) > 1 else ""
        try:
            # Offer the reading whenever the time occurs twice, so a chosen one round-trips.
            readings = local_readings(naive, plan_zone()) if naive.tzinfo is None else []
            self.widget.readings = readings if len(readings) == 2 else []
            return local_time_resolve(naive, plan_zone(), fold=int(fold) if fold else None)
        except LocalTimeProblem as problem:
            raise ValidationError(str(problem), code="local_time") from None
        except (OverflowError, ValueError):
            raise ValidationError("Enter a date and time.", code="invalid") from None
