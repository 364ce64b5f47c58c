"""Pages and the sweep at a plan's full history, on PostgreSQL (issue 10).

    .venv/bin/python bench/perf_bench.py [--count 200000] [--small 20000] [--repeat 30]
        [--database imr_bench_perf] [--keep] [--reuse] [--sweep-clocks 20000]
        [--snapshot] [--generate-only] [--small-database NAME]

Creates a scratch database (dropped at the end unless --keep), migrates it and loads
--small cases with `bench/generate_cases.py` logic, all of them open; measures; then adds the
rest of --count as closed cases (years of history) and measures again. --snapshot copies
the database after the small step to NAME_small (kept); --generate-only loads both steps and
measures nothing (with --snapshot: two databases to measure later, or to copy for
experiments with `CREATE DATABASE … TEMPLATE …`); --reuse --small-database NAME_small then
measures both columns, each in a new process, without generating anything. Both steps
therefore have the same open cases and running clocks, and the ratio shows how each
page and the sweep grow with closed cases. --reuse measures a database an earlier
--keep run left at full size (the small column is then left empty).

Measured, each through Django's test client, --repeat times after one warm-up request:
the work queue (home page of a UM coordinator), a case page (an open case with
documents, events, clocks, a review, a determination and letters), the case list
searching a common last-name prefix, and the QUAC report of the last twelve months.
Server time median and 95th percentile; the SQL queries of one request; for the work
queue and the case page the same queries re-run raw on a cursor (the bare SQL the page
needs) and the ratio page / bare SQL. The sweep: --sweep-clocks running clocks made due
(the other running clocks have nothing pending), swept in a transaction that is rolled
back, then VACUUM ANALYZE, so every run sees the same due clocks; median of 3.
EXPLAIN (ANALYZE, BUFFERS) of the work queue query and of the sweep's selection query
are printed and written to bench/results/.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--small", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--sweep-clocks", type=int, default=20_000)
    parser.add_argument("--sweep-runs", type=int, default=3)
    parser.add_argument("--database", default="imr_bench_perf")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--reuse", action="store_true", help="Measure a kept database.")
    parser.add_argument("--snapshot", action="store_true", help="Keep a copy after the small step.")
    parser.add_argument("--generate-only", action="store_true", help="Load, measure nothing.")
    parser.add_argument("--small-database", help="With --reuse: the small column's database.")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # the child: one column, JSON
    args = parser.parse_args()
    if not args.database.startswith(("imr_bench", "imr_perf")):
        parser.error("--database must start with imr_bench or imr_perf (a scratch database).")
    if not args.database.replace("_", "").isalnum():
        parser.error("--database: letters, digits and underscores only.")
    if args.small_database and not (
        args.reuse
        and args.small_database.startswith(("imr_bench", "imr_perf"))
        and args.small_database.replace("_", "").isalnum()
    ):
        parser.error("--small-database: with --reuse, a scratch database name.")
    if args.generate_only:
        args.keep = True
    if not args.server.startswith(
        ("postgres://postgres@127.0.0.1", "postgres://postgres@localhost")
    ):
        parser.error("--server must be the local PostgreSQL.")

    if not args.reuse and not args.measure:
        _recreate(args.server, args.database)
    os.environ["DATABASE_URL"] = f"{args.server}/{args.database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "imr.settings.base"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django

    django.setup()
    from django.core.management import call_command

    columns: dict[str, dict[str, object]] = {}
    if args.measure:
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        print(_COLUMN + json.dumps(_measure(args, label=args.measure)), flush=True)
        connections_close()
        return
    try:
        call_command("migrate", verbosity=0)
        # Pages are rendered as in production: hashed static names from the manifest.
        call_command("collectstatic", interactive=False, verbosity=0)
        if not args.reuse:
            _load(args.small, open_share=1.0, seed=1)
            _prepare_sweep(args.sweep_clocks)
            if args.snapshot:
                _copy(args.server, args.database, f"{args.database}_small")
            if not args.generate_only:
                columns["small"] = _measure_fresh(args, "small")
            _load(args.count - args.small, open_share=0.0, seed=2)
        elif args.small_database:
            columns["small"] = _measure_fresh(args, "small", database=args.small_database)
        if args.generate_only:
            print(f"generated {args.database}" + (f" and {args.database}_small" * args.snapshot))
            return
        columns["large"] = _measure_fresh(args, "large")
        _print_table(columns)
        _print_issue_table(columns)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _drop(args.server, args.database)


_COLUMN = "COLUMN-JSON "


def connections_close() -> None:
    from django.db import connections

    connections.close_all()


def _measure_fresh(args, label: str, *, database: str | None = None) -> dict[str, object]:
    """_measure in a new process: the one that generated the cases holds a heap that slows
    every later request (the same case page took 107 ms there, 47 ms in a new process)."""
    from django.db import connections

    connections.close_all()
    command = [sys.executable, __file__, "--measure", label, "--reuse", "--keep"]
    for name in ("count", "small", "repeat", "sweep_clocks", "sweep_runs", "database", "server"):
        command += [f"--{name.replace('_', '-')}", str(getattr(args, name))]
    if database:
        command += ["--database", database]  # the last one given wins
    child = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    lines = child.stdout.splitlines()
    print("\n".join(line for line in lines if not line.startswith(_COLUMN)), flush=True)
    return json.loads(next(line for line in lines if line.startswith(_COLUMN))[len(_COLUMN) :])


def _recreate(server: str, name: str) -> None:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _copy(server: str, source: str, name: str) -> None:
    """CREATE DATABASE … TEMPLATE needs the source without other sessions: ours is closed."""
    connections_close()
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    print(f"copied {source} to {name}", flush=True)


def _drop(server: str, name: str) -> None:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _load(count: int, *, open_share: float, seed: int) -> None:
    from tests.support.synthetic import cases_generate

    started = time.perf_counter()
    counts = cases_generate(count=count, open_share=open_share, seed=seed)
    history = sum(n for label, n in counts.items() if ".Historical" in label)
    print(
        f"loaded {count:,} cases (open share {open_share}): {sum(counts.values()):,} rows, "
        f"{history:,} history rows, in {time.perf_counter() - started:.0f} s "
        f"[load {_load_average()}]",
        flush=True,
    )


def _load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _prepare_sweep(wanted: int) -> None:
    """Leave exactly `wanted` running clocks with an alert pending; the rest have none.

    Committed once, before both measurements, so the large step sweeps the same clocks.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE timelines_clock SET next_alert_at = NULL WHERE status = 'running' AND id NOT IN"
            " (SELECT id FROM timelines_clock WHERE status = 'running' ORDER BY id LIMIT %s)",
            [wanted],
        )
        cursor.execute("VACUUM ANALYZE timelines_clock")


