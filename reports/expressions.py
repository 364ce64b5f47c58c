"""Database expressions the QUAC report needs and Django does not ship.

Every figure of the report is computed by the database (R-RPT-2). Percentiles use
PostgreSQL's ordered-set aggregate percentile_cont; SQLite has none, so the report says
"not available on SQLite" there instead of computing them in Python.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import NotSupportedError
from django.db.models import Aggregate, Expression, F, FloatField, Func
from django.db.models.sql.compiler import SQLCompiler

from timelines.models import Holiday

# A Monday long before any case: business-day arithmetic counts weekdays from it.
_MONDAY_EPOCH = "1900-01-01"


class PercentileCont(Aggregate):
    """percentile_cont(ARRAY[f1, f2, …]) WITHIN GROUP (ORDER BY expression): interpolated
    percentiles over the group (0.5 is the median), as a list in the order asked.

    Several fractions share one sort of the group, which is most of the cost on a large
    range. PostgreSQL only.
    """

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    output_field = ArrayField(FloatField())
    template = (
        "%(function)s(ARRAY[%(fractions)s]::double precision[]) "
        "WITHIN GROUP (ORDER BY %(expressions)s)"
    )

    def __init__(
        self, expression: Expression | str, *, fractions: tuple[float, ...], **extra: object
    ) -> None:
        if not fractions or not all(0.0 <= fraction <= 1.0 for fraction in fractions):
            raise ValueError("A percentile's fraction is between 0 and 1.")
        # Float literals from code, never from input: repr() keeps them exact in the SQL.
        literals = ", ".join(repr(float(fraction)) for fraction in fractions)
        super().__init__(expression, fractions=literals, **extra)

    def as_sqlite(self, compiler: SQLCompiler, connection, **extra: object):
        raise NotSupportedError("Percentiles need PostgreSQL (percentile_cont).")


class HoursBetween(Func):
    """Elapsed hours from `start` to `end` (NULL when either is NULL)."""

    output_field = FloatField()
    arity = 2

    def __init__(self, start: str | Expression, end: str | Expression) -> None:
        super().__init__(_field(start), _field(end))

    def as_sql(self, compiler: SQLCompiler, connection, **extra: object):
        start, end = (compiler.compile(expression) for expression in self.source_expressions)
        sql = f"(EXTRACT(EPOCH FROM ({end[0]} - {start[0]})) / 3600.0)::double precision"
        return sql, (*end[1], *start[1])

    def as_sqlite(self, compiler: SQLCompiler, connection, **extra: object):
        start, end = (compiler.compile(expression) for expression in self.source_expressions)
        return f"((julianday({end[0]}) - julianday({start[0]})) * 24.0)", (*end[1], *start[1])


class BusinessDaysBetween(Func):
    """Business days from `start` to `end` as the deadline rules count them: the local day
    of `start` is not counted, every Monday–Friday after it up to and including the local
    day of `end` is, except the plan's holidays (timelines.Holiday). PostgreSQL only.

    Weekdays come from arithmetic (no row per day) and holidays from a binary search of
    one sorted array, so the cost per case is a few arithmetic operations.
    """

    output_field = FloatField()
    arity = 2

    def __init__(self, start: str | Expression, end: str | Expression, *, zone: str) -> None:
        super().__init__(_field(start), _field(end))
        self.zone = zone

    def as_sql(self, compiler: SQLCompiler, connection, **extra: object):
        (start_sql, start_params), (end_sql, end_params) = (
            compiler.compile(expression) for expression in self.source_expressions
        )
        start_day = f"(({start_sql}) AT TIME ZONE %s)::date"
        end_day = f"(({end_sql}) AT TIME ZONE %s)::date"
        start_args = (*start_params, self.zone)
        end_args = (*end_params, self.zone)

        def weekdays_through(day: str) -> str:
            offset = f"({day} - DATE '{_MONDAY_EPOCH}')"
            return f"(5 * ({offset} / 7) + LEAST(MOD({offset}, 7) + 1, 5))"

        holidays = connection.ops.quote_name(Holiday._meta.db_table)
        # The weekday holidays as one sorted array. The subquery has no outer reference,
        # so PostgreSQL computes it once per query (an InitPlan), and width_bucket() counts
        # the holidays up to a day by binary search: no per-case subquery. Built from a
        # model's table name only; every value travels as a parameter.
        holiday_days = (
            "(SELECT COALESCE(array_agg(h.date ORDER BY h.date), '{}'::date[]) "  # noqa: S608
            f"FROM {holidays} h WHERE EXTRACT(ISODOW FROM h.date) < 6)"
        )
        sql = (
            f"({weekdays_through(end_day)} - {weekdays_through(start_day)} "
            f"- (width_bucket({end_day}, {holiday_days}) "
            f"- width_bucket({start_day}, {holiday_days})))::double precision"
        )
        # Placeholders in order: end twice, start twice (weekdays), end, start (holidays).
        params = (*end_args, *end_args, *start_args, *start_args, *end_args, *start_args)
        return sql, params

    def as_sqlite(self, compiler: SQLCompiler, connection, **extra: object):
        raise NotSupportedError("Business-day turnaround needs PostgreSQL.")


def _field(value: str | Expression) -> Expression:
    return F(value) if isinstance(value, str) else value
