from django import forms


class ExtensionForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="Extraordinary circumstances or good cause in the member's interest (R-DL-5).",
    )


class QueueFilterForm(forms.Form):
    window = forms.ChoiceField(
        required=False,
        choices=[
            ("", "All open cases"),
            ("overdue", "Overdue"),
            ("today", "Due today"),
            ("next", "Due by the next business day"),
        ],
    )
    mine = forms.BooleanField(required=False, label="Only my cases")
