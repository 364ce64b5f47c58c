"""Forms parse and shape input only; rules live in cases/services/."""

from django import forms

from cases.models import (
    Case,
    Circumstance,
    DocumentKind,
    Language,
    Outcome,
    Practitioner,
    Status,
)
from cases.searches import SEARCH_TERM_MAX
from cases.services import CaseDetails, ServiceLine
from imr.local_time import LocalDateTimeField


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
    # Offered (as a checkbox) only when the NPI is on file under another name (issue 19):
    # the case then uses the record on file, never silently.
    practitioner_use_on_file = forms.BooleanField(
        required=False, widget=forms.HiddenInput, label="Use the practitioner on file"
    )

    def ask_to_confirm(self, on_file: Practitioner) -> None:
        """Show the practitioner on file for the typed NPI and ask to confirm it."""
        field = self.fields["practitioner_use_on_file"]
        field.widget = forms.CheckboxInput()
        field.label = f"Use the practitioner on file for NPI {on_file.npi}: {on_file.name}"
        self.add_error(
            "practitioner_npi",
            f"NPI {on_file.npi} is on file for {on_file.name}"
            f"{f' ({on_file.specialty})' if on_file.specialty else ''}, not "
            f"“{self.cleaned_data['practitioner_name']}”. Tick “Use the practitioner on "
            "file” to open the case with that record, or correct the NPI.",
        )


# How the intake and edit form shows the referral-file facts (Case.REFERRAL_FACTS); what
# kind of field each is, its choices, length and whether it is required come from the model.
_FACT_LABELS = {
    "received_at_plan": "Received at the plan",
    "expedited_determined_by": "Expedited criterion determined by",
    "life_threatening": "Life-threatening (policy III.C)",
    "seriously_debilitating": "Seriously debilitating (policy III.D)",
    "benefit_exclusion": "The plan's determination was based on a benefit exclusion",
    "experimental_investigational": "The request is experimental or investigational",
    "relevant_information": "(d) Information relevant to the service requested",
    "practitioner_information": "(e) Information submitted by the practitioner",
    "medical_history": "(f) Pertinent medical history",
    "clinical_data": "(g) Treatment or clinical data",
    "response_needed_by": "(h) Date response needed",
}
_FACT_HELP = {
    "specialty": "Specialty of the requested service, to match reviewers.",
    "received_at_plan": "Local time (plan time zone).",
    "benefit_exclusion": "",
    "experimental_investigational": "",
    "response_needed_by": "",
}
_TEXT = {"rows": 3}
_FACT_WIDGETS = {
    "response_needed_by": forms.DateInput(attrs={"type": "date"}),
    "relevant_information": forms.Textarea(attrs=_TEXT),
    "practitioner_information": forms.Textarea(attrs=_TEXT),
    "medical_history": forms.Textarea(attrs=_TEXT),
    "clinical_data": forms.Textarea(attrs=_TEXT),
}
_BLANK_CHOICE = {
    "expedited_criterion": "— not expedited —",
    "expedited_determined_by": "—",
}


class CaseForm(forms.Form):
    """Intake and edit of a case: the referral-file facts, derived from the model
    (Case.REFERRAL_FACTS), and the child rows, typed as text (one per line)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    circumstances = forms.TypedMultipleChoiceField(
        label="Referral circumstances (policy VI.B)",
        choices=Circumstance.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
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
    questions = forms.CharField(
        label="(i) Questions for the reviewer",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One question per line.",
        required=False,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        facts = forms.fields_for_model(
            Case,
            fields=("received_at_plan", *Case.REFERRAL_FACTS),
            labels=_FACT_LABELS,
            help_texts=_FACT_HELP,
            widgets=_FACT_WIDGETS,
        )
        for name, blank in _BLANK_CHOICE.items():
            facts[name].choices = [("", blank), *Case._meta.get_field(name).choices]
        # A typed local time: refused in the daylight-saving gap, and when it occurs
        # twice until the reading is chosen (R-DL-18).
        facts["received_at_plan"] = LocalDateTimeField(
            label=_FACT_LABELS["received_at_plan"], help_text=_FACT_HELP["received_at_plan"]
        )
        self.fields.update(facts)

    def details(self) -> CaseDetails:
        data = self.cleaned_data
        return CaseDetails(
            received_at_plan=data["received_at_plan"],
            circumstances=data["circumstances"],
            services=_service_lines(data["services"]),
            diagnosis_codes=[c for c in data["diagnosis_codes"].replace(",", " ").split() if c],
            questions=[q for q in data["questions"].splitlines() if q.strip()],
            **{name: data[name] for name in Case.REFERRAL_FACTS},
        )


def _service_lines(text: str) -> list[ServiceLine]:
    lines = []
    for raw in text.splitlines():
        parts = raw.strip().split(None, 1)
        if parts:
            lines.append(ServiceLine(code=parts[0], description=parts[1] if len(parts) > 1 else ""))
    return lines


def case_initial(case: Case) -> dict:
    """The edit form's initial data from a saved case."""
    return {
        "version": case.version,
        "received_at_plan": case.received_at_plan,
        **{name: getattr(case, name) for name in Case.REFERRAL_FACTS},
        "circumstances": [c.circumstance for c in case.circumstances.all()],
        "services": "\n".join(f"{s.code} {s.description}" for s in case.services.all()),
        "diagnosis_codes": ", ".join(d.code for d in case.diagnoses.all()),
        "questions": "\n".join(q.text for q in case.questions.all()),
    }


class WithdrawForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Reason")


class ReceivedAtPlanChangeForm(forms.Form):
    received_at_plan = LocalDateTimeField(label="Corrected receipt at the plan")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label="Reason for the change"
    )


class DeterminationForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices)
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))
    criteria_used = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    follows_imro = forms.BooleanField(required=False, label="Follows the reviewer")
    modification = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AmendmentForm(DeterminationForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class TarAttachmentForm(forms.Form):
    tar_number = forms.CharField(label="TAR number", max_length=30)


class PractitionerLinkForm(forms.Form):
    npi = forms.CharField(label="Treating practitioner's NPI", max_length=10)


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(label="What it is for", choices=DocumentKind.choices)
    # Empty files reach the service, which explains the refusal in its own words.
    file = forms.FileField(label="File", allow_empty_file=True)
    title = forms.CharField(label="Title", required=False, max_length=200)
    author_name = forms.CharField(
        label="Author",
        required=False,
        max_length=200,
        help_text="Who wrote it. The VI.B.5 certification and recommendation must be the "
        "treating physician's: give their name and NPI.",
    )
    author_npi = forms.CharField(label="Author's NPI", required=False, max_length=10)


class IntakeDocumentForm(DocumentUploadForm):
    """A first document filed with the new case (optional): the TAR's attachment, often
    the physician's note. Refused with the case: nothing is opened if it is refused."""

    prefix = "document"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].required = False
        self.fields["file"].label = "File (optional)"
        self.fields["kind"].required = False
        self.fields["kind"].initial = DocumentKind.CLINICAL_DATA

    def clean(self):
        data = super().clean()
        if data.get("file") and not data.get("kind"):
            self.add_error("kind", "Choose what the document is for.")
        return data

    @property
    def has_file(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data.get("file"))


class DocumentSupersedeForm(forms.Form):
    file = forms.FileField(label="File", allow_empty_file=True)
    author_name = forms.CharField(
        label="Author", required=False, max_length=200, help_text="Empty: the same author."
    )
    author_npi = forms.CharField(label="Author's NPI", required=False, max_length=10)
