"""Time the QUAC report on PostgreSQL over many cases.

    .venv/bin/python bench/report_bench.py [--count 200000] [--database imr_report_bench]
        [--keep] [--reuse]

Creates a throwaway database (dropped at the end unless --keep), migrates it, bulk-loads
--count closed cases spread over the 24 months before 2026-07-01 with
tests/support/synthetic.py (as bench/generate_cases.py does: members, circumstances,
assignments, submissions, reviews, signed determinations, clocks met and missed,
history), which ends with ANALYZE, then times:
  twelve_months - the report for 2025-07-01..2026-06-30 (about half the cases), as the
                  page computes it (missed list cut to what the page shows);
  all_cases     - the same over the whole two years (every case);
  csv, pdf      - the twelve-month exports, figures included (the CSV lists every miss);
  um5, cms      - the new sections alone over the twelve months (R-RPT-3, R-RPT-4), part
                  of twelve_months already;
  turnarounds   - the IMROs' 12-month median turnaround the work queue reads (R-RPT-6).
--reuse times a database an earlier --keep run left, without loading it again.
Each is run once to warm the cache, then three times; the best and the median are shown.
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
        _time_reports()
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


def _time_reports() -> None:
    from cases.models import Case
    from reports.exports import report_csv_zip, report_pdf
    from reports.params import ReportParams
    from reports.regulatory import cms_table, um5_figures
    from reports.selectors import percentiles_available, quac_report, report_scope
    from reports.services import MISSED_SHOWN
    from reviewers.turnaround import imro_turnarounds

    twelve = ReportParams(date_from=date(2025, 7, 1), date_to=date(2026, 6, 30))
    everything = ReportParams(date_from=date(2024, 7, 1), date_to=date(2026, 6, 30))
    runs = {
        # As the page asks for it: the missed list cut to what the page shows.
        "twelve_months": lambda: quac_report(twelve, missed_limit=MISSED_SHOWN),
        "all_cases": lambda: quac_report(everything, missed_limit=MISSED_SHOWN),
        "csv": lambda: report_csv_zip(quac_report(twelve)),
        "pdf": lambda: report_pdf(quac_report(twelve, missed_limit=MISSED_SHOWN)),
        # Alone, as quac_report runs them: JIT off for the transaction.
        "um5": lambda: _without_jit(lambda: um5_figures(report_scope(twelve), now=END)),
        "cms": lambda: _without_jit(
            lambda: cms_table(report_scope(twelve), with_percentiles=percentiles_available())
        ),
        "turnarounds": lambda: imro_turnarounds(now=END),
    }
    covered = {
        "twelve_months": quac_report(twelve).cases,
        "all_cases": quac_report(everything).cases,
    }
    total = Case.objects.count()
    print(f"database: {total:,} cases; twelve months cover {covered['twelve_months']:,}")
    for name, run in runs.items():
        run()
        times = []
        for _ in range(3):
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
        print(f"{name:14s} best {min(times):6.2f} s   median {statistics.median(times):6.2f} s")


def _without_jit(run):
    from django.db import connection, transaction

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        return run()


if __name__ == "__main__":
    main()
