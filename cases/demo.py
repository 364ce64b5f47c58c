"""Synthetic demo cases in different states, built through the real services.

Everything here is obviously fake: "(demo)" names, CINs starting with 0000, the
example.invalid domain. The clocks are placed so a newcomer sees a breach, a warning
and a case due today at once.
"""

from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.demo_letters import demo_notice_cases_seed
from cases.models import Case, DocumentKind, Member, Practitioner
from cases.services import (
    CaseDetails,
    ServiceLine,
    case_create,
    case_submit,
    member_find_or_create,
    referral_approve,
    review_record,
)
from cases.services.documents import document_upload
from imr.pdf import pdf_render
from reports.summary import summary_keys, summary_refresh
from reviewers.models import ConflictAttestation, Specialist
from reviewers.services import assignment_create, attestation_record
from timelines.services import clocks_recompute_for_case

_MEMBERS = [
    ("Alex", "Demo-Sample", "00000001A", date(1958, 3, 14), "es"),
    ("Jordan", "Demo-Example", "00000002B", date(1972, 11, 2), "en"),
    ("Taylor", "Demo-Fixture", "00000003C", date(1990, 6, 30), "en"),
    ("Sam", "Demo-Placeholder", "00000004D", date(1965, 1, 9), "es"),
    ("Riley", "Demo-Testcase", "00000005E", date(1981, 8, 21), "en"),
    ("Casey", "Demo-Mock", "00000006F", date(1949, 12, 5), "en"),
    ("Morgan", "Demo-Dummy", "00000007G", date(2001, 4, 17), "en"),
]


def demo_cases_seed() -> list[Case]:
    """Create the demo cases once (keyed by TAR number); running it again adds nothing."""
    if Case.objects.filter(tar_number__startswith="DEMO-").exists():
        return []
    User = get_user_model()
    coordinator = User.objects.get(username="demo.coordinator")
    cmo = User.objects.get(username="demo.cmo")
    now = timezone.now()
    practitioner = Practitioner.objects.create(
        name="Dr. Pat Practitioner (demo)", npi="1234567893", email="practitioner@example.invalid"
    )
    members = [
        member_find_or_create(
            cin=cin,
            first_name=first,
            last_name=last,
            date_of_birth=born,
            address_line1=f"{100 + n} Synthetic Street",
            address_line2="",
            city="Demoville",
            state="CA",
            postal_code="95401",
            language=language,
        )
        for n, (first, last, cin, born, language) in enumerate(_MEMBERS)
    ]

    def open_(n: int, tar: str, review_type: str, **fields: object) -> Case:
        received = fields.pop("received_at_plan", now - timedelta(days=3))
        details = CaseDetails(
            tar_number=tar,
            specialty=str(fields.pop("specialty", "Cardiology")),
            review_type=review_type,
            received_at_plan=received,  # type: ignore[arg-type]
            circumstances=list(fields.pop("circumstances", [2])),  # type: ignore[arg-type]
            services=list(
                fields.pop(
                    "services", [ServiceLine("33274", "Implant of a leadless heart pacemaker")]
                )  # type: ignore[arg-type]
            ),
            diagnosis_codes=list(fields.pop("diagnosis_codes", ["I49.5"])),  # type: ignore[arg-type]
            questions=list(
                fields.pop(
                    "questions",
                    ["Is a leadless pacemaker more beneficial than a transvenous one here?"],
                )  # type: ignore[arg-type]
            ),
            response_needed_by=(now + timedelta(days=10)).date(),
            relevant_information="Synthetic summary of the request (demonstration).",
            practitioner_information="Synthetic letter of medical necessity (demonstration).",
            medical_history=str(
                fields.pop(
                    "medical_history",
                    "Synthetic history: sick sinus syndrome since 2020 (demonstration).",
                )
            ),
            clinical_data="",
            **fields,  # type: ignore[arg-type]
        )
        case = case_create(
            member=members[n],
            practitioner=practitioner,
            details=details,
            owner=coordinator,
            actor=coordinator,
        )
        return case

    cases = []
    # 1. Waiting for the CMO's referral approval.
    cases.append(open_(0, "DEMO-1001", "standard"))
    # 2. Approved, file incomplete: item (g) and the questions are missing.
    second = open_(1, "DEMO-1002", "standard", questions=[])
    referral_approve(case=second, actor=cmo)
    cases.append(second)
    # 3. Approved and complete: ready for the coordinator to assign and submit.
    ready = open_(2, "DEMO-1003", "standard")
    referral_approve(case=ready, actor=cmo)
    _clinical_note(ready, coordinator)
    cases.append(ready)
    # 4–6. Submitted, with clocks overdue, nearly due (hours) and due today.
    cases.append(
        _submitted(
            open_(3, "DEMO-1004", "standard"),
            cmo,
            coordinator,
            # Three calendar weeks hold at least 15 weekdays, so even the
            # Thanksgiving or year-end holidays leave more than 5 business days:
            # the standard clock is overdue whatever day the demo is loaded.
            imro_received_at=now - timedelta(days=21),
        )
    )
    cases.append(
        _submitted(
            open_(
                4,
                "DEMO-1005",
                "expedited",
                expedited_criterion="imminent_threat",
                expedited_determined_by="treating_physician",
                received_at_plan=now - timedelta(hours=22),
            ),
            cmo,
            coordinator,
            imro_received_at=now - timedelta(hours=20),
        )
    )
    cases.append(
        _submitted(
            open_(5, "DEMO-1006", "retrospective", received_at_plan=now - timedelta(days=12)),
            cmo,
            coordinator,
            imro_received_at=now - timedelta(days=7),
        )
    )
    # 7. The written review is in: the CMO signs the determination next.
    reviewed = _submitted(
        open_(6, "DEMO-1007", "standard"),
        cmo,
        coordinator,
        imro_received_at=now - timedelta(days=2),
    )
    review_record(
        case=reviewed,
        actor=coordinator,
        uploaded_file=_pdf("reviewer-determination.pdf", "Written determination (demo)"),
        recommendation="uphold",
        rationale="Standard transvenous pacing is appropriate for this synthetic case.",
        documents_reviewed="Referral packet, clinical note 1",
        reviewer_qualifications="Board-certified cardiologist, actively practicing for 15 years.",
        received_via="staff",
        received_at=now - timedelta(hours=3),
    )
    cases.append(reviewed)
    # 8. A knee case, approved and complete: the coordinator assigns it to the
    # orthopaedic reviewer (demo.reviewer.ortho), who then sees it in the portal.
    knee = open_(
        0,
        "DEMO-1008",
        "standard",
        specialty="Orthopaedic Surgery",
        services=[ServiceLine("29881", "Arthroscopic knee surgery to trim a torn meniscus")],
        diagnosis_codes=["M23.221"],
        questions=["Is arthroscopic partial meniscectomy medically necessary for this knee?"],
        medical_history="Synthetic history: right knee locking since 2025 (demonstration).",
    )
    referral_approve(case=knee, actor=cmo)
    _clinical_note(knee, coordinator)
    cases.append(knee)
    # 9–13. Signed determinations, one per notice type: every letter can be previewed.
    cases += demo_notice_cases_seed(
        open_=open_,
        submitted=_submitted,
        review_pdf=lambda: _pdf("reviewer-determination.pdf", "Written determination (demo)"),
        cmo=cmo,
        coordinator=coordinator,
    )
    return cases


