"""Synthetic cases in bulk, for benchmarks and load tests (issue 10).

Not part of the product: tests and bench/ import it, and the shell runs it through
`.venv/bin/python bench/generate_cases.py --count N` (docs/performance.md).

`cases_generate(count=…)` writes whole case histories straight into the tables: members,
cases in every state, the referral file, documents metadata (no files), assignments,
submissions, reviews, determinations, letters, closure, clocks (met, missed, running,
cancelled) with their events, case events, access log rows and django-simple-history
rows (about ten per case). Everything is obviously synthetic: members live at
"1 Synthetic Data Way", CINs start with 9 and end in S, TAR numbers start with SYN.

Rows are built as plain tuples and loaded with PostgreSQL COPY (executemany on other
databases), a batch of cases per transaction, because model instances and bulk_create
cost ten times more at 200,000 cases. Primary keys are taken from each table's
sequence up front, so run it on a database nobody else writes to at the same time.
Due times of business-day clocks are approximated in calendar days: the data looks
like real clocks, it is not meant to pass the deadline tests.
"""

import hashlib
import io
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from cases.events import GENESIS, event_row_hash
from cases.models import (
    AccessLog,
    Case,
    CaseEvent,
    CaseResolution,
    Determination,
    Diagnosis,
    Document,
    Letter,
    LetterTemplate,
    Member,
    Practitioner,
    ReferralCircumstance,
    RequestedService,
    ReviewerQuestion,
    TarAttachment,
    TarBundle,
)
from imr.roles import Role
from reviewers.models import (
    Assignment,
    ConflictAttestation,
    ContactLogEntry,
    Imro,
    Review,
    Specialist,
    Specialty,
    Submission,
)
from timelines.calendar import plan_zone
from timelines.models import Clock, ClockEvent
from timelines.rules import rule_named
from timelines.thresholds import clock_thresholds

BATCH = 5000

# The path every case walks; a case stops at its status (withdrawn cases leave early).
PHASES = (
    "intake",
    "assembling",
    "submitted",
    "review_received",
    "decided",
    "notified",
    "resolved",
    "closed",
)
# Where open cases stand (weights), roughly a UM department's mix on a given day.
_OPEN_MIX = {
    "intake": 10,
    "assembling": 15,
    "submitted": 45,
    "review_received": 10,
    "decided": 8,
    "notified": 8,
    "resolved": 4,
}
_REVIEW_TYPES = ["standard"] * 7 + ["expedited"] * 2 + ["retrospective"]
_SPECIALTIES = [
    "Cardiology",
    "Oncology",
    "Neurology",
    "Orthopaedic Surgery",
    "Dermatology",
    "Gastroenterology",
    "Psychiatry",
    "Endocrinology",
]
_FIRST = ["Alex", "Sam", "Jordan", "Maria", "Jose", "Linh", "Fatima", "Chris", "Dana", "Kim"]
_LAST = [
    "Garcia",
    "Nguyen",
    "Smith",
    "Lopez",
    "Johnson",
    "Hernandez",
    "Kim",
    "Patel",
    "Brown",
    "Martinez",
    "Williams",
    "Tran",
    "Davis",
    "Rodriguez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Moore",
    "Jackson",
    "Lee",
]
_SERVICES = [
    ("CPT", "27447", "Total knee replacement"),
    ("CPT", "70553", "MRI of the brain"),
    ("CPT", "93458", "Heart catheterization"),
    ("HCPCS", "J9271", "Immunotherapy infusion"),
    ("HCPCS", "E0784", "Insulin pump"),
    ("CPT", "97110", "Physical therapy exercises"),
]
_DIAGNOSES = [
    ("M17.11", "Primary osteoarthritis, right knee"),
    ("C34.90", "Malignant neoplasm of lung, unspecified"),
    ("I25.10", "Coronary artery disease"),
    ("E11.9", "Type 2 diabetes mellitus without complications"),
    ("G43.909", "Migraine, unspecified"),
    ("F33.2", "Major depressive disorder, recurrent severe"),
]
_REFERRAL_DOCUMENTS = [
    ("medical_history", "Pertinent medical history"),
    ("clinical_data", "Treatment and clinical data"),
    ("practitioner_information", "Information from the treating practitioner"),
]
_AGREE = {"uphold": "deny", "overturn": "approve", "modify": "modify"}
_SHA = hashlib.sha256(b"synthetic").hexdigest()


