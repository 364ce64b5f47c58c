"""The reviewer registry (R-REV-1): IMROs, independent specialists and the specialty list.

Administrators keep it in the admin. Eligibility is computed from dates on every read,
never stored, so a certificate or contract that expires overnight makes the reviewer
ineligible the next morning without a job.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cases.models import ReviewType


def normalize_specialty(text: str) -> str:
    """The form specialty names are compared in: case-folded, one kind of dash, single spaces."""
    text = text.replace("–", "-").replace("—", "-").replace("&", "and")
    return " ".join(text.casefold().split())


class Specialty(models.Model):
    """An ABMS member board (board is empty) or a sub-specialty under one (seeded list).

    `similar` links specialties across boards that review each other's cases (Medical
    Oncology and Hematology); `aliases` are other names a case may use ("Cardiology").
    """

    name = models.CharField(max_length=120, unique=True)
    board = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subspecialties",
        help_text="The ABMS member board this sub-specialty belongs to; empty for a board.",
    )
    similar = models.ManyToManyField("self", blank=True, symmetrical=True)
    aliases = models.TextField(
        blank=True, help_text="Other names a case may use, one per line (e.g. Cardiology)."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "specialties"

    def __str__(self) -> str:
        return self.name

    @property
    def is_board(self) -> bool:
        return self.board_id is None

    def names(self) -> set[str]:
        """Every normalized name this specialty answers to."""
        return {normalize_specialty(self.name)} | {
            normalize_specialty(alias) for alias in self.aliases.splitlines() if alias.strip()
        }


class ImroQuerySet(models.QuerySet):
    def under_contract(self, on: date) -> "ImroQuerySet":
        return self.filter(contract_start__lte=on, contract_end__gte=on)


class Imro(models.Model):
    """An Independent Medical Review Organization contracted by the plan (policy VI.A, VI.E)."""

    name = models.CharField(max_length=200, unique=True)
    contract_start = models.DateField()
    contract_end = models.DateField()
    contact_name = models.CharField(max_length=200)
    contact_phone = models.CharField(max_length=30, blank=True)
    contact_email = models.EmailField(blank=True)
    secure_delivery_address = models.EmailField(
        help_text="Secure e-mail address that receives the link to a referral (never PHI)."
    )
    # What the IMRO charges the plan per review (R-REF-5). The member and the provider
    # are never charged (policy VI.E), so there is no field for such a fee anywhere.
    charge_standard = models.DecimalField(max_digits=9, decimal_places=2)
    charge_expedited = models.DecimalField(max_digits=9, decimal_places=2)
    charge_retrospective = models.DecimalField(max_digits=9, decimal_places=2)
    coordinator = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_imro",
        help_text="The IMRO's coordinator account: sees every case assigned to this IMRO.",
    )
    history = HistoricalRecords()

    objects = ImroQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "IMRO"
        verbose_name_plural = "IMROs"
        constraints = [
            models.CheckConstraint(
                condition=Q(contract_end__gte=models.F("contract_start")),
                name="imro_contract_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def contract_problems(self, on: date) -> list[str]:
        if on < self.contract_start:
            return [f"the contract with {self.name} starts {self.contract_start:%Y-%m-%d}"]
        if on > self.contract_end:
            return [f"the contract with {self.name} ended {self.contract_end:%Y-%m-%d}"]
        return []

    def charge_for(self, review_type: str) -> Decimal:
        return {
            ReviewType.STANDARD: self.charge_standard,
            ReviewType.EXPEDITED: self.charge_expedited,
            ReviewType.RETROSPECTIVE: self.charge_retrospective,
        }[review_type]


class SpecialistQuerySet(models.QuerySet):
    def eligible(self, on: date) -> "SpecialistQuerySet":
        """Board certified and current, licensed and current, practicing, contract active."""
        return self.filter(
            Q(board_certification_expires__isnull=True) | Q(board_certification_expires__gte=on),
            board_certified=True,
            license_expires__gte=on,
            actively_practicing=True,
        ).filter(Q(imro__isnull=True) | Q(imro__contract_start__lte=on, imro__contract_end__gte=on))


class Specialist(models.Model):
    """A physician reviewer: at a contracted IMRO, or independent and engaged case by case."""

    name = models.CharField(max_length=200)
    specialty = models.ForeignKey(Specialty, on_delete=models.PROTECT, related_name="+")
    subspecialty = models.ForeignKey(
        Specialty, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    board_certified = models.BooleanField(default=True)
    board_certification_expires = models.DateField(
        null=True, blank=True, help_text="Empty for a certificate that does not expire."
    )
    license_state = models.CharField(max_length=2)
    license_number = models.CharField(max_length=30)
    license_expires = models.DateField()
    actively_practicing = models.BooleanField(default=True)
    imro = models.ForeignKey(
        Imro,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="specialists",
        help_text="Empty for an independent specialist.",
    )
    email = models.EmailField(
        blank=True, help_text="Where an independent specialist receives the link to a referral."
    )
    charge_per_review = models.DecimalField(
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="An independent specialist's charge to the plan; IMRO reviewers use the "
        "IMRO's rates.",
    )
    qualifications = models.TextField(
        blank=True,
        help_text="Qualifications as printed in letters (no name), e.g. 'Board-certified in "
        "cardiovascular disease, 15 years in practice'.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="specialist",
        help_text="The reviewer's portal account (role: IMRO reviewer).",
    )
    history = HistoricalRecords()

    objects = SpecialistQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def ineligibility_reasons(self, on: date) -> list[str]:
        """Why this reviewer may not take a case on `on`; empty when eligible (R-REV-2)."""
        reasons: list[str] = []
        if not self.board_certified:
            reasons.append("not board certified")
        elif self.board_certification_expires and self.board_certification_expires < on:
            reasons.append(
                f"board certification expired {self.board_certification_expires:%Y-%m-%d}"
            )
        if self.license_expires < on:
            reasons.append(
                f"{self.license_state} license {self.license_number} expired "
                f"{self.license_expires:%Y-%m-%d}"
            )
        if not self.actively_practicing:
            reasons.append("not actively practicing")
        if self.imro is not None:
            reasons += self.imro.contract_problems(on)
        return reasons

    def charge_for(self, review_type: str) -> Decimal | None:
        if self.imro is not None:
            return self.imro.charge_for(review_type)
        return self.charge_per_review

    @property
    def specialties_label(self) -> str:
        if self.subspecialty_id:
            return f"{self.specialty} / {self.subspecialty}"
        return str(self.specialty)
