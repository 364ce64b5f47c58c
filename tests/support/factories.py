"""factory_boy factories for the rows a case stands on: members, practitioners and the
reviewer registry (IMROs, specialists).

These rows are entered by people outside the case workflow (intake finds or adds the
member and practitioner, an Administrator keeps the registry), so building them
directly is a state the product reaches. Cases themselves are never built here: they
come from tests/support/cases.py, which walks the real services.

Every value is obviously synthetic; the defaults below are also the PHI strings tests
search for where it must never appear.
"""

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from cases.models import Member, Practitioner
from reviewers.models import Imro, Specialist, Specialty

FAR = date(2099, 12, 31)
QUALIFICATIONS = (
    "Board-certified dermatologist with a sub-specialty certification in Mohs surgery, "
    "in active practice for 18 years"
)

# The default member: searched for in places PHI must never reach.
MEMBER_FIRST, MEMBER_LAST = "Zebulon", "Quixotefake"
MEMBER_CIN = "99887766Z"
MEMBER_DOB = date(1961, 7, 14)
MEMBER_ADDRESS = "1 Synthetic Way"

PRACTITIONER_NAME = "Dr. Testa Synthetic"
PRACTITIONER_NPI = "1234567893"
PRACTITIONER_EMAIL = "office@practice.example.invalid"


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member

    first_name = MEMBER_FIRST
    last_name = MEMBER_LAST
    cin = MEMBER_CIN
    date_of_birth = MEMBER_DOB
    address_line1 = MEMBER_ADDRESS
    city = "Faketown"
    postal_code = "95401"


class PractitionerFactory(DjangoModelFactory):
    class Meta:
        model = Practitioner

    name = PRACTITIONER_NAME
    npi = PRACTITIONER_NPI


class ImroFactory(DjangoModelFactory):
    class Meta:
        model = Imro
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Synthetic Review Organization {n}")
    contract_start = date(2020, 1, 1)
    contract_end = FAR
    contact_name = "Intake desk"
    secure_delivery_address = factory.Sequence(lambda n: f"intake{n}@imro.example.invalid")
    charge_standard = Decimal("400.00")
    charge_expedited = Decimal("550.00")
    charge_retrospective = Decimal("350.00")


class SpecialistFactory(DjangoModelFactory):
    """An eligible reviewer: board certified, licensed and practising, under an IMRO."""

    class Meta:
        model = Specialist

    class Params:
        specialty_name = "Dermatology"

    name = factory.Sequence(lambda n: f"Dr. Synthetic Reviewer {n}")
    specialty = factory.LazyAttribute(
        lambda o: Specialty.objects.get_or_create(name=o.specialty_name)[0]
    )
    board_certified = True
    board_certification_expires = FAR
    license_state = "CA"
    license_number = factory.Sequence(lambda n: f"A{20000 + n}")
    license_expires = FAR
    actively_practicing = True
    imro = factory.SubFactory(ImroFactory)
    qualifications = QUALIFICATIONS


# A second member, for document tests: her name, CIN and birth date are what the
# content checks look for inside uploaded files.
ROSALIND = {
    "first_name": "Rosalind",
    "last_name": "Quintero",
    "cin": "91234567A",
    "date_of_birth": date(1960, 1, 2),
    "address_line1": "742 Evergreen Terrace",
    "city": "Santa Rosa",
    "postal_code": "95401",
}
