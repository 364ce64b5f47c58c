"""tests/support's case_at reaches every status through the services, with what
production gives a case at that status (issue 15: no state the product cannot reach)."""

import pytest

from cases.models import CaseEvent, Status
from reviewers.models import Review, Submission
from tests.support.cases import case_at
from timelines.models import Clock

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    from tests.support.files import use_private_storage

    use_private_storage(settings, tmp_path)
    settings.TAR_BUNDLE_DIR = str(tmp_path / "tar-bundles")


@pytest.mark.parametrize("status", [s for s in Status.values])
def test_case_at_walks_to_each_status(status, coordinator, cmo):
    case = case_at(status, owner=coordinator, decider=cmo)
    assert case.status == status
    kinds = set(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert "status_changed" in kinds or status == Status.INTAKE
    submitted = status not in {Status.INTAKE, Status.ASSEMBLING, Status.WITHDRAWN}
    assert Submission.objects.filter(case=case).exists() == submitted
    if submitted:
        assert Clock.objects.filter(case=case, name="imro_determination").exists()
    assert Review.objects.filter(case=case).exists() == (submitted and status != Status.SUBMITTED)
    if status == Status.ASSEMBLING:
        assert Clock.objects.filter(case=case, name="file_assembly").exists()
