"""Load synthetic cases for benchmarks and load tests (issue 10). Never in production."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.generate import cases_generate


class Command(BaseCommand):
    help = (
        "Write N synthetic cases (members, referral files, documents metadata, reviews, "
        "determinations, letters, clocks, events and history) in bulk. Obviously fake PHI."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True, help="How many cases.")
        parser.add_argument(
            "--open-share", type=float, default=0.1, help="Share of open cases (default 0.1)."
        )
        parser.add_argument("--seed", type=int, default=0, help="Random seed (default 0).")
        parser.add_argument(
            "--years", type=int, default=3, help="Closed cases spread over this many years."
        )

    def handle(self, *args, count: int, open_share: float, seed: int, years: int, **options):
        module = getattr(settings, "SETTINGS_MODULE", "") or ""
        if module.endswith("production"):
            raise CommandError("generate_cases refuses to run with production settings.")
        if count < 1:
            raise CommandError("--count must be at least 1.")
        if not 0 <= open_share <= 1:
            raise CommandError("--open-share must be between 0 and 1.")
        started = time.perf_counter()

        def progress(done: int) -> None:
            if options["verbosity"] >= 1 and (done % 50_000 == 0 or done == count):
                elapsed = time.perf_counter() - started
                self.stdout.write(f"  {done:,} cases ({elapsed:.0f} s)")

        counts = cases_generate(
            count=count, open_share=open_share, seed=seed, years=years, progress=progress
        )
        elapsed = time.perf_counter() - started
        rows = sum(counts.values())
        history = sum(n for label, n in counts.items() if ".Historical" in label)
        self.stdout.write(
            self.style.SUCCESS(
                f"{count:,} cases, {rows:,} rows ({history:,} history rows) in {elapsed:.0f} s"
            )
        )
