"""Load synthetic cases for benchmarks and load tests (issue 10). Never in production.

    .venv/bin/python bench/generate_cases.py --count N [--open-share 0.1] [--seed 0]
        [--years 3]

Writes N synthetic cases (members, referral files, documents metadata, reviews,
determinations, letters, clocks, events and history) in bulk into the database
DATABASE_URL names, already migrated; obviously fake PHI (tests/support/synthetic.py).
DJANGO_SETTINGS_MODULE defaults to imr.settings.base, as for manage.py.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, required=True, help="How many cases.")
    parser.add_argument(
        "--open-share", type=float, default=0.1, help="Share of open cases (default 0.1)."
    )
    parser.add_argument("--seed", type=int, default=0, help="Random seed (default 0).")
    parser.add_argument(
        "--years", type=int, default=3, help="Closed cases spread over this many years."
    )
    parser.add_argument("-v", "--verbosity", type=int, default=1, choices=[0, 1, 2, 3])
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imr.settings.base")
    if os.environ["DJANGO_SETTINGS_MODULE"].endswith("production"):
        parser.error("refuses to run with production settings.")
    if args.count < 1:
        parser.error("--count must be at least 1.")
    if not 0 <= args.open_share <= 1:
        parser.error("--open-share must be between 0 and 1.")
    import django

    django.setup()
    from tests.support.synthetic import cases_generate

    started = time.perf_counter()

    def progress(done: int) -> None:
        if args.verbosity >= 1 and (done % 50_000 == 0 or done == args.count):
            print(f"  {done:,} cases ({time.perf_counter() - started:.0f} s)", flush=True)

    counts = cases_generate(
        count=args.count,
        open_share=args.open_share,
        seed=args.seed,
        years=args.years,
        progress=progress,
    )
    rows = sum(counts.values())
    history = sum(n for label, n in counts.items() if ".Historical" in label)
    print(
        f"{args.count:,} cases, {rows:,} rows ({history:,} history rows) "
        f"in {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
