from django import forms


class ExtensionForm(forms.Form):
    """The CMO's extension decision (R-DL-5): the submit button says grant or decline."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Extraordinary circumstances or good cause in the member's interest, or why "
        "the IMRO's time is not extended (R-DL-5).",
    )
    decision = forms.ChoiceField(
        choices=[("grant", "Grant"), ("decline", "Decline")], required=False
    )
