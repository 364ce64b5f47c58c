import secrets

from django.db import models
from simple_history.models import HistoricalRecords

# Crockford base32 without I, L, O, U: readable over the phone, no look-alike letters.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_internal_patient_id() -> str:
    """A random identifier with no relation to the CIN (R-FILE-a): 'P-' + 10 characters."""
    return "P-" + "".join(secrets.choice(_ALPHABET) for _ in range(10))


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"


class Member(models.Model):
    """The Medi-Cal member. Everything but internal_id is PHI and never leaves the plan."""

    internal_id = models.CharField(
        max_length=16, unique=True, default=new_internal_patient_id, editable=False
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    cin = models.CharField("CIN", max_length=20, db_index=True)
    date_of_birth = models.DateField()
    address_line1 = models.CharField(max_length=200)
    address_line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, default="CA")
    postal_code = models.CharField(max_length=10)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self) -> str:
        # Never the name: model reprs end up in logs.
        return self.internal_id

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Practitioner(models.Model):
    """The treating or requesting practitioner."""

    name = models.CharField(max_length=200)
    npi = models.CharField("NPI", max_length=10, blank=True)
    specialty = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    address = models.TextField(blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"practitioner {self.pk}"

    def is_named(self, name: str) -> bool:
        """Whether `name` is this practitioner's, ignoring case, dots and commas
        ("Dr. Pat Example" and "dr pat example" are one name)."""
        return _name_key(self.name) == _name_key(name)


def _name_key(name: str) -> str:
    return " ".join(name.casefold().replace(".", " ").replace(",", " ").split())
