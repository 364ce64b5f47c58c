"""Back up, restore into a fresh database, and prove nothing was lost (issue 11).

    .venv/bin/python ops/backup_check.py [--cases N]

In the private fault lab (ops/faultlab.py, PostgreSQL on 127.0.0.1:5440): loads the
synthetic demo data plus N more cases (each with a clinical document), then runs the
documented procedure (docs/operations.md, "Backups"):

  1. pg_dump --format=custom of the database,
  2. tar of the document store (DOCUMENT_STORAGE_ROOT),
  3. pg_restore into a new, empty database and untar into a new, empty folder,

and checks against the source: every case (id, TAR number, status, version), every
document (row present, file present in the restored store, SHA-256 of the file equal to
the one recorded at upload), every clock (id, case, name, status, due time). Prints the
figures and exits non-zero on any difference. Never touches the shared PostgreSQL.
"""

import argparse
import hashlib
import shutil
import sys
import tarfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ops import faultlab as lab

RESTORED_DB = "imr_restored"


def rows(database: str, sql: str) -> list[tuple[str, ...]]:
    out = lab.psql(sql, database=database)
    return [tuple(line.split("|")) for line in out.splitlines() if line]


CASES = "SELECT id, tar_number, status, version FROM cases_case ORDER BY id"
DOCUMENTS = "SELECT id, case_id, storage_name, sha256 FROM cases_document ORDER BY id"
CLOCKS = "SELECT id, case_id, name, status, due_at FROM timelines_clock ORDER BY id"
LETTERS = "SELECT id, case_id, storage_name, sha256 FROM cases_letter ORDER BY id"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def seed(extra_cases: int) -> None:
    lab.run(
        [str(lab.VENV_BIN / "python"), "manage.py", "seed_demo", "--password", lab.PASSWORD],
        cwd=lab.ROOT,
        env=lab.lab_env(),
    )
    lab.django_setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.models import DocumentKind
    from cases.services.documents import document_upload

    users = lab.lab_users()
    for number in range(extra_cases):
        case = lab.lab_case(5000 + number, users, ready=False)
        body = f"Clinical note {number}\n".encode() * (50 + number)
        document_upload(
            case=case,
            kind=DocumentKind.CLINICAL_DATA,
            uploaded_file=SimpleUploadedFile(f"note-{number}.txt", body, "text/plain"),
            actor=users["um"],
        )


def backup(work: Path) -> tuple[Path, Path]:
    dump = work / "imr.dump"
    archive = work / "documents.tar.gz"
    lab.run(
        [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "-h",
            lab.HOST,
            "-p",
            str(lab.PG_PORT),
            "-U",
            "postgres",
            "-d",
            lab.DB_NAME,
            "-f",
            str(dump),
        ]
    )
    store = lab.LAB_DIR / "documents"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(store, arcname=".")
    return dump, archive


def restore(dump: Path, archive: Path, work: Path) -> Path:
    lab.fresh_database(RESTORED_DB)
    lab.run(
        [
            "pg_restore",
            "--no-owner",
            "--exit-on-error",
            "-h",
            lab.HOST,
            "-p",
            str(lab.PG_PORT),
            "-U",
            "postgres",
            "-d",
            RESTORED_DB,
            str(dump),
        ]
    )
    target = work / "restored-documents"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(target, filter="data")
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=50, help="cases besides the demo data")
    options = parser.parse_args()
    began = time.monotonic()
    work = lab.LAB_DIR / "backup"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    lab.clean_lab_files()
    lab.pg_cluster_up()
    lab.redis_up()
    lab.fresh_database()
    lab.migrate()
    seed(options.cases)
    from django.db import connections

    connections.close_all()
    t0 = time.monotonic()
    dump, archive = backup(work)
    t_backup = time.monotonic() - t0
    t0 = time.monotonic()
    store = restore(dump, archive, work)
    t_restore = time.monotonic() - t0

    problems: list[str] = []
    figures = {}
    for label, sql in (("cases", CASES), ("documents", DOCUMENTS), ("clocks", CLOCKS)):
        source, restored = rows(lab.DB_NAME, sql), rows(RESTORED_DB, sql)
        figures[label] = len(source)
        if source != restored:
            missing = set(source) - set(restored)
            problems.append(f"{label}: {len(missing)} of {len(source)} not restored as they were")
    letters = rows(RESTORED_DB, LETTERS)
    figures["letters"] = len(letters)
    files_checked = 0
    for _id, case_id, storage_name, digest in [*rows(RESTORED_DB, DOCUMENTS), *letters]:
        path = store / storage_name
        if not path.is_file():
            problems.append(f"case {case_id}: file {storage_name} missing from the restore")
        elif sha256(path) != digest:
            problems.append(f"case {case_id}: file {storage_name} differs (SHA-256)")
        else:
            files_checked += 1
    for label in ("cases", "documents", "clocks"):
        if figures[label] == 0:
            problems.append(f"no {label} in the source: the check proved nothing")
    lab.redis_down()
    lab.pg_ctl("stop", check=False)
    print(
        f"backup-check: {figures['cases']} cases, {figures['documents']} documents, "
        f"{figures['letters']} letters, {figures['clocks']} clocks; {files_checked} files "
        f"present with matching SHA-256; dump {dump.stat().st_size / 1024:.0f} KiB, "
        f"documents archive {archive.stat().st_size / 1024:.0f} KiB; backup {t_backup:.1f} s, "
        f"restore {t_restore:.1f} s, whole run {time.monotonic() - began:.0f} s"
    )
    for problem in problems:
        print(f"  PROBLEM {problem}")
    print("backup-check: restore complete" if not problems else "backup-check: FAILED")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
