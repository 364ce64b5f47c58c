"""Demo cases with a signed determination, one per notice type (issue 17, R-NOT-7).

So a newcomer can preview every letter: an appeal upheld, an appeal overturned, a
denial upheld that is not an appeal, a modification, and a Spanish-speaking member's
appeal upheld. Each has the written review, the signed determination and the letter
texts UM staff confirmed (English, and Spanish for the Spanish-speaking member). All
synthetic, built through the real services.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from cases.models import Case
from cases.services import (
    NoticeTextInput,
    determination_record,
    determination_sign,
    notice_text_save,
    review_record,
)


@dataclass(frozen=True)
class DemoNotice:
    tar: str
    member: int  # index into cases.demo._MEMBERS (0 and 3 speak Spanish)
    circumstances: tuple[int, ...]
    recommendation: str
    outcome: str
    modification: str = ""


DEMO_NOTICES = (
    DemoNotice("DEMO-1101", 1, (3,), "uphold", "deny"),  # appeal upheld
    DemoNotice("DEMO-1102", 2, (3,), "overturn", "approve"),  # appeal overturned
    DemoNotice("DEMO-1103", 4, (2,), "uphold", "deny"),  # not an appeal, denial upheld
    DemoNotice(
        "DEMO-1104",
        5,
        (1,),
        "modify",
        "modify",
        "A heart rhythm monitor worn for 30 days first. The pacemaker is approved if the "
        "monitor shows long pauses.",
    ),  # modification
    DemoNotice("DEMO-1105", 3, (3,), "uphold", "deny"),  # Spanish-speaking member
)

ANALYSIS = {
    "uphold": "The heart tests do not show long pauses. A standard pacemaker works well "
    "for this. The new type has no clear benefit here.",
    "overturn": "The heart tests show long pauses. A standard pacemaker is not safe here "
    "because of past infections. The new type is the better choice.",
    "modify": "The tests are not clear yet. A heart monitor worn for 30 days will show if "
    "a pacemaker is needed.",
}
RATIONALE = {
    "deny": "The standard pacemaker is the right care for this heart rhythm; see "
    "Reviewer determination 1.",
    "approve": "The leadless pacemaker is the safer care here; see Reviewer determination 1.",
    "modify": "A heart monitor comes first; see Reviewer determination 1.",
}
SPANISH = NoticeTextInput(
    analysis_es="Las pruebas del corazón no muestran pausas largas. Un marcapasos común "
    "sirve para esto. El tipo nuevo no da un beneficio claro.",
    condition_es="un ritmo del corazón que a veces es lento",
    services_es="Un marcapasos sin cables",
    qualifications_es="Cardiólogo certificado, con 15 años de práctica.",
    rationale_es="El marcapasos común es el cuidado correcto para este ritmo del corazón; "
    "vea el informe del revisor.",
    criteria_es="La regla médica del plan sobre marcapasos.",
)


def demo_notice_cases_seed(
    *,
    open_: Callable[..., Case],
    submitted: Callable[..., Case],
    review_pdf: Callable[[], object],
    cmo,
    coordinator,
) -> list[Case]:
    """One decided case per notice type (see the module docstring)."""
    now = timezone.now()
    cases = []
    for demo in DEMO_NOTICES:
        case = submitted(
            open_(demo.member, demo.tar, "standard", circumstances=list(demo.circumstances)),
            cmo,
            coordinator,
            imro_received_at=now - timedelta(days=2),
        )
        review_record(
            case=case,
            actor=coordinator,
            uploaded_file=review_pdf(),
            recommendation=demo.recommendation,
            rationale=ANALYSIS[demo.recommendation],
            documents_reviewed="Referral packet, clinical note 1",
            reviewer_qualifications="Board-certified cardiologist, in practice for 15 years.",
            received_via="staff",
            received_at=now - timedelta(hours=5),
        )
        determination = determination_record(
            case=case,
            actor=cmo,
            outcome=demo.outcome,
            rationale=RATIONALE[demo.outcome],
            criteria_used="The plan's medical policy on pacemakers.",
            follows_imro=True,
            modification=demo.modification,
        )
        determination_sign(determination=determination, actor=cmo)
        spanish = SPANISH if demo.member in (0, 3) else NoticeTextInput()
        notice_text_save(
            case=case,
            actor=coordinator,
            texts=NoticeTextInput(
                **{
                    **spanish.__dict__,
                    "analysis_en": ANALYSIS[demo.recommendation],
                    "condition_en": "a heart rhythm that is sometimes too slow",
                }
            ),
        )
        cases.append(Case.objects.get(pk=case.pk))
    return cases
