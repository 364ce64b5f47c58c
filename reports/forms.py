from datetime import date, timedelta

from django import forms
from django.utils import timezone

from cases.models import Circumstance, ReviewType
from imr.errors import Refused
from reports.params import ReportParams
from reports.selectors import report_filter_choices
from timelines.calendar import plan_zone


def last_twelve_months(today: date | None = None) -> tuple[date, date]:
    """The current month and the eleven before it, up to and including today (issue 19:
    a range ending earlier hid the cases received since, the ones a reader looks for)."""
    today = today or timezone.now().astimezone(plan_zone()).date()
    start = today.replace(day=1)
    for _ in range(11):
        start = (start - timedelta(days=1)).replace(day=1)
    return start, today


class ReportForm(forms.Form):
    """The report's range and filters, from a query string (page, downloads, API)."""

    date_from = forms.DateField(
        label="IMRO receipt from", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="to (inclusive)", widget=forms.DateInput(attrs={"type": "date"})
    )
    review_type = forms.ChoiceField(
        required=False, choices=[("", "All review types"), *ReviewType.choices]
    )
    circumstance = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Referral circumstance",
        choices=[("", "All circumstances"), *Circumstance.choices],
    )
    specialty = forms.ChoiceField(required=False)
    imro = forms.ChoiceField(required=False, label="IMRO")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        choices = report_filter_choices()
        self.fields["specialty"].choices = [("", "All specialties"), *choices["specialty"]]
        self.fields["imro"].choices = [("", "All IMROs"), *choices["imro"]]
        start, end = last_twelve_months()
        self.fields["date_from"].initial = start
        self.fields["date_to"].initial = end

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            self.params = ReportParams(
                date_from=cleaned["date_from"],
                date_to=cleaned["date_to"],
                review_type=cleaned["review_type"],
                circumstance=cleaned["circumstance"],
                specialty=cleaned["specialty"],
                imro=cleaned["imro"],
                imro_label=dict(self.fields["imro"].choices).get(cleaned["imro"], ""),
            )
        except Refused as refused:
            raise forms.ValidationError(str(refused)) from None
        return cleaned


class UniverseForm(forms.Form):
    """The audit universe's range: receipt at the plan, local dates, both inclusive."""

    date_from = forms.DateField(
        label="Received at the plan from", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="to (inclusive)", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "universe_%s")
        super().__init__(*args, **kwargs)
        start, end = last_twelve_months()
        self.fields["date_from"].initial = start
        self.fields["date_to"].initial = end

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        if not self.errors and cleaned["date_to"] < cleaned["date_from"]:
            raise forms.ValidationError("The end of the range is before its start.")
        return cleaned