def _measure(args, *, label: str) -> dict[str, object]:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from cases.models import Case

    if not getattr(_measure, "set_up", False):
        setup_test_environment()  # the test client's template and context capture
        _measure.set_up = True
    users = get_user_model().objects
    um = users.get(username="synthetic.um01")
    cmo = users.get(username="synthetic.cmo1")
    staff, chief = Client(), Client()
    staff.force_login(um)
    chief.force_login(cmo)
    case = (
        Case.objects.filter(status="notified", letters__isnull=False, clocks__status="running")
        .order_by("pk")
        .first()
    )
    from reports.forms import last_twelve_months

    start, end = last_twelve_months()
    # The term is POSTed (never in a URL); the list is then read by the session's key.
    search_url = staff.post("/cases/search/", {"q": "Garc"})["Location"]
    pages = {
        "work queue": (staff, "/"),
        "case page": (staff, f"/cases/{case.pk}/"),
        "case list search": (staff, search_url),
        "QUAC report 12 months": (
            chief,
            f"/reports/?date_from={start:%Y-%m-%d}&date_to={end:%Y-%m-%d}",
        ),
    }
    total = Case.objects.count()
    open_cases = Case.objects.open().count()
    print(f"\n== {label}: {total:,} cases, {open_cases:,} open [load {_load_average()}]")
    out: dict[str, object] = {"cases": total, "open": open_cases}
    for name, (client, url) in pages.items():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        times = []
        repeat = args.repeat
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - started)
        from django.db import connection

        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        row = {
            "median": statistics.median(times),
            "p95": _percentile(times, 0.95),
            "queries": len(captured),
        }
        if name in ("work queue", "case page"):
            bare = [_bare_sql(captured.captured_queries) for _ in range(repeat)]
            row["bare"] = statistics.median(bare)
            row["ratio"] = row["median"] / row["bare"]
        if name == "work queue":
            _explain(captured.captured_queries, f"{label}_work_queue", must_contain="next_due_at")
        if name in ("case page", "case list search"):
            _explain_each(captured.captured_queries, f"{label}_{name.replace(' ', '_')}")
        out[name] = row
        print(
            f"  {name:24s} median {row['median'] * 1000:8.1f} ms  p95 {row['p95'] * 1000:8.1f} ms"
            f"  {row['queries']:3d} queries [load {_load_average()}]",
            flush=True,
        )
    out["sweep"] = _time_sweep(args, label)
    return out


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _bare_sql(queries: list[dict]) -> float:
    """Re-run the page's statements on a cursor, rolled back: the database's share."""
    from django.db import connection, transaction

    skip = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")
    with transaction.atomic():
        with connection.cursor() as cursor:
            started = time.perf_counter()
            for query in queries:
                sql = query["sql"]
                if sql.lstrip().upper().startswith(skip):
                    continue
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()
            elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def _explain(queries: list[dict], name: str, *, must_contain: str) -> None:
    from django.db import connection

    # Only reads: EXPLAIN ANALYZE runs the statement.
    candidates = [
        q
        for q in queries
        if must_contain in q["sql"] and q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
    ]
    if not candidates:
        print(f"  (no query with {must_contain!r} to explain)")
        return
    text = []
    with connection.cursor() as cursor:
        for query in candidates[:2]:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            plan = "\n".join(line for (line,) in cursor.fetchall())
            text.append(f"{query['sql']}\n\n{plan}\n")
            # A filter of thousands of ids is cut for the screen; the file has it whole.
            shown = "\n".join(
                line if len(line) < 300 else line[:300] + " …" for line in plan.split("\n")
            )
            print(f"\n-- EXPLAIN (ANALYZE, BUFFERS) {name}\n{shown}\n")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.txt").write_text("\n\n".join(text))


