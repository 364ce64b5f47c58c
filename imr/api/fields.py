"""Serializer fields shared by the API of every app."""

from datetime import datetime

from rest_framework import serializers

from imr.local_time import LocalTimeProblem, local_time_parse, plan_zone


class LocalDateTimeField(serializers.DateTimeField):
    """An ISO-8601 time; without an offset, in the plan's time zone (R-DL-18).

    A time without an offset that does not exist (the spring-forward gap) or occurs twice
    (the fall-back hour) is refused naming the gap or both readings; an offset ("-07:00",
    "-08:00") says which reading is meant. Whole seconds.
    """

    def to_internal_value(self, value: object) -> datetime:
        if isinstance(value, datetime):
            return super().to_internal_value(value)
        try:
            return local_time_parse(str(value), plan_zone())
        except LocalTimeProblem as problem:
            raise serializers.ValidationError(
                f"{problem} Send the time with its UTC offset to choose."
            ) from None
        except ValueError:
            raise serializers.ValidationError("Not an ISO-8601 date and time.") from None