@dataclass
class _People:
    um: list[int]
    cmo: list[int]
    practitioners: list[int]
    specialists: list[tuple[int, int | None]]  # (specialist, imro)
    templates: dict[str, int]  # party -> active English template


@dataclass
class _Table:
    """Rows of one model waiting for COPY, with the model's columns and defaults."""

    model: type[models.Model]
    pk: str
    next_id: int = 0
    rows: list[tuple] = field(default_factory=list)
    columns: list[tuple[str, str, Callable[[], object] | object, bool]] = field(
        default_factory=list
    )

    def __post_init__(self) -> None:
        for f in self.model._meta.concrete_fields:
            if f.has_default():
                default = f.default
            elif f.null:
                default = None
            else:
                default = "" if f.empty_strings_allowed else None
            self.columns.append((f.attname, f.column, default, isinstance(f, models.JSONField)))

    def add(self, values: dict) -> int:
        if self.pk not in values:
            values[self.pk] = self.next_id
            self.next_id += 1
        row = []
        for attname, _, default, is_json in self.columns:
            if attname in values:
                value = values[attname]
            else:
                value = default() if callable(default) else default
            if is_json and value is not None:
                value = json.dumps(value, cls=DjangoJSONEncoder)
            row.append(value)
        self.rows.append(tuple(row))
        return values[self.pk]


class _Writer:
    """One _Table per model; ids reserved from the table's sequence; flushed per batch."""

    def __init__(self) -> None:
        self.tables: dict[type[models.Model], _Table] = {}
        self.counts: dict[str, int] = {}
        self.historical: dict[type[models.Model], type[models.Model]] = {}

    def table(self, model: type[models.Model]) -> _Table:
        table = self.tables.get(model)
        if table is None:
            pk = model._meta.pk.attname
            table = self.tables[model] = _Table(model=model, pk=pk)
            table.next_id = _first_free_id(model, pk)
        return table

    def reserve(self, model: type[models.Model]) -> int:
        """The id the next row of the model will get (to name files after it)."""
        return self.table(model).next_id

    def add(self, model: type[models.Model], **values) -> int:
        return self.table(model).add(values)

    def history(self, model: type[models.Model], row_id: int, values: dict, **how) -> None:
        """A django-simple-history row: the values as they were, plus who/when/what."""
        historical = self.historical.get(model)
        if historical is None:
            # Reading model.history builds a manager each time: look it up once.
            historical = self.historical[model] = model.history.model
        self.add(
            historical,
            **values,
            id=row_id,
            history_date=how["at"],
            history_type=how.get("type", "+"),
            history_user_id=how.get("user"),
            history_change_reason=None,
        )

    def flush(self) -> None:
        for table in self.tables.values():
            if not table.rows:
                continue
            _copy(table)
            label = table.model._meta.label
            self.counts[label] = self.counts.get(label, 0) + len(table.rows)
            table.rows = []

    def finish(self) -> None:
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for table in self.tables.values():
                db_table = table.model._meta.db_table
                column = table.model._meta.get_field(table.pk).column
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), %s)",
                    [db_table, column, max(table.next_id - 1, 1)],
                )
            cursor.execute("ANALYZE")


def _first_free_id(model: type[models.Model], pk: str) -> int:
    column = model._meta.get_field(pk).column
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX({column}), 0) + 1 FROM {model._meta.db_table}")  # noqa: S608
        return cursor.fetchone()[0]


def _copy(table: _Table) -> None:
    db_table = table.model._meta.db_table
    names = [column for _, column, _, _ in table.columns]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            quoted = ", ".join(f'"{name}"' for name in names)
            with cursor.cursor.copy(f'COPY "{db_table}" ({quoted}) FROM STDIN') as copy:
                for row in table.rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(names))
            quoted = ", ".join(f'"{name}"' for name in names)
            cursor.executemany(
                f'INSERT INTO "{db_table}" ({quoted}) VALUES ({marks})',  # noqa: S608
                table.rows,
            )