def _explain_each(queries: list[dict], name: str) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of every read the page ran: one summary line each.

    The line: execution time, shared buffers hit + read, rows of the top node and the scans
    it used; the full plans go to bench/results/<name>.txt. Writes are not explained (the
    ANALYZE would run them).
    """

    from django.db import connection, transaction

    lines, full = [], []
    with transaction.atomic(), connection.cursor() as cursor:
        for number, query in enumerate(queries, 1):
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
            (document,) = cursor.fetchone()
            document = json.loads(document) if isinstance(document, str) else document
            plan = document[0]["Plan"]
            buffers = plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0)
            scans = sorted(set(_scans(plan)))
            lines.append(
                f"  {number:3d} {document[0]['Execution Time']:8.2f} ms {buffers:6d} buf"
                f" {plan.get('Actual Rows', 0):6d} rows  {', '.join(scans)[:110]}"
            )
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)  # the readable form, for the file
            plan_text = "\n".join(line for (line,) in cursor.fetchall())
            full.append(f"-- {number}: {sql}\n{plan_text}\n")
        transaction.set_rollback(True)
    total = sum(float(line.split()[1]) for line in lines)
    print(f"\n-- EXPLAIN (ANALYZE, BUFFERS) {name}: {len(lines)} reads, {total:.1f} ms in all")
    print("\n".join(lines))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.txt").write_text("\n".join(lines) + "\n\n" + "\n".join(full))


def _scans(plan: dict) -> list[str]:
    """'Index Scan case_pkey', 'Seq Scan cases_document' … of a JSON plan, every level."""
    found = []
    kind = plan.get("Node Type", "")
    if "Scan" in kind:
        target = plan.get("Index Name") or plan.get("Relation Name") or ""
        found.append(f"{kind} {target}".strip())
    for child in plan.get("Plans", []):
        found.extend(_scans(child))
    return found


def _time_sweep(args, label: str) -> dict[str, object]:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from timelines.models import Clock
    from timelines.sweep import sweep

    due = Clock.objects.filter(status="running", next_alert_at__isnull=False)
    count = due.count()
    latest = max(due.values_list("due_at", flat=True), default=None)
    if latest is None:
        return {"clocks": 0}
    now = latest + timedelta(hours=1)  # every selected clock past its due time
    times, result = [], None
    for run in range(args.sweep_runs):
        with transaction.atomic():
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                result = sweep(now=now)
                times.append(time.perf_counter() - started)
            transaction.set_rollback(True)
        if run == 0:
            # After the rollback, so the plan is the one the sweep met: every clock due.
            name = f"{label}_sweep_selection"
            _explain(captured.captured_queries, name, must_contain="next_alert_at")
        with connection.cursor() as cursor:
            cursor.execute(
                "VACUUM ANALYZE timelines_clock, timelines_clockalert, timelines_clockevent,"
                " notifications_notification, timelines_sweeprun"
            )
    row = {
        "clocks": count,
        "median": statistics.median(times),
        "runs": times,
        "alerts": result.warned + result.breached if result else 0,
    }
    print(
        f"  sweep of {count:,} due clocks: median {row['median']:.2f} s "
        f"(runs {', '.join(f'{t:.2f}' for t in times)}) [load {_load_average()}]",
        flush=True,
    )
    return row


def _print_table(columns: dict[str, dict[str, object]]) -> None:
    small, large = columns.get("small"), columns["large"]
    print(f"\n{'measure':44s} {'20k-size':>12s} {'full size':>12s} {'ratio':>7s}")
    if small:
        print(f"{'cases (open)':44s} {small['cases']:>7,} ({small['open']:,}) ", end="")
        print(f"{large['cases']:>7,} ({large['open']:,})")
    for name in ("work queue", "case page", "case list search", "QUAC report 12 months"):
        for key, unit in (("median", "ms"), ("p95", "ms"), ("queries", ""), ("bare", "ms")):
            if key not in large[name]:
                continue
            value = large[name][key]
            before = small[name][key] if small else None
            scale = 1000 if unit else 1
            text = f"{value * scale:12.1f}" if unit else f"{value:12d}"
            old = (f"{before * scale:12.1f}" if unit else f"{before:12d}") if small else " " * 12
            ratio = f"{value / before:7.2f}" if small and before else ""
            print(
                f"{name + ' ' + key + (' (' + unit + ')' if unit else ''):44s} {old} {text} {ratio}"
            )
        if "ratio" in large[name]:
            old = f"{small[name]['ratio']:12.2f}" if small else " " * 12
            print(f"{name + ' page / bare SQL':44s} {old} {large[name]['ratio']:12.2f}")
    sweep_small, sweep_large = (small or {}).get("sweep"), large["sweep"]
    if sweep_large.get("clocks"):
        old = f"{sweep_small['median']:12.2f}" if sweep_small else " " * 12
        ratio = f"{sweep_large['median'] / sweep_small['median']:7.2f}" if sweep_small else ""
        name = f"sweep, {sweep_large['clocks']:,} due clocks (s)"
        print(f"{name:44s} {old} {sweep_large['median']:12.2f} {ratio}")
    print(f"[load {_load_average()}]")


# Issue 20's table: (measure, value of a column or None, unit, target, before at 20k, 200k).
def _issue_rows(column: dict | None) -> list:
    if not column:
        return [None] * 9
    queue, page = column["work queue"], column["case page"]
    return [
        queue["median"] * 1000,
        queue["ratio"],
        page["median"] * 1000,
        page["queries"],
        page["ratio"],
        page["bare"] * 1000,
        column["case list search"]["median"] * 1000,
        column["QUAC report 12 months"]["median"] * 1000,
        column["sweep"].get("median"),
    ]


_ISSUE = [
    ("work queue median (ms)", "≤ 50 ms, growth ≤ 1.1", 70.8, 83.7, True),
    ("work queue page / bare SQL", "≤ 1.5", 2.16, 1.84, False),
    ("case page median (ms)", "≤ 50 ms, growth ≤ 1.1", 60.8, 105.5, True),
    ("case page queries", "≤ 20", 48, 48, False),
    ("case page page / bare SQL", "≤ 2", 3.24, 3.44, False),
    ("case page bare SQL (ms)", "growth ≤ 1.1", 18.8, 30.7, True),
    ("case list search `Garc` median (ms)", "≤ 60 ms, growth ≤ 1.2", 45.2, 198.3, True),
    ("QUAC report, 12 months, median (ms)", "≤ 500 ms", 342, 2340, True),
    ("sweep of the due clocks (s)", "≤ 2 s", 4.31, 4.10, True),
]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.2f}" if value < 10 else f"{value:,.1f}"


def _print_issue_table(columns: dict[str, dict[str, object]]) -> None:
    """Issue 20's table, markdown: the numbers of 2026-12-02 beside this run's."""
    small, large = _issue_rows(columns.get("small")), _issue_rows(columns["large"])
    print(
        "\n| measure | before 20k | before 200k | before growth | now small | now full "
        "| now growth | target |\n|---|---|---|---|---|---|---|---|"
    )
    for (name, target, old_small, old_large, growth), new_small, new_large in zip(
        _ISSUE, small, large, strict=True
    ):

        def text(value) -> str:
            if value is None:
                return ""
            return (
                f"{value:,}"
                if isinstance(value, int)
                else f"{value:,.2f}"
                if value < 10
                else f"{value:,.1f}"
            )

        old_growth = f"{old_large / old_small:.2f}" if growth else ""
        new_growth = (
            f"{new_large / new_small:.2f}" if growth and new_small and new_large is not None else ""
        )
        print(
            f"| {name} | {_cell(old_small)} | {_cell(old_large)} | {old_growth} | "
            f"{_cell(new_small)} | {_cell(new_large)} | {new_growth} | {target} |"
        )


if __name__ == "__main__":
    main()
