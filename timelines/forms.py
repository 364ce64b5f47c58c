from django import forms


class ExtensionForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="Extraordinary circumstances or good cause in the member's interest (R-DL-5).",
    )