def cases_generate(
    *,
    count: int,
    open_share: float = 0.1,
    seed: int = 0,
    end: datetime | None = None,
    years: int = 3,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Write `count` synthetic cases received over `years` years before `end`.

    About `open_share` of them are open, received in the last weeks, with running
    clocks (some overdue); the rest are closed (a few withdrawn) with met or missed
    clocks. Deterministic for a given seed and `end`. Returns rows written per model.
    """
    if not 0 <= open_share <= 1:
        raise ValueError("open_share must be between 0 and 1")
    rng = random.Random(seed)
    end = end or timezone.now()
    people = _registry(rng)
    writer = _Writer()
    zone = plan_zone()
    span = timedelta(days=365 * years)
    for first in range(0, count, BATCH):
        size = min(BATCH, count - first)
        with transaction.atomic():
            for _ in range(size):
                is_open = rng.random() < open_share
                _case(writer, rng, people, is_open=is_open, end=end, span=span, zone=zone)
            writer.flush()
        if progress:
            progress(first + size)
    writer.finish()
    # Rows written in bulk bypass review_record and the other services, so the reviews'
    # stored turnaround and the QUAC report's summary table are computed here, as
    # `manage.py rebuild_report_summary` does after any bulk load.
    from django.core.management import call_command

    call_command("rebuild_report_summary", stdout=io.StringIO())
    return writer.counts


def _registry(rng: random.Random) -> _People:
    """Staff users, practitioners, IMROs and reviewers the cases point to (reused)."""
    users = get_user_model()
    um_group, _ = Group.objects.get_or_create(name=str(Role.UM_STAFF))
    cmo_group, _ = Group.objects.get_or_create(name=str(Role.CMO))

    def user(username: str, group: Group) -> int:
        account, created = users.objects.get_or_create(
            username=username, defaults={"first_name": "Synthetic", "last_name": username}
        )
        if created:
            account.set_unusable_password()
            account.save(update_fields=["password"])
            account.groups.add(group)
        return account.pk

    um = [user(f"synthetic.um{i:02d}", um_group) for i in range(1, 13)]
    cmo = [user(f"synthetic.cmo{i}", cmo_group) for i in range(1, 3)]
    practitioners = list(
        Practitioner.objects.filter(name__startswith="Synthetic practitioner").values_list(
            "pk", flat=True
        )
    )
    if not practitioners:
        practitioners = [
            p.pk
            for p in Practitioner.objects.bulk_create(
                Practitioner(
                    name=f"Synthetic practitioner {i}",
                    npi=f"9{i:09d}"[:10],
                    specialty=_SPECIALTIES[i % len(_SPECIALTIES)],
                    address="1 Synthetic Data Way, Testville CA",
                )
                for i in range(300)
            )
        ]
    imros = []
    for letter in "ABCDE":
        imro, _ = Imro.objects.get_or_create(
            name=f"Synthetic IMRO {letter}",
            defaults={
                "contract_start": date(2015, 1, 1),
                "contract_end": date(2035, 12, 31),
                "contact_name": "Synthetic desk",
                "secure_delivery_address": f"imro-{letter.lower()}@example.invalid",
                "charge_standard": Decimal("450.00"),
                "charge_expedited": Decimal("850.00"),
                "charge_retrospective": Decimal("500.00"),
            },
        )
        imros.append(imro.pk)
    specialists = []
    for i in range(30):
        specialty, _ = Specialty.objects.get_or_create(name=_SPECIALTIES[i % len(_SPECIALTIES)])
        imro_id = imros[i % len(imros)] if i < 25 else None
        specialist, _ = Specialist.objects.get_or_create(
            name=f"Synthetic reviewer {i}",
            defaults={
                "specialty": specialty,
                "license_state": "CA",
                "license_number": f"SYN{i:04d}",
                "license_expires": date(2035, 1, 1),
                "imro_id": imro_id,
                "charge_per_review": None if imro_id else Decimal("700.00"),
                "qualifications": f"Board-certified in {specialty.name}, actively practicing.",
            },
        )
        specialists.append((specialist.pk, specialist.imro_id))
    templates = dict(
        LetterTemplate.objects.filter(active=True, language="en").values_list("party", "pk")
    )
    return _People(um, cmo, practitioners, specialists, templates)


def _end_of_day(moment: datetime, days: int, zone) -> datetime:
    """Approximate business days by calendar days (7 for every 5), due 23:59:59 local."""
    local = moment.astimezone(zone).date() + timedelta(days=days + (days // 5) * 2)
    return datetime.combine(local, time(23, 59, 59), tzinfo=zone).astimezone(UTC)


def _case(
    w: _Writer,
    rng: random.Random,
    people: _People,
    *,
    is_open: bool,
    end: datetime,
    span: timedelta,
    zone,
) -> None:
    review_type = rng.choice(_REVIEW_TYPES)
    expedited = review_type == "expedited"
    # Offsets of each phase from receipt at the plan.
    hours = (lambda low, high: timedelta(hours=rng.uniform(low, high))) if expedited else None
    step = hours or (lambda low, high: timedelta(days=rng.uniform(low, high) / 8))
    at = {"intake": timedelta(0)}
    at["assembling"] = at["intake"] + step(1, 12)
    at["submitted"] = at["assembling"] + step(2, 20)
    at["imro_receipt"] = at["submitted"] + timedelta(minutes=rng.randrange(5, 120))
    limit = {"standard": 7, "expedited": 1, "retrospective": 9}[review_type]
    late = rng.random() < 0.1
    turnaround = limit * (rng.uniform(1.0, 1.6) if late else rng.uniform(0.2, 0.95))
    at["review_received"] = at["imro_receipt"] + timedelta(days=turnaround)
    at["decided"] = at["review_received"] + step(2, 16)
    at["notified"] = at["decided"] + step(2, 16)
    at["resolved"] = at["notified"] + step(4, 24)
    at["closed"] = at["resolved"] + step(4, 40)

    if is_open:
        status = rng.choices(list(_OPEN_MIX), weights=list(_OPEN_MIX.values()))[0]
        # The current phase started between now and a few days ago.
        received = end - at[status] - timedelta(hours=rng.uniform(0, 24 if expedited else 96))
    else:
        status = "closed"
        received = end - span + timedelta(seconds=rng.uniform(0, span.total_seconds() * 0.97))
    withdrawn_at = None
    if not is_open and rng.random() < 0.03:
        status = "withdrawn"
        withdrawn_at = rng.choice(["assembling", "submitted"])
    reached = PHASES[: PHASES.index(withdrawn_at or status) + 1]
    when = {phase: received + offset for phase, offset in at.items()}

    # Numbers shown to people derive from the case id, so a second run never collides.
    number = w.reserve(Case)
    owner = rng.choice(people.um)
    cmo = rng.choice(people.cmo)
    member_values = {
        "first_name": rng.choice(_FIRST),
        "last_name": rng.choice(_LAST),
        "cin": f"9{number:08d}S",
        "date_of_birth": date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 80)),
        "address_line1": "1 Synthetic Data Way",
        "address_line2": "SYNTHETIC TEST DATA",
        "city": "Testville",
        "postal_code": "90000",
        "language": "es" if rng.random() < 0.2 else "en",
        "internal_id": f"P-S{number:09d}",
    }
    member_id = w.add(Member, **member_values)
    w.history(Member, member_id, member_values, at=received, user=owner)

    circumstances = rng.sample(range(1, 7), rng.choice([1, 1, 1, 2]))
    year = received.astimezone(zone).year
    approved = "assembling" in reached
    case_values = {
        "tar_number": f"SYN{year}{number:08d}",
        "member_id": member_id,
        "treating_practitioner_id": rng.choice(people.practitioners),
        "specialty": rng.choice(_SPECIALTIES),
        "review_type": review_type,
        "expedited_criterion": "imminent_threat" if expedited else "",
        "expedited_determined_by": "cmo" if expedited else "",
        "life_threatening": 4 in circumstances,
        "experimental_investigational": 2 in circumstances or 4 in circumstances,
        "received_at_plan": received,
        "response_needed_by": (received + timedelta(days=20)).date()
        if review_type == "standard" and rng.random() < 0.3
        else None,
        "relevant_information": "Synthetic relevant information.",
        "medical_history": "Synthetic medical history.",
        "referral_approved_by_id": cmo if approved else None,
        "referral_approved_at": when["assembling"] if approved else None,
        "owner_id": owner,
        "status": status,
        "withdrawn_reason": "Synthetic: member withdrew the request." if withdrawn_at else "",
        "version": len(reached),
        "created_at": received,
        "updated_at": when[reached[-1]],
    }
    case_id = w.add(Case, **case_values)
    for index, phase in enumerate(reached):
        snapshot = {**case_values, "status": phase, "version": index + 1}
        w.history(Case, case_id, snapshot, at=when[phase], type="~" if index else "+", user=owner)
    if withdrawn_at:
        w.history(Case, case_id, case_values, at=when[withdrawn_at] + step(1, 4), type="~")
    _case_events(w, case_id, reached, when, owner=owner, cmo=cmo)
    _referral_file(w, rng, case_id, circumstances, received, owner)
    for day in range(2):
        w.add(
            AccessLog,
            at=when[reached[-1]] + timedelta(minutes=day * 30),
            user_id=owner,
            action="view_case",
            case_id=case_id,
            ip_address="127.0.0.1",
        )

    submitted = "submitted" in reached
    if submitted:
        _imro_loop(w, rng, people, case_id, review_type, reached, when, owner=owner, cmo=cmo)
    _clocks(w, case_id, case_values, reached, when, zone, cancelled=bool(withdrawn_at))


def _case_events(w: _Writer, case_id: int, reached, when, *, owner: int, cmo: int) -> None:
    summaries = {
        "intake": ("case_opened", "Case opened at intake."),
        "assembling": ("referral_approved", "Referral to IMR approved."),
        "submitted": ("submitted", "Referral file submitted to the reviewer."),
        "review_received": ("review_received", "Written review received."),
        "decided": ("determination_signed", "Coverage determination signed."),
        "notified": ("letters_sent", "Member and practitioner letters sent."),
        "resolved": ("case_resolved", "Case marked resolved."),
        "closed": ("case_closed", "Case summary attached to the TAR file; case closed."),
    }
    previous = GENESIS  # a new case: its chain starts here (cases.events)
    for phase in reached:
        kind, summary = summaries[phase]
        by_cmo = phase in ("assembling", "decided", "resolved")
        content = {
            "case_id": case_id,
            "at": when[phase],
            "actor_id": cmo if by_cmo else owner,
            "actor_name": "Synthetic CMO" if by_cmo else "Synthetic UM coordinator",
            "kind": kind,
            "summary": summary,
            "data": {},
        }
        row_hash = event_row_hash(previous, **content)
        w.add(CaseEvent, **content, prev_hash=previous, row_hash=row_hash)
        previous = row_hash


def _referral_file(w: _Writer, rng, case_id: int, circumstances, received, owner: int) -> None:
    for circumstance in circumstances:
        w.add(ReferralCircumstance, case_id=case_id, circumstance=circumstance)
    for system, code, description in rng.sample(_SERVICES, rng.choice([1, 1, 2])):
        w.add(
            RequestedService,
            case_id=case_id,
            code_system=system,
            code=code,
            description=description,
        )
    for code, description in rng.sample(_DIAGNOSES, rng.choice([1, 2])):
        w.add(Diagnosis, case_id=case_id, code=code, description=description)
    for position in range(1, rng.choice([2, 3]) + 1):
        w.add(
            ReviewerQuestion,
            case_id=case_id,
            position=position,
            text=f"Synthetic question {position}: is the requested service medically necessary?",
        )
    kinds = list(_REFERRAL_DOCUMENTS)
    if 5 in circumstances:
        kinds += [
            ("physician_certification", "Physician certification"),
            ("physician_recommendation", "Physician recommendation"),
        ]
    for kind, title in kinds:
        _document(w, case_id, kind, title, received + timedelta(hours=2), owner)


def _document(w: _Writer, case_id: int, kind: str, title: str, at: datetime, owner: int) -> int:
    values = {
        "case_id": case_id,
        "kind": kind,
        "title": title,
        "original_name": f"{kind}.pdf",
        "content_type": "application/pdf",
        "size": 48_213,
        "sha256": _SHA,
        "page_count": 3,
        "uploaded_by_id": owner,
        "uploaded_at": at,
    }
    values["storage_name"] = f"synthetic/{w.reserve(Document)}"
    return w.add(Document, **values)


def _imro_loop(
    w: _Writer, rng, people: _People, case_id: int, review_type: str, reached, when, **who
) -> None:
    owner, cmo = who["owner"], who["cmo"]
    specialist, imro = rng.choice(people.specialists)
    assignment = w.add(
        Assignment,
        case_id=case_id,
        specialist_id=specialist,
        imro_id=imro,
        assigned_by_id=owner,
        assigned_at=when["submitted"] - timedelta(hours=1),
        suggested=True,
    )
    w.add(
        ConflictAttestation,
        case_id=case_id,
        specialist_id=specialist,
        plan_or_officers=False,
        treating_physician_or_group=False,
        facility=False,
        manufacturer=False,
        member_or_family=False,
        attested_by_id=owner,
        attested_at=when["submitted"] - timedelta(minutes=30),
    )
    charge = {"standard": "450.00", "expedited": "850.00", "retrospective": "500.00"}[review_type]
    submission = {
        "case_id": case_id,
        "assignment_id": assignment,
        "submitted_by_id": owner,
        "submitted_at": when["submitted"],
        "imro_received_at": when["imro_receipt"],
        "delivery_channel": "portal",
        "review_type": review_type,
        "charge_to_plan": Decimal(charge),
    }
    submission_id = w.add(Submission, **submission)
    w.history(Submission, submission_id, submission, at=when["submitted"], user=owner)
    if rng.random() < 0.4:
        w.add(
            ContactLogEntry,
            case_id=case_id,
            at=when["submitted"] + timedelta(hours=3),
            by_id=owner,
            channel="phone",
            with_whom="IMRO case desk",
            summary="Synthetic: confirmed the file was complete.",
            recorded_at=when["submitted"] + timedelta(hours=3),
        )
    if "review_received" not in reached:
        return
    received = when["review_received"]
    document = _document(
        w, case_id, "reviewer_determination", "Reviewer's determination", received, owner
    )
    recommendation = rng.choice(["uphold"] * 5 + ["overturn"] * 3 + ["modify"] * 2)
    w.add(
        Review,
        case_id=case_id,
        assignment_id=assignment,
        document_id=document,
        recommendation=recommendation,
        rationale="Synthetic rationale.",
        documents_reviewed="All documents in the referral file.",
        reviewer_qualifications="Board-certified, actively practicing physician.",
        received_at=received,
        received_via="portal",
        recorded_by_id=owner,
        recorded_at=received,
        timely=received <= when["imro_receipt"] + timedelta(days=5),
    )
    if "decided" not in reached:
        return
    outcome = _AGREE[recommendation] if rng.random() < 0.9 else "approve"
    decision = {
        "case_id": case_id,
        "outcome": outcome,
        "rationale": "Synthetic rationale for the coverage determination.",
        "follows_imro": outcome == _AGREE[recommendation],
        "signed_by_id": cmo,
        "signed_at": when["decided"],
        "created_by_id": cmo,
        "created_at": when["decided"] - timedelta(minutes=20),
    }
    determination = w.add(Determination, **decision)
    w.history(Determination, determination, decision, at=when["decided"], user=cmo)
    if "notified" in reached and people.templates:
        for party, template in people.templates.items():
            next_id = w.reserve(Letter)
            w.add(
                Letter,
                case_id=case_id,
                determination_id=determination,
                party=party,
                language="en",
                template_id=template,
                storage_name=f"synthetic/letter-{next_id}",
                sha256=_SHA,
                size=31_000,
                page_count=2,
                created_by_id=owner,
                created_at=when["notified"] - timedelta(minutes=10),
                channel="mail",
                sent_at=when["notified"],
                sent_by_id=owner,
                mailed_at=when["notified"],
                mailed_by_id=owner,
            )
    if "resolved" in reached:
        w.add(CaseResolution, case_id=case_id, resolved_by_id=cmo, resolved_at=when["resolved"])
    if "closed" in reached:
        next_id = w.reserve(TarBundle)
        bundle = w.add(
            TarBundle,
            case_id=case_id,
            number=1,
            built_by_id=owner,
            built_at=when["closed"] - timedelta(hours=1),
            storage_name=f"synthetic/bundle-{next_id}",
            sha256=_SHA,
            size=120_000,
            summary_pages=2,
            manifest=[],
            handed_off_to="UM documentation system",
        )
        w.add(
            TarAttachment,
            case_id=case_id,
            bundle_id=bundle,
            tar_number=f"SYN-{case_id}",
            confirmed_by_id=owner,
            confirmed_at=when["closed"],
        )


def _clocks(
    w: _Writer, case_id: int, case_values: dict, reached, when, zone, *, cancelled: bool
) -> None:
    review_type = case_values["review_type"]
    starts = {"plan_receipt": when["intake"]}
    if "assembling" in reached:
        starts["referral_approval"] = when["assembling"]
    if "submitted" in reached:
        starts["imro_receipt"] = when["imro_receipt"]
    stops = {
        "imro": when["review_received"] if "review_received" in reached else None,
        "appeal": when["resolved"] if "resolved" in reached else None,
        "file": when["submitted"] if "submitted" in reached else None,
    }
    plan = {
        "standard": [
            ("imro_determination", "imro_receipt", "business_days", 5, "imro"),
            ("file_assembly", "referral_approval", "business_days", 3, "file"),
        ],
        "expedited": [
            ("imro_determination", "imro_receipt", "elapsed_hours", 24, "imro"),
            ("appeal_resolution", "plan_receipt", "elapsed_hours", 72, "appeal"),
            ("file_assembly", "referral_approval", "elapsed_hours", 24, "file"),
        ],
        "retrospective": [
            ("imro_determination_target", "imro_receipt", "business_days", 5, "imro"),
            ("imro_determination_limit", "imro_receipt", "business_days", 7, "imro"),
            ("appeal_decision", "plan_receipt", "business_days", 30, "appeal"),
            ("file_assembly", "referral_approval", "business_days", 3, "file"),
        ],
    }[review_type]
    if case_values["response_needed_by"]:
        plan.append(("response_needed", "plan_receipt", "fixed_date", 0, "imro"))
    for name, trigger, kind, amount, stop_by in plan:
        start = starts.get(trigger)
        if start is None:
            continue
        row = rule_named(name=name, review_type=review_type)
        if kind == "elapsed_hours":
            due = start + timedelta(hours=amount)
        elif kind == "fixed_date":
            local = datetime.combine(case_values["response_needed_by"], time(23, 59, 59))
            due = local.replace(tzinfo=zone).astimezone(UTC)
        else:
            due = _end_of_day(start, amount, zone)
        stopped = stops[stop_by]
        if cancelled and stopped is None:
            status, stopped = "cancelled", case_values["updated_at"]
        elif stopped is None:
            status = "running"
        else:
            status = "met" if stopped <= due else "missed"
        next_alert = None
        if status == "running":
            thresholds = clock_thresholds(
                name=name, review_type=review_type, rule_kind=kind, due_at=due, zone=zone
            )
            next_alert = min(t.at for t in thresholds)
        values = {
            "case_id": case_id,
            "name": name,
            "review_type": review_type,
            "trigger": trigger,
            "rule_kind": kind,
            "rule_amount": amount,
            "on_pass": str(row.on_pass),
            "started_at": start,
            "due_at": due,
            "status": status,
            "stopped_at": stopped,
            "explanation": {
                "label": row.label,
                "lines": [f"Synthetic clock: {row.rule.describe()} from {trigger}."],
                "citation": row.citation,
            },
            "extended": False,
            "next_alert_at": next_alert,
            "created_at": start,
        }
        clock_id = w.add(Clock, **values)
        w.history(Clock, clock_id, {**values, "status": "running", "stopped_at": None}, at=start)
        w.add(ClockEvent, clock_id=clock_id, kind="started", at=start, data={"due_at": due})
        if stopped is not None:
            w.add(
                ClockEvent,
                clock_id=clock_id,
                kind="cancelled" if status == "cancelled" else "stopped",
                at=stopped,
                data={"status": status},
            )
