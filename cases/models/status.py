from django.db import models


class Status(models.TextChoices):
    INTAKE = "intake", "Intake"
    ASSEMBLING = "assembling", "Assembling file"
    SUBMITTED = "submitted", "Submitted to reviewer"
    REVIEW_RECEIVED = "review_received", "Review received"
    DECIDED = "decided", "Determination signed"
    NOTIFIED = "notified", "Parties notified"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"