def _submitted(case: Case, cmo, coordinator, *, imro_received_at: datetime) -> Case:
    referral_approve(case=case, actor=cmo)
    _clinical_note(case, coordinator)
    specialist = Specialist.objects.filter(user__username="demo.reviewer").first()
    if specialist is None:
        specialist = Specialist.objects.order_by("pk").first()
    assignment_create(
        case=case,
        specialist=specialist,
        actor=coordinator,
        outside_suggestion_reason="Demo data: the demo reviewer takes every case.",
    )
    attestation_record(
        case=case,
        specialist=specialist,
        actor=coordinator,
        answers={name: False for name, _ in ConflictAttestation.ITEMS},
    )
    submission = case_submit(case=case, actor=coordinator)
    # Demo only: place the IMRO receipt in the past so the clocks show every state. That
    # moves the case to another month of the report's summary: both months are refreshed.
    moved_from = summary_keys(case_ids=[case.pk])
    type(submission).objects.filter(pk=submission.pk).update(imro_received_at=imro_received_at)
    clocks_recompute_for_case(case=case, imro_received_at=imro_received_at)
    summary_refresh(case_ids=[case.pk], keys=moved_from)
    case.refresh_from_db()
    return case


def _clinical_note(case: Case, actor) -> None:
    document_upload(
        case=case,
        kind=DocumentKind.CLINICAL_DATA,
        uploaded_file=_pdf("clinical-note.pdf", "Synthetic clinical note (demo)"),
        actor=actor,
    )


def _pdf(name: str, title: str) -> SimpleUploadedFile:
    html = (
        f"<h1>{title}</h1><p>All content is synthetic demo data. Heart rhythm monitoring "
        "results, medication list and prior procedures would appear here.</p>"
    )
    return SimpleUploadedFile(name, pdf_render(html), "application/pdf")


__all__ = ["Member", "demo_cases_seed"]
