"""bandit over the project code, in CI.

Every finding is either fixed or listed below with the reason it is safe; a new finding
(or one more of a listed kind in a file) fails the test.

pip-audit is not here: it needs PyPI's per-release vulnerability data
(/pypi/<name>/<version>/json) or OSV, and the network CI runs on serves neither (every
package comes back "not found", which `--strict` rightly refuses and plain mode would
report as a false "no known vulnerabilities"). It runs where that data is reachable:
ops/audit_dependencies.sh (docs/operations.md).
"""

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
APPS = ["imr", "cases", "reviewers", "timelines", "notifications", "reports"]

# (file, bandit test id) → (how many, why each is safe). Reviewed one by one.
REVIEWED: dict[tuple[str, str], tuple[int, str]] = {
    ("cases/services/letters.py", "B308"): (
        2,
        "mark_safe on the output of a Django Template rendered with autoescape on (the "
        "letter body, and each insert): every case value in it is escaped; the template "
        "text itself is an Administrator's, versioned and reviewed (letter templates and "
        "inserts).",
    ),
    ("cases/services/letters.py", "B703"): (2, "The same mark_safe calls as B308 above."),
    ("reports/charts.py", "B703"): (
        1,
        "SafeString around render_to_string of our own SVG template (autoescaped); the "
        "values are numbers and month labels.",
    ),
    ("notifications/services.py", "B608"): (
        1,
        "Table names from model _meta and %s placeholders only; every value is a parameter.",
    ),
    ("reports/expressions.py", "B608"): (
        1,
        "A subquery built from a model's quoted table name; no input reaches the SQL text.",
    ),
    ("timelines/sweep.py", "B608"): (
        1,
        "INSERT … ON CONFLICT built from the model's table name and %s placeholders; "
        "values are parameters.",
    ),
    ("reports/regulatory.py", "B608"): (
        3,
        "UM 5 and CMS-0057-F aggregates over a compiled queryset: group and aggregate "
        "columns are constants of the module, joined tables are model _meta names quoted "
        "by connection.ops; dates, parties and the queryset's own values are parameters.",
    ),
    ("cases/models/case.py", "B611"): (
        1,
        "RawSQL of the model's own member_id column (from _meta) = ANY(%s); the matching "
        "member ids travel as one array parameter.",
    ),
    ("imr/settings/test.py", "B105"): (1, "The test settings' own key, never used elsewhere."),
    ("imr/accounts/backend.py", "B608"): (
        1,
        "The signed-in user's read: table names from the models' _meta, the user id a %s "
        "parameter; nothing from a request reaches the SQL text.",
    ),
    ("imr/bulk.py", "B608"): (
        6,
        "Bulk writes built from table and column names the callers take from model _meta "
        "and the staging table's own generated name (rows_stage): INSERT … SELECT FROM the "
        "stage, multi-row INSERT … VALUES and UPDATE … CASE with %s placeholders (the "
        "portable path), UPDATE … FROM the stage; every value is a parameter or COPY data.",
    ),
    ("reviewers/turnaround.py", "B608"): (
        1,
        "UPDATE … FROM unnest() of the stored turnarounds: the review table's name from "
        "_meta quoted by connection.ops; ids, hours and days are array parameters.",
    ),
}


def _run(args: list[str], timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_bandit_finds_nothing_that_was_not_reviewed():
    result = _run([str(BIN / "bandit"), "-r", *APPS, "-x", "*/migrations/*", "-f", "json", "-q"])
    assert result.returncode in (0, 1), result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert not report["errors"], report["errors"]
    assert report["metrics"]["_totals"]["loc"] > 5000  # it did scan the project
    found = Counter(
        (str(Path(r["filename"]).as_posix()).removeprefix("./"), r["test_id"])
        for r in report["results"]
    )
    unreviewed = {
        key: count
        for key, count in found.items()
        if key not in REVIEWED or count > REVIEWED[key][0]
    }
    details = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}"
        for r in report["results"]
        if (r["filename"].removeprefix("./"), r["test_id"]) in unreviewed
    ]
    assert not unreviewed, "new bandit findings: fix them or review them here\n" + "\n".join(
        details
    )


def test_bandit_has_no_high_severity_finding():
    result = _run([str(BIN / "bandit"), "-r", *APPS, "-x", "*/migrations/*", "-lll", "-q"])
    assert result.returncode == 0, result.stdout[-3000:]
