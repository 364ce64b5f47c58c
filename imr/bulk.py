"""Set-based inserts and updates for jobs that write thousands of rows (the sweep).

On PostgreSQL the rows travel by COPY: straight into the table when nothing is needed
back (rows_copy), otherwise into a temporary staging table dropped at commit, from which
one INSERT … SELECT (with its ON CONFLICT and RETURNING) or UPDATE … FROM writes the
real table. No model instances, no placeholder per value, and the driver formats the
rows in C (its array parameters are built value by value in Python: for the sweep's
150,000 rows that was most of the sweep's own CPU). Other databases (the embedded
SQLite of a development machine) get plain multi-row statements.
"""

import itertools
from collections.abc import Iterable, Sequence

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models.lookups import In

_CHUNK = 500  # rows per statement where arrays are not available


def rows_insert(
    *,
    table: str,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[tuple],
    on_conflict: str = "",
    returning: str = "",
    same: Sequence[tuple[str, str, object]] = (),
) -> list[tuple]:
    """INSERT rows into table; columns are (name, PostgreSQL type) pairs.

    `on_conflict` is appended as is ("ON CONFLICT (a, b) DO NOTHING"); `returning` names
    the columns to return for the rows actually inserted. Rows are inserted in the
    order given (callers sort them for a stable lock order). `same`: (name, type, value)
    of columns every row shares (a time stamp, an empty key), sent once, not per row.
    """
    if not rows:
        return []
    if same and connection.vendor != "postgresql":
        columns = [*columns, *((name, kind) for name, kind, _ in same)]
        rows = [(*row, *(value for _, _, value in same)) for row in rows]
        same = ()
    names = ", ".join(f'"{name}"' for name, _ in columns)
    all_names = ", ".join([names, *(f'"{name}"' for name, _, _ in same)])
    tail = f" {on_conflict}" if on_conflict else ""
    tail += f" RETURNING {returning}" if returning else ""
    out: list[tuple] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with transaction.atomic(savepoint=False):  # the staging table lives until commit
                stage = rows_stage(columns, rows)
                values = ", ".join(
                    [f's."{name}"' for name, _ in columns] + [f"%s::{kind}" for _, kind, _ in same]
                )
                cursor.execute(
                    f"INSERT INTO {table} ({all_names}) SELECT {values} "  # noqa: S608
                    f"FROM {stage} AS s ORDER BY s.n{tail}",
                    [value for _, _, value in same],
                )
                return cursor.fetchall() if returning else []
        row_marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start : start + _CHUNK]
            sql = f"INSERT INTO {table} ({names}) VALUES {', '.join([row_marks] * len(chunk))}"  # noqa: S608
            cursor.execute(sql + tail, [value for row in chunk for value in row])
            if returning:
                out += cursor.fetchall()
    return out


def rows_copy(*, table: str, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Append rows to table by COPY on PostgreSQL (a plain INSERT elsewhere).

    For rows whose ids are not needed back (clock events): no statement per chunk, no
    arrays to unpack, and the server inserts them in multi-row batches. Values travel as
    text (a value already a JSON text is stored as is in a jsonb column).
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            names = ", ".join(f'"{name}"' for name in columns)
            marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
            for start in range(0, len(rows), _CHUNK):
                chunk = rows[start : start + _CHUNK]
                cursor.execute(
                    f"INSERT INTO {table} ({names}) VALUES {', '.join([marks] * len(chunk))}",  # noqa: S608
                    [value for row in chunk for value in row],
                )
        return
    import psycopg  # PostgreSQL only

    connection.ensure_connection()
    names = ", ".join(f'"{name}"' for name in columns)
    with (
        psycopg.Cursor(connection.connection) as cursor,
        cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


class AnyOf(In):
    """`field IN (values)` for thousands of values: on PostgreSQL one array parameter,
    `field = ANY(%s)`, so neither Django nor the driver handles a placeholder per value.

        queryset.filter(AnyOf(F("pk"), ids))
    """

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [value for value in self.rhs if value is not None]
        if not values:
            raise EmptyResultSet
        # Typed as the column: an array of int4 against a bigint column cannot be hashed,
        # so PostgreSQL compared each row with every id in turn (0.4 s for 2,000 ids over
        # 20,000 rows instead of 13 ms).
        array = f"{self.lhs.output_field.db_type(connection)}[]"
        return f"{lhs} = ANY(%s::{array})", (*lhs_params, values)


def column_set(*, table: str, column: str, kind: str, values: dict[int, object]) -> None:
    """UPDATE table SET column = values[id] for each id (one statement on PostgreSQL)."""
    if not values:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with transaction.atomic(savepoint=False):  # the staging table lives until commit
                stage = rows_stage([("id", "bigint"), ("value", kind)], values.items())
                cursor.execute(
                    f"UPDATE {table} AS t SET {column} = s.value "  # noqa: S608
                    f"FROM {stage} AS s WHERE t.id = s.id"
                )
            return
        # NULLs apart: a CASE whose every branch is NULL has no type to assign.
        nulls = [pk for pk, value in values.items() if value is None]
        for start in range(0, len(nulls), _CHUNK):
            chunk = nulls[start : start + _CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"UPDATE {table} SET {column} = NULL WHERE id IN ({marks})",  # noqa: S608
                chunk,
            )
        items = [(pk, value) for pk, value in values.items() if value is not None]
        for start in range(0, len(items), _CHUNK):
            chunk = items[start : start + _CHUNK]
            cases = " ".join(["WHEN %s THEN %s"] * len(chunk))
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"UPDATE {table} SET {column} = CASE id {cases} END WHERE id IN ({marks})",  # noqa: S608
                [value for pair in chunk for value in pair] + [pk for pk, _ in chunk],
            )


def values_rows(queryset) -> list[tuple]:
    """The rows of a values_list() queryset, its parameters bound on the server.

    For reads by thousands of ids (`pk__in=batch`): Django's client-side binding quotes
    each id in Python; bound on the server they travel as they are. Same rows and order
    as iterating the queryset; the values come back as the database types them.
    """
    if connection.vendor != "postgresql":
        return [tuple(row) for row in queryset]
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # `pk__in=[]`: Django knows there is nothing to read
        return []
    return _execute_binary(sql, list(params))


def _execute_binary(sql: str, params: list) -> list[tuple]:
    """Run on the same connection and transaction, parameters bound server-side in binary.

    Django's cursor binds on the client, which quotes every array element through a
    regular expression; for tens of thousands of values that costs seconds.
    """
    import psycopg  # PostgreSQL only

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, binary=True)  # %b placeholders: binary parameters
        return cursor.fetchall() if cursor.description else []


_stages = itertools.count(1)


def rows_stage(columns: Sequence[tuple[str, str]], rows: Iterable[tuple]) -> str:
    """COPY rows into a new temporary table, dropped when the transaction ends; returns
    its name, for a statement that writes from it. Its column `n` keeps the order the
    rows came in. PostgreSQL only; columns are (name, PostgreSQL type) pairs."""
    import psycopg  # PostgreSQL only

    if not connection.in_atomic_block:
        raise RuntimeError("rows_stage needs a transaction: its table is dropped at commit")
    name = f"bulk_stage_{next(_stages)}"
    definition = ", ".join([*(f'"{column}" {kind}' for column, kind in columns), "n integer"])
    names = ", ".join([*(f'"{column}"' for column, _ in columns), "n"])
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {name} ({definition}) ON COMMIT DROP")
        with cursor.copy(f"COPY {name} ({names}) FROM STDIN") as copy:
            for position, row in enumerate(rows):
                copy.write_row((*row, position))
    return name
