"""Time the QUAC report on PostgreSQL over many cases.

    .venv/bin/python bench/report_bench.py [--count 200000] [--database imr_report_bench]
        [--keep] [--reuse]

Creates a throwaway database (dropped at the end unless --keep), migrates it, bulk-loads
--count submitted cases spread evenly over the 24 months before 2026-07-01 (each with a
member, circumstances, an assignment, a submission, usually a review and a signed
determination, sometimes an amendment, and two or three clocks), runs ANALYZE as
autovacuum would, then times:
  twelve_months - the report for 2025-07-01..2026-06-30 (about half the cases), as the
                  page computes it (missed list cut to what the page shows);
  all_cases     - the same over the whole two years (every case);
  csv, pdf      - the twelve-month exports, figures included (the CSV lists every miss).
--reuse times a database an earlier --keep run left, without loading it again.
Each is run once to warm the cache, then three times; the best and the median are shown.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

START = datetime(2024, 7, 1, 8, tzinfo=UTC)
DAYS = 730
BATCH = 5000


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
    from django.contrib.auth import get_user_model
    from django.db import connection

    from cases.models import (
        Case,
        Determination,
        Document,
        Member,
        Practitioner,
        ReferralCircumstance,
    )
    from reviewers.models import Assignment, Imro, Review, Specialist, Specialty, Submission
    from timelines.models import Clock

    rng = random.Random(7)  # noqa: S311  (synthetic data, not security)
    owner = get_user_model().objects.create_user(username="bench.owner", password=None)
    practitioners = Practitioner.objects.bulk_create(
        [Practitioner(name=f"Bench practitioner {i}") for i in range(50)]
    )
    specialty = Specialty.objects.order_by("pk").first() or Specialty.objects.create(name="Bench")
    imros = [
        Imro.objects.create(
            name=f"Bench IMRO {letter}",
            contract_start=date(2020, 1, 1),
            contract_end=date(2030, 12, 31),
            contact_name="Desk",
            secure_delivery_address=f"{letter.lower()}@imro.invalid",
            charge_standard=Decimal("450.00"),
            charge_expedited=Decimal("850.00"),
            charge_retrospective=Decimal("500.00"),
        )
        for letter in "ABCD"
    ]
    reviewers = [
        Specialist.objects.create(
            name=f"Bench reviewer {i}",
            specialty=specialty,
            license_state="CA",
            license_number=f"B{i}",
            license_expires=date(2030, 1, 1),
            imro=imros[i] if i < len(imros) else None,
            charge_per_review=None if i < len(imros) else Decimal("700.00"),
        )
        for i in range(6)
    ]
    specialties = ["Cardiology", "Oncology", "Neurology", "Orthopaedic Surgery", "Dermatology"]
    review_types = ["standard"] * 7 + ["expedited"] * 2 + ["retrospective"]
    recommendations = ["uphold"] * 5 + ["overturn"] * 3 + ["modify"] * 2
    agree = {"uphold": "deny", "overturn": "approve", "modify": "modify"}

    for first in range(0, count, BATCH):
        size = min(BATCH, count - first)
        members = Member.objects.bulk_create(
            [
                Member(
                    first_name="Bench",
                    last_name=f"Member{first + i}",
                    cin=f"{first + i:08d}B",
                    date_of_birth=date(1960, 1, 1),
                    address_line1="1 Bench St",
                    city="Santa Rosa",
                    postal_code="95401",
                )
                for i in range(size)
            ]
        )
        plan = []
        for _ in range(size):
            receipt = START + timedelta(minutes=rng.randrange(DAYS * 24 * 60))
            review_type = rng.choice(review_types)
            plan.append((receipt, review_type))
        cases = Case.objects.bulk_create(
            [
                Case(
                    tar_number=f"TAR-B{first + i}",
                    member=members[i],
                    treating_practitioner=rng.choice(practitioners),
                    specialty=rng.choice(specialties),
                    review_type=review_type,
                    received_at_plan=receipt - timedelta(days=3),
                    owner=owner,
                    status="decided",
                )
                for i, (receipt, review_type) in enumerate(plan)
            ]
        )
        ReferralCircumstance.objects.bulk_create(
            [
                ReferralCircumstance(case=case, circumstance=circumstance)
                for case in cases
                for circumstance in rng.sample(range(1, 7), rng.choice([1, 1, 1, 2]))
            ]
        )
        assignments = Assignment.objects.bulk_create(
            [
                Assignment(
                    case=case,
                    specialist=(reviewer := rng.choice(reviewers)),
                    imro_id=reviewer.imro_id,
                    assigned_by=owner,
                    assigned_at=receipt - timedelta(days=1),
                )
                for case, (receipt, _) in zip(cases, plan, strict=True)
            ]
        )
        Submission.objects.bulk_create(
            [
                Submission(
                    case=case,
                    assignment=assignment,
                    submitted_by=owner,
                    submitted_at=receipt - timedelta(hours=1),
                    imro_received_at=receipt,
                    delivery_channel="portal",
                    review_type=review_type,
                    charge_to_plan=None if rng.random() < 0.03 else Decimal("450.00"),
                )
                for case, assignment, (receipt, review_type) in zip(
                    cases, assignments, plan, strict=True
                )
            ]
        )
        reviewed = [
            (case, assignment, receipt, review_type, receipt + _turnaround(rng, review_type))
            for case, assignment, (receipt, review_type) in zip(
                cases, assignments, plan, strict=True
            )
            if rng.random() < 0.95
        ]
        documents = Document.objects.bulk_create(
            [
                Document(
                    case=case,
                    kind="reviewer_determination",
                    title="Reviewer's determination",
                    original_name="determination.pdf",
                    storage_name=f"bench-{case.pk}",
                    content_type="application/pdf",
                    size=1,
                    sha256="0" * 64,
                    uploaded_by=owner,
                    uploaded_at=received,
                )
                for case, _, _, _, received in reviewed
            ]
        )
        reviews = Review.objects.bulk_create(
            [
                Review(
                    case=case,
                    assignment=assignment,
                    document=document,
                    recommendation=rng.choice(recommendations),
                    rationale="Bench.",
                    documents_reviewed="All.",
                    reviewer_qualifications="Board-certified.",
                    received_at=received,
                    received_via="portal",
                    recorded_by=owner,
                    recorded_at=received,
                )
                for (case, assignment, _, _, received), document in zip(
                    reviewed, documents, strict=True
                )
            ]
        )
        originals = []
        for review in reviews:
            if rng.random() < 0.95:
                outcome = agree[review.recommendation] if rng.random() < 0.9 else "approve"
                signed = review.received_at + timedelta(days=1)
                originals.append(
                    Determination(
                        case_id=review.case_id,
                        outcome=outcome,
                        rationale="Bench.",
                        follows_imro=True,
                        signed_by=owner,
                        signed_at=signed,
                        created_by=owner,
                        created_at=signed,
                    )
                )
        originals = Determination.objects.bulk_create(originals)
        Determination.objects.bulk_create(
            [
                Determination(
                    case_id=original.case_id,
                    amends=original,
                    outcome="approve",
                    rationale="Bench amendment.",
                    follows_imro=False,
                    signed_by=owner,
                    signed_at=original.signed_at + timedelta(days=2),
                    created_by=owner,
                    created_at=original.signed_at + timedelta(days=2),
                )
                for original in originals
                if rng.random() < 0.03
            ]
        )
        received_by_case = {case.pk: received for case, _, _, _, received in reviewed}
        clocks = []
        for case, (receipt, review_type) in zip(cases, plan, strict=True):
            received = received_by_case.get(case.pk)
            names = {
                "standard": [("imro_determination", 120)],
                "expedited": [("imro_determination", 24), ("appeal_resolution", 72)],
                "retrospective": [
                    ("imro_determination_target", 168),
                    ("imro_determination_limit", 216),
                ],
            }[review_type] + [("file_assembly", 72)]
            for name, hours in names:
                due = receipt + timedelta(hours=hours)
                if name == "file_assembly":
                    # Sent to the IMRO before receipt; about one in ten sent late.
                    due = receipt - timedelta(hours=2)
                    stopped = receipt - timedelta(hours=rng.uniform(1.5, 8))
                else:
                    stopped = received
                status = "running" if stopped is None else ("met" if stopped <= due else "missed")
                clocks.append(
                    Clock(
                        case=case,
                        name=name,
                        review_type=review_type,
                        trigger="imro_receipt",
                        rule_kind="elapsed_hours",
                        rule_amount=hours,
                        on_pass="breach",  # noqa: S106  (not a password)
                        started_at=receipt,
                        due_at=due,
                        status=status,
                        stopped_at=stopped,
                    )
                )
        Clock.objects.bulk_create(clocks)
        done = first + size
        if done % 50_000 == 0 or done == count:
            print(f"  {done:,} cases", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# Hours the IMRO is given, by review type (business days approximated as elapsed time).
_LIMIT_HOURS = {"standard": 120, "expedited": 24, "retrospective": 168}


def _turnaround(rng: random.Random, review_type: str) -> timedelta:
    """About nine reviews in ten arrive within the IMRO's time, the rest up to 50% late."""
    limit = _LIMIT_HOURS[review_type]
    share = rng.uniform(0.1, 1.0) if rng.random() < 0.9 else rng.uniform(1.0, 1.5)
    return timedelta(hours=limit * share)


def _time_reports() -> None:
    from cases.models import Case
    from reports.exports import report_csv_zip, report_pdf
    from reports.params import ReportParams
    from reports.selectors import quac_report
    from reports.services import MISSED_SHOWN

    twelve = ReportParams(date_from=date(2025, 7, 1), date_to=date(2026, 6, 30))
    everything = ReportParams(date_from=date(2024, 7, 1), date_to=date(2026, 6, 30))
    runs = {
        # As the page asks for it: the missed list cut to what the page shows.
        "twelve_months": lambda: quac_report(twelve, missed_limit=MISSED_SHOWN),
        "all_cases": lambda: quac_report(everything, missed_limit=MISSED_SHOWN),
        "csv": lambda: report_csv_zip(quac_report(twelve)),
        "pdf": lambda: report_pdf(quac_report(twelve, missed_limit=MISSED_SHOWN)),
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


if __name__ == "__main__":
    main()
