"""Time the QUAC report on PostgreSQL over many cases.

    .venv/bin/python bench/report_bench.py [--count 200000] [--database imr_report_bench]
        [--keep] [--reuse] [--date-from 2025-07-01 --date-to 2026-06-30] [--runs 10]
        [--exports] [--rebuild]

Creates a throwaway database (dropped at the end unless --keep), migrates it, bulk-loads
--count closed cases spread over the 24 months before 2026-07-01 with
tests/support/synthetic.py (as bench/generate_cases.py does: members, circumstances,
assignments, submissions, reviews, signed determinations, clocks met and missed,
history), which ends with ANALYZE and the summary table's rebuild, then times, side by
side in one process (each run alternates the two ways, so both see the same load):
  twelve_months       - the whole report for --date-from..--date-to (twelve months by
                        default, about half the cases), as the page computes it (missed
                        list cut to what the page shows), reading the summary table;
  twelve_months_full  - the same computed from the facts (use_summary=False): the
                        computation of main before the summary table;
  quac / quac_full    - the QUAC sections alone (without UM 5 and CMS-0057-F), each way;
  um5, cms            - the regulatory sections alone from the facts (R-RPT-3, R-RPT-4);
  turnarounds         - the IMROs' 12-month median turnaround the work queue reads.
--exports adds all_cases (the whole two years), csv and pdf. --rebuild times
`rebuild_report_summary` (stored turnarounds and the whole summary) once.
--reuse times a database an earlier --keep run left (or a copy of a bench template:
migrate it with the branch's migrations first, which backfills and builds the summary),
without loading it again. Each is run once to warm the cache, then --runs times; the
best and the median are shown with the load average.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

END = datetime(2026, 7, 1, 8, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--database", default="imr_report_bench")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument(
        "--reuse", action="store_true", help="Time a database kept by an earlier --keep run."
    )
    parser.add_argument("--date-from", type=date.fromisoformat, default=date(2025, 7, 1))
    parser.add_argument("--date-to", type=date.fromisoformat, default=date(2026, 6, 30))
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--exports", action="store_true", help="Also all cases, CSV, PDF.")
    parser.add_argument("--rebuild", action="store_true", help="Time the summary rebuild.")
    args = parser.parse_args()
    if not args.database.replace("_", "").isalnum():
        parser.error("--database: letters, digits and underscores only.")

    if not args.reuse:
        _recreate(args.server, args.database)
    os.environ["DATABASE_URL"] = f"{args.server}/{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imr.settings.base")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    try:
        call_command("migrate", verbosity=0)
        if not args.reuse:
            started = time.perf_counter()
            _load(args.count)
            print(f"loaded {args.count:,} cases in {time.perf_counter() - started:.0f} s")
        if args.rebuild or not args.reuse:
            _time_rebuild()
        _time_reports(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _drop(args.server, args.database)


def _recreate(server: str, name: str) -> None:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def _drop(server: str, name: str) -> None:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _load(count: int) -> None:
    """Closed cases over the two years before END, by the synthetic bulk loader."""
    from tests.support.synthetic import cases_generate

    cases_generate(
        count=count,
        open_share=0.0,
        seed=7,
        end=END,
        years=2,
        progress=lambda done: (
            print(f"  {done:,} cases", flush=True) if done % 50_000 == 0 else None
        ),
    )


def _time_rebuild() -> None:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("rebuild_report_summary")
    print(
        f"rebuild_report_summary (all months) {time.perf_counter() - started:.1f} s "
        f"[load {_load()}]"
    )


def _time_reports(args: argparse.Namespace) -> None:
    from cases.models import Case
    from reports.exports import report_csv_zip, report_pdf
    from reports.params import ReportParams
    from reports.regulatory import cms_table, um5_figures
    from reports.selectors import percentiles_available, quac_report, report_scope
    from reports.services import MISSED_SHOWN
    from reviewers.turnaround import imro_turnarounds

    twelve = ReportParams(date_from=args.date_from, date_to=args.date_to)
    everything = ReportParams(date_from=date(2024, 7, 1), date_to=date(2026, 6, 30))
    now = datetime.now(UTC)
    # Run in pairs: after (the summary) and before (from the facts), alternating.
    pairs = {
        "twelve_months": (
            lambda: quac_report(twelve, now=now, missed_limit=MISSED_SHOWN),
            lambda: quac_report(twelve, now=now, missed_limit=MISSED_SHOWN, use_summary=False),
        ),
        "quac": (
            lambda: quac_report(twelve, now=now, missed_limit=MISSED_SHOWN, regulatory=False),
            lambda: quac_report(
                twelve, now=now, missed_limit=MISSED_SHOWN, use_summary=False, regulatory=False
            ),
        ),
    }
    singles = {
        # Alone, as quac_report runs them: JIT off for the transaction.
        "um5": lambda: _without_jit(lambda: um5_figures(report_scope(twelve), now=now)),
        "cms": lambda: _without_jit(
            lambda: cms_table(report_scope(twelve), with_percentiles=percentiles_available())
        ),
        "turnarounds": lambda: imro_turnarounds(now=now),
    }
    if args.exports:
        singles |= {
            "all_cases": lambda: quac_report(everything, missed_limit=MISSED_SHOWN),
            "csv": lambda: report_csv_zip(quac_report(twelve)),
            "pdf": lambda: report_pdf(quac_report(twelve, missed_limit=MISSED_SHOWN)),
        }
    summary, full = pairs["twelve_months"][0](), pairs["twelve_months"][1]()
    same = [t.records() for t in summary.tables()] == [t.records() for t in full.tables()]
    total = Case.objects.count()
    print(
        f"database: {total:,} cases; {twelve.date_from}..{twelve.date_to} covers "
        f"{summary.cases:,}; summary and full computation give identical tables: {same}"
    )
    print(f"{args.runs} runs each after one warm-up [load {_load()}]")
    for name, (after, before) in pairs.items():
        after()
        before()
        times: dict[str, list[float]] = {"summary": [], "full": []}
        for _ in range(args.runs):
            for label, run in (("summary", after), ("full", before)):
                started = time.perf_counter()
                run()
                times[label].append(time.perf_counter() - started)
        medians = {label: statistics.median(values) for label, values in times.items()}
        for label, values in times.items():
            print(
                f"{name + ('' if label == 'summary' else '_full'):20s} best {min(values):6.3f} s"
                f"   median {medians[label]:6.3f} s"
            )
        print(
            f"{'':20s} full / summary = {medians['full'] / medians['summary']:.1f}x "
            f"[load {_load()}]"
        )
    for name, run in singles.items():
        run()
        times_single = []
        for _ in range(min(args.runs, 5)):
            started = time.perf_counter()
            run()
            times_single.append(time.perf_counter() - started)
        print(
            f"{name:20s} best {min(times_single):6.3f} s   "
            f"median {statistics.median(times_single):6.3f} s"
        )
    print(f"[load {_load()}]")


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _without_jit(run):
    from django.db import connection, transaction

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        return run()


if __name__ == "__main__":
    main()
