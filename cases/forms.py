"""Forms parse and shape input only; rules live in cases/services.py."""

from django import forms

from cases.models import Circumstance, Language, ReviewType, Status
from cases.models.case import ExpeditedCriterion, ExpeditedDeterminedBy
from cases.searches import SEARCH_TERM_MAX
from cases.services import CaseDetails, ServiceLine


class CaseSearchForm(forms.Form):
    """The case search box, POSTed so that the term stays out of URLs (issue 11)."""

    q = forms.CharField(
        label="Search: TAR number, internal identifier or member name",
        max_length=SEARCH_TERM_MAX,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(choices=[("", "Any"), *Status.choices], required=False)


class MemberForm(forms.Form):
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100)
    cin = forms.CharField(label="CIN", max_length=20)
    date_of_birth = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    address_line1 = forms.CharField(label="Address", max_length=200)
    address_line2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    city = forms.CharField(max_length=100)
    state = forms.CharField(max_length=2, initial="CA")
    postal_code = forms.CharField(max_length=10)
    language = forms.ChoiceField(choices=Language.choices, initial=Language.ENGLISH)


class PractitionerForm(forms.Form):
    practitioner_name = forms.CharField(label="Treating practitioner", max_length=200)
    practitioner_npi = forms.RegexField(
        label="NPI",
        regex=r"^\d{10}$",
        required=False,
        error_messages={"invalid": "An NPI is 10 digits."},
    )
    practitioner_specialty = forms.CharField(label="Practitioner's specialty", required=False)
    practitioner_email = forms.EmailField(label="Practitioner's e-mail", required=False)
    practitioner_address = forms.CharField(
        label="Practitioner's mailing address",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Letters go by e-mail when an address is on file, otherwise by mail.",
    )


class CaseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    tar_number = forms.CharField(label="TAR number", max_length=30)
    specialty = forms.CharField(
        max_length=100, help_text="Specialty of the requested service, to match reviewers."
    )
    review_type = forms.ChoiceField(choices=ReviewType.choices)
    received_at_plan = forms.DateTimeField(
        label="Received at the plan",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Local time (plan time zone).",
    )
    circumstances = forms.TypedMultipleChoiceField(
        label="Referral circumstances (policy VI.B)",
        choices=Circumstance.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    expedited_criterion = forms.ChoiceField(
        choices=[("", "— not expedited —"), *ExpeditedCriterion.choices], required=False
    )
    expedited_determined_by = forms.ChoiceField(
        label="Expedited criterion determined by",
        choices=[("", "—"), *ExpeditedDeterminedBy.choices],
        required=False,
    )
    life_threatening = forms.BooleanField(required=False, label="Life-threatening (policy III.C)")
    seriously_debilitating = forms.BooleanField(
        required=False, label="Seriously debilitating (policy III.D)"
    )
    benefit_exclusion = forms.BooleanField(
        required=False, label="The plan's determination was based on a benefit exclusion"
    )
    experimental_investigational = forms.BooleanField(
        required=False, label="The request is experimental or investigational"
    )
    services = forms.CharField(
        label="(b) Requested services",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: code, then a plain-language description. "
        "Example: 0394T Image-guided brachytherapy of the skin",
    )
    diagnosis_codes = forms.CharField(
        label="(c) Diagnoses (ICD-10-CM)",
        help_text="Codes separated by commas or spaces, e.g. C44.91, E11.9",
        widget=forms.TextInput(attrs={"list": "icd10-suggestions", "autocomplete": "off"}),
    )
    relevant_information = forms.CharField(
        label="(d) Information relevant to the service requested",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    practitioner_information = forms.CharField(
        label="(e) Information submitted by the practitioner",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    medical_history = forms.CharField(
        label="(f) Pertinent medical history",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    clinical_data = forms.CharField(
        label="(g) Treatment or clinical data",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    response_needed_by = forms.DateField(
        label="(h) Date response needed",
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
    )
    questions = forms.CharField(
        label="(i) Questions for the reviewer",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One question per line.",
        required=False,
    )

    def details(self) -> CaseDetails:
        data = self.cleaned_data
        return CaseDetails(
            tar_number=data["tar_number"].strip(),
            specialty=data["specialty"].strip(),
            review_type=data["review_type"],
            received_at_plan=data["received_at_plan"],
            circumstances=data["circumstances"],
            services=_service_lines(data["services"]),
            diagnosis_codes=[c for c in data["diagnosis_codes"].replace(",", " ").split() if c],
            questions=[q for q in data["questions"].splitlines() if q.strip()],
            response_needed_by=data["response_needed_by"],
            expedited_criterion=data["expedited_criterion"],
            expedited_determined_by=data["expedited_determined_by"],
            life_threatening=data["life_threatening"],
            seriously_debilitating=data["seriously_debilitating"],
            benefit_exclusion=data["benefit_exclusion"],
            experimental_investigational=data["experimental_investigational"],
            relevant_information=data["relevant_information"],
            practitioner_information=data["practitioner_information"],
            medical_history=data["medical_history"],
            clinical_data=data["clinical_data"],
        )


def _service_lines(text: str) -> list[ServiceLine]:
    lines = []
    for raw in text.splitlines():
        parts = raw.strip().split(None, 1)
        if parts:
            lines.append(ServiceLine(code=parts[0], description=parts[1] if len(parts) > 1 else ""))
    return lines


def case_initial(case) -> dict:
    """The edit form's initial data from a saved case."""
    return {
        "version": case.version,
        "tar_number": case.tar_number,
        "specialty": case.specialty,
        "review_type": case.review_type,
        "received_at_plan": case.received_at_plan,
        "circumstances": [c.circumstance for c in case.circumstances.all()],
        "expedited_criterion": case.expedited_criterion,
        "expedited_determined_by": case.expedited_determined_by,
        "life_threatening": case.life_threatening,
        "seriously_debilitating": case.seriously_debilitating,
        "benefit_exclusion": case.benefit_exclusion,
        "experimental_investigational": case.experimental_investigational,
        "services": "\n".join(f"{s.code} {s.description}" for s in case.services.all()),
        "diagnosis_codes": ", ".join(d.code for d in case.diagnoses.all()),
        "relevant_information": case.relevant_information,
        "practitioner_information": case.practitioner_information,
        "medical_history": case.medical_history,
        "clinical_data": case.clinical_data,
        "response_needed_by": case.response_needed_by,
        "questions": "\n".join(q.text for q in case.questions.all()),
    }


class WithdrawForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Reason")


class ReceivedAtPlanChangeForm(forms.Form):
    received_at_plan = forms.DateTimeField(
        label="Corrected receipt at the plan",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label="Reason for the change"
    )
