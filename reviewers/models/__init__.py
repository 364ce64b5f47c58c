"""Reviewer data: the registry (IMROs, specialists, specialties) and the IMRO loop on a case."""

from reviewers.models.casework import (
    Assignment,
    ConflictAttestation,
    ContactChannel,
    ContactLogEntry,
    DeliveryChannel,
    InformationRequest,
    ReceivedVia,
    Recommendation,
    Review,
    Submission,
)
from reviewers.models.registry import Imro, Specialist, Specialty

__all__ = [
    "Assignment",
    "ConflictAttestation",
    "ContactChannel",
    "ContactLogEntry",
    "DeliveryChannel",
    "Imro",
    "InformationRequest",
    "ReceivedVia",
    "Recommendation",
    "Review",
    "Specialist",
    "Specialty",
    "Submission",
]
