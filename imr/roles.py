"""The product's roles (SPEC "Who uses it") as Django groups with permissions.

Views never test group names: they test permissions, so an Administrator can grant
one capability (say, reports) to a single UM user without a new role.
"""

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    UM_STAFF = "UM staff"
    CMO = "CMO / Physician Designee"
    QUAC = "QUAC"
    IMRO_REVIEWER = "IMRO reviewer"
    ADMINISTRATOR = "Administrator"


# (codename, description) of the capabilities declared on imr.Capability.
CAPABILITIES: list[tuple[str, str]] = [
    ("view_phi", "See member PHI (name, CIN, date of birth, address)"),
    ("work_cases", "Open and assemble cases, upload documents, submit, log contacts, send letters"),
    ("decide_cases", "Approve referral, mark expedited, grant extensions, sign determinations"),
    ("change_audited_dates", "Change regulator-audited dates, with a reason"),
    ("view_reports", "Pull de-identified QUAC reports"),
    ("review_assigned_cases", "Use the reviewer portal for cases assigned to them"),
    ("administer", "Manage users, reviewers, IMROs, holidays and letter templates"),
]


@dataclass(frozen=True)
class RoleGrant:
    role: Role
    capabilities: tuple[str, ...]
    is_staff: bool = False


ROLE_GRANTS: tuple[RoleGrant, ...] = (
    RoleGrant(Role.UM_STAFF, ("view_phi", "work_cases")),
    RoleGrant(
        Role.CMO,
        ("view_phi", "work_cases", "decide_cases", "change_audited_dates", "view_reports"),
    ),
    RoleGrant(Role.QUAC, ("view_reports",)),
    RoleGrant(Role.IMRO_REVIEWER, ("review_assigned_cases",)),
    RoleGrant(
        Role.ADMINISTRATOR,
        ("view_phi", "change_audited_dates", "view_reports", "administer"),
        is_staff=True,
    ),
)


def perm(codename: str) -> str:
    """The full permission name for a capability, as user.has_perm() expects."""
    return f"imr.{codename}"


def sync_role_groups(apps) -> None:
    """Create or update one group per role holding exactly its capabilities.

    Idempotent. Takes an app registry so a data migration can run it against the
    historical models; a later change to ROLE_GRANTS ships with a migration that calls
    it again.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="imr", model="capability")
    names = dict(CAPABILITIES)
    for grant in ROLE_GRANTS:
        group, _ = Group.objects.get_or_create(name=str(grant.role))
        permissions = []
        for codename in grant.capabilities:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": names[codename]}
            )
            permissions.append(permission)
        group.permissions.set(permissions)
