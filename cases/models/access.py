from django.conf import settings
from django.db import models


class AccessLog(models.Model):
    """Every view or download of member PHI or a clinical document (R-TRK-8).

    Append-only (R-SEC-6): the database refuses UPDATE, DELETE and TRUNCATE (migration
    0011_accesslog_objects). Kept with the case record for the plan's HIPAA retention
    period. A download names what was downloaded (document, letter or TAR bundle); a
    view of part of a case names the part (`resource`: "checklist", "edit form", ...).
    """

    class Action(models.TextChoices):
        VIEW_CASE = "view_case", "Viewed case"
        VIEW_MEMBER = "view_member", "Viewed member"
        DOWNLOAD_DOCUMENT = "download_document", "Downloaded document"
        DOWNLOAD_PACKET = "download_packet", "Downloaded packet"
        VIEW_PORTAL = "view_portal", "Viewed in reviewer portal"
        VIEW_LIST = "view_list", "Listed in case search"
        DOWNLOAD_LETTER = "download_letter", "Downloaded letter"
        DOWNLOAD_TAR_BUNDLE = "download_tar_bundle", "Downloaded TAR bundle"

    at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=24, choices=Action.choices)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    document = models.ForeignKey(
        "cases.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    letter = models.ForeignKey(
        "cases.Letter", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tar_bundle = models.ForeignKey(
        "cases.TarBundle", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Which part of the case was shown, in plain words, never what it held.
    resource = models.CharField(max_length=40, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M}"
