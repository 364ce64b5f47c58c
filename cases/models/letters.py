"""Letters to the member and the treating practitioner (R-NOT-1…5, R-TRK-6).

A LetterTemplate is one version of the wording for one party in one language;
Administrators add versions, one is active per party and language. A Letter is the
exact PDF sent, stored once in the private documents storage and never regenerated:
the template version, the determination and the file's SHA-256 are kept with it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cases.models.case import Case
from cases.models.determination import Determination
from cases.models.member import Language


class Party(models.TextChoices):
    MEMBER = "member", "Member"
    PRACTITIONER = "practitioner", "Treating practitioner"


class LetterChannel(models.TextChoices):
    MAIL = "mail", "Print-and-mail queue"
    EMAIL = "email", "E-mail with a secure download link"


class LetterTemplateQuerySet(models.QuerySet):
    def active(self) -> "LetterTemplateQuerySet":
        return self.filter(active=True)


class LetterTemplate(models.Model):
    """One version of a letter's wording: Django template text, rendered into the PDF."""

    party = models.CharField(max_length=12, choices=Party.choices)
    language = models.CharField(max_length=2, choices=Language.choices)
    version = models.PositiveIntegerField()
    body = models.TextField(
        help_text="Django template text (HTML) for the letter's body; see docs/"
        "decisions_and_letters.md for the variables it may use."
    )
    active = models.BooleanField(default=False)
    change_note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    history = HistoricalRecords()

    objects = LetterTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["party", "language", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["party", "language", "version"], name="one_letter_template_version"
            ),
            models.UniqueConstraint(
                fields=["party", "language"],
                condition=Q(active=True),
                name="one_active_letter_template",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_party_display()} letter ({self.language}) v{self.version}"


class InsertKind(models.TextChoices):
    """The inserts printed with a member letter (R-NOT-7, R-NOT-8)."""

    RIGHTS = "rights", "Your rights and State Hearing information"
    NONDISCRIMINATION = "nondiscrimination", "Nondiscrimination notice (Section 1557)"
    TAGLINES = "taglines", "Language assistance taglines"


class LetterInsert(models.Model):
    """One version of an insert's wording, rendered after the letter into the same PDF.

    Taglines speak every threshold language at once: their language is blank.
    """

    kind = models.CharField(max_length=20, choices=InsertKind.choices)
    language = models.CharField(max_length=2, choices=Language.choices, blank=True)
    version = models.PositiveIntegerField()
    body = models.TextField(help_text="Django template text (HTML), with the letter's variables.")
    active = models.BooleanField(default=False)
    change_note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    history = HistoricalRecords()

    objects = LetterTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "language", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "language", "version"], name="one_letter_insert_version"
            ),
            models.UniqueConstraint(
                fields=["kind", "language"],
                condition=Q(active=True),
                name="one_active_letter_insert",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.language or 'all'}) v{self.version}"


class NoticeText(models.Model):
    """The case texts a letter prints, in plain words, as UM staff entered or confirmed
    them (R-NOT-6, R-NOT-9). English and Spanish; a Spanish letter needs every Spanish
    text it prints. Saved by cases.services.notice_texts.notice_text_save."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="notice_text")
    # The reviewer's analysis in plain words (suggested from the written review).
    analysis_en = models.TextField(blank=True)
    analysis_es = models.TextField(blank=True)
    # The condition in plain words (the ICD-10-CM title is only a suggestion).
    condition_en = models.TextField(blank=True)
    condition_es = models.TextField(blank=True)
    # Spanish versions of the other texts; one line per requested service, in order.
    services_es = models.TextField(blank=True)
    qualifications_es = models.TextField(blank=True)
    rationale_es = models.TextField(blank=True)
    criteria_es = models.TextField(blank=True)
    modification_es = models.TextField(blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField()
    # The signed determination current when staff confirmed: an amendment asks again.
    confirmed_for = models.ForeignKey(
        Determination, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"letter texts of case {self.case_id}"


class OralNoticeMethod(models.TextChoices):
    PHONE = "phone", "By telephone"
    IN_PERSON = "in_person", "In person"
    VOICEMAIL = "voicemail", "Voicemail (message left)"


class OralNotice(models.Model):
    """The oral notice of an expedited decision to the member (42 CFR 438.408(d)(2),
    R-NOT-12): when, to whom, by whom and how. Append-only: a correction is a new row."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="oral_notices")
    given_at = models.DateTimeField()
    given_to = models.CharField(max_length=200, help_text="The member or their representative.")
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(max_length=12, choices=OralNoticeMethod.choices)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["given_at", "pk"]

    def __str__(self) -> str:
        return f"oral notice on case {self.case_id}"


class LetterQuerySet(models.QuerySet):
    def awaiting_mail(self) -> "LetterQuerySet":
        """Letters in the print-and-mail queue that nobody has marked as mailed yet."""
        return self.filter(channel=LetterChannel.MAIL, mailed_at=None)


class Letter(models.Model):
    """A letter as sent: the stored PDF is the record (R-NOT-3), the send is R-TRK-6."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="letters")
    determination = models.ForeignKey(
        Determination, on_delete=models.PROTECT, related_name="letters"
    )
    party = models.CharField(max_length=12, choices=Party.choices)
    language = models.CharField(max_length=2, choices=Language.choices)
    template = models.ForeignKey(LetterTemplate, on_delete=models.PROTECT, related_name="letters")
    # The notice type the letter was written as, and the inserts printed with it (R-NOT-7).
    notice_type = models.CharField(max_length=24, blank=True)
    inserts = models.ManyToManyField(LetterInsert, blank=True, related_name="letters")
    # The pre-send check as it passed: [{"name", "ok", "detail"}] (R-NOT-13).
    checks = models.JSONField(default=list, blank=True)
    reading_grade = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    storage_name = models.CharField(max_length=100, unique=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    page_count = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    channel = models.CharField(max_length=8, choices=LetterChannel.choices)
    # E-mail: when the link went out. Mail: when the letter entered the print queue.
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Print-and-mail only: when UM staff put it in the post, and who.
    mailed_at = models.DateTimeField(null=True, blank=True)
    mailed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # E-mail only: the secure link (only its hash is kept) and when it stops working.
    link_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    link_expires_at = models.DateTimeField(null=True, blank=True)
    link_failures = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords(excluded_fields=["link_failures"])

    objects = LetterQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # A letter is sent once per party and determination: a double submit is refused.
            models.UniqueConstraint(
                fields=["determination", "party"], name="one_letter_per_determination_and_party"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_party_display()} letter {self.pk} on case {self.case_id}"

    @property
    def notified_at(self):
        """When the party counts as notified: mailed for post, sent for e-mail."""
        return self.mailed_at if self.channel == LetterChannel.MAIL else self.sent_at
