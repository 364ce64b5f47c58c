"""Forms of the reviewer panel and the portal: they parse input, the services decide."""

from django import forms

from imr.local_time import LocalDateTimeField
from reviewers.models import (
    ConflictAttestation,
    ContactChannel,
    DeliveryChannel,
    Recommendation,
    Specialist,
)

_YES_NO = [("no", "No"), ("yes", "Yes")]


class AssignmentForm(forms.Form):
    specialist = forms.ModelChoiceField(queryset=Specialist.objects.all(), label="Reviewer")
    outside_suggestion_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason (needed when the reviewer is not among the suggestions)",
    )


class AttestationForm(forms.Form):
    """One yes/no per item of Health & Safety Code 1374.32(c); no default answer."""

    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name, label in ConflictAttestation.ITEMS:
            self.fields[name] = forms.ChoiceField(
                choices=_YES_NO, widget=forms.RadioSelect, label=label
            )
        self.order_fields([name for name, _ in ConflictAttestation.ITEMS])

    def answers(self) -> dict[str, bool]:
        return {name: self.cleaned_data[name] == "yes" for name, _ in ConflictAttestation.ITEMS}


class StaffAttestationForm(AttestationForm):
    specialist = forms.ModelChoiceField(queryset=Specialist.objects.all(), label="Reviewer")


class SubmitForm(forms.Form):
    delivery = forms.ChoiceField(choices=DeliveryChannel.choices, initial=DeliveryChannel.PORTAL)


class ContactForm(forms.Form):
    at = LocalDateTimeField(label="When")
    channel = forms.ChoiceField(choices=ContactChannel.choices)
    with_whom = forms.CharField(max_length=200, label="With whom")
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class QuestionForm(forms.Form):
    question = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class ReviewForm(forms.Form):
    file = forms.FileField(label="Written determination", allow_empty_file=True)
    recommendation = forms.ChoiceField(choices=Recommendation.choices)
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    documents_reviewed = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    reviewer_qualifications = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reviewer's qualifications (printed in the member letter; no name)",
    )


class StaffReviewForm(ReviewForm):
    # Seconds allowed; empty means now, so "now" typed right after submission is never
    # earlier than the IMRO receipt it follows.
    received_at = LocalDateTimeField(label="Received at", required=False)
