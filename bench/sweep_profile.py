"""Where one sweep of every due clock spends its time: Python (cProfile) and each statement.

    .venv/bin/python bench/sweep_profile.py --database imr_bench_sweep [--runs 1] [--top 25]

Measures a scratch copy of a benchmark database (`CREATE DATABASE imr_bench_x TEMPLATE
imr_bench_tpl`), migrated with this branch's migrations. As `bench/perf_bench.py` does,
`now` is one hour after the latest due time of the clocks with an alert pending, so every
one passes every level; the sweep runs in a transaction that is rolled back (then VACUUM
ANALYZE), so each run sees the same clocks. Prints the wall time, the time in statements
by kind (summed over batches: count, total, share), and cProfile's top functions by own
time. The statement timer wraps Django's cursor and imr.bulk's binary cursor, so its
overhead (a perf_counter pair per statement) is in the totals. It also prints the CPU
seconds of the sweep's own process and of its PostgreSQL backend (from /proc: the database
must be local): on a machine shared with other work, the wall time grows with the load
but the CPU the sweep needs does not, so before/after compare best on that line.
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import sys
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--slow", type=float, default=0, help="Print statements over N s.")
    parser.add_argument("--batch-size", type=int, help="sweep(batch_size=…), default BATCH_SIZE")
    parser.add_argument("--sort", default="tottime", help="cProfile order: tottime, cumtime")
    parser.add_argument("--no-profile", action="store_true", help="Statement timing only.")
    parser.add_argument(
        "--deferred",
        action="store_true",
        help="Leave the foreign-key checks deferred: the rollback then skips them, so the"
        " time misses what each batch's commit costs (perf_bench's sweep row measures so).",
    )
    args = parser.parse_args()
    if not args.database.startswith(("imr_bench", "imr_perf")) or args.database.endswith("_tpl"):
        parser.error("--database: a scratch copy (imr_bench_…), never a template.")
    os.environ["DATABASE_URL"] = f"{args.server}/{args.database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "imr.settings.base"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    import imr.bulk
    from timelines.models import Clock
    from timelines.sweep import case_path, sweep

    call_command("migrate", verbosity=0)
    case_path(1)  # the URL conf loaded, as in a long-running worker
    due = Clock.objects.filter(status="running", next_alert_at__isnull=False)
    count = due.count()
    latest = max(due.values_list("due_at", flat=True), default=None)
    if latest is None:
        raise SystemExit("no clock with an alert pending")
    now = latest + timedelta(hours=1)

    statements: dict[str, list[float]] = defaultdict(list)

    def timed_django(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            _note(sql, time.perf_counter() - started)

    def _note(sql, seconds):
        statements[_kind(sql)].append(seconds)
        if args.slow and seconds > args.slow:
            print(f"  slow: {seconds:.3f} s {' '.join(sql.split())[:300]}")

    binary = imr.bulk._execute_binary

    def timed_binary(sql, params):
        started = time.perf_counter()
        try:
            return binary(sql, params)
        finally:
            _note(sql, time.perf_counter() - started)

    imr.bulk._execute_binary = timed_binary
    copy = getattr(imr.bulk, "rows_copy", None)
    if copy is not None:  # COPY does not go through either cursor's execute

        def timed_copy(*, table, columns, rows):
            started = time.perf_counter()
            try:
                return copy(table=table, columns=columns, rows=rows)
            finally:
                statements[f"COPY {table}"].append(time.perf_counter() - started)

        import notifications.services
        import timelines.sweep

        for module in (imr.bulk, timelines.sweep, notifications.services):
            if hasattr(module, "rows_copy"):
                module.rows_copy = timed_copy
    for run in range(args.runs):
        statements.clear()
        profile = None if args.no_profile else cProfile.Profile()
        with transaction.atomic():
            if not args.deferred:
                # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: checked at
                # commit, which the rollback below never reaches. Checked per statement
                # here, so the figure holds the work a committing sweep does.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backend = cursor.fetchone()[0]
            server_cpu, python_cpu = _cpu_seconds(backend), time.process_time()
            with connection.execute_wrapper(timed_django):
                started = time.perf_counter()
                if profile:
                    profile.enable()
                result = sweep(
                    now=now, **({"batch_size": args.batch_size} if args.batch_size else {})
                )
                if profile:
                    profile.disable()
                wall = time.perf_counter() - started
            server_cpu = _cpu_seconds(backend) - server_cpu
            python_cpu = time.process_time() - python_cpu
            transaction.set_rollback(True)
        with connection.cursor() as cursor:
            cursor.execute(
                "VACUUM ANALYZE timelines_clock, timelines_clockalert, timelines_clockevent,"
                " notifications_notification, timelines_sweeprun"
            )
        in_sql = sum(sum(times) for times in statements.values())
        print(
            f"run {run + 1}: {count:,} due clocks, {wall:.3f} s "
            f"(warned {result.warned}, breached {result.breached}, "
            f"notifications {result.notifications}) [load {_load()}]"
        )
        print(f"  statements {in_sql:.3f} s, the rest (Python, driver) {wall - in_sql:.3f} s")
        print(
            f"  CPU: PostgreSQL backend {server_cpu:.3f} s + this process {python_cpu:.3f} s"
            f" = {server_cpu + python_cpu:.3f} s (what a busy machine does not inflate)"
        )
        for kind, times in sorted(statements.items(), key=lambda item: -sum(item[1])):
            print(f"  {len(times):4d} × {kind:60s} {sum(times):7.3f} s {sum(times) / wall:5.1%}")
        if profile:
            out = io.StringIO()
            stats = pstats.Stats(profile, stream=out)
            stats.sort_stats(args.sort).print_stats(args.top)
            print("\n".join(out.getvalue().splitlines()[4:]))


def _kind(sql: str) -> str:
    """A statement's verb and table, e.g. INSERT timelines_clockevent."""
    text = " ".join(sql.split())
    for pattern in (
        r"^(INSERT INTO) \"?(\w+)",
        r"^(UPDATE) \"?(\w+)",
        r"^(SELECT) .*? FROM \"?(\w+)",
        r"^(WITH) (\w+)",
        r"^(\w+)",
    ):
        match = re.match(pattern, text, re.IGNORECASE)
        if match:
            return " ".join(match.groups())
    return text[:60]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a local process (the database backend), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
