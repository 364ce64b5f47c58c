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
    # A system's account (the TAR system, an IMRO's intake), not a person: the only kind
    # an Administrator may issue an API token for (R-SEC-2). It holds no clinical
    # capability; tokens are refused for an account that has one.
    SERVICE_ACCOUNT = "Service account"


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


# Capabilities that reach case data (PHI, de-identified case files, decisions). A service
# account must hold none of them; every holder of one is staff for the second factor.
CLINICAL_CAPABILITIES = (
    "view_phi",
    "work_cases",
    "decide_cases",
    "change_audited_dates",
    "review_assigned_cases",
)
# The plan's own staff (not the external reviewers): they sign in with a second factor
# when settings.OTP_REQUIRED (R-SEC-8).
STAFF_CAPABILITIES = (
    "view_phi",
    "work_cases",
    "decide_cases",
    "change_audited_dates",
    "view_reports",
    "administer",
)

# Django's own permissions the Administrator needs to manage accounts in the admin, as
# the README says (R-SEC-8): users and groups, viewed, added and changed, never deleted
# (an account is deactivated; who did what stays attributable).
ACCOUNT_ADMIN_PERMISSIONS = (
    ("auth", "user", "view_user", "Can view user"),
    ("auth", "user", "add_user", "Can add user"),
    ("auth", "user", "change_user", "Can change user"),
    ("auth", "group", "view_group", "Can view group"),
)


@dataclass(frozen=True)
class RoleGrant:
    role: Role
    capabilities: tuple[str, ...]
    is_staff: bool = False
    # (app_label, model, codename, name) of Django model permissions beyond capabilities.
    model_permissions: tuple[tuple[str, str, str, str], ...] = ()


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
        model_permissions=ACCOUNT_ADMIN_PERMISSIONS,
    ),
    RoleGrant(Role.SERVICE_ACCOUNT, ()),
)


def perm(codename: str) -> str:
    """The full permission name for a capability, as user.has_perm() expects."""
    return f"imr.{codename}"


def is_plan_staff(user: object) -> bool:
    """A signed-in member of the plan's staff (any staff capability, the admin, or a
    superuser), as opposed to an external reviewer or an account with no role."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return any(user.has_perm(perm(codename)) for codename in STAFF_CAPABILITIES)


def clinical_capabilities_of(user: object) -> list[str]:
    """The clinical capabilities the account holds (by any group or direct grant)."""
    if getattr(user, "is_superuser", False):
        return list(CLINICAL_CAPABILITIES)
    return [codename for codename in CLINICAL_CAPABILITIES if user.has_perm(perm(codename))]


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
        for app_label, model, codename, name in grant.model_permissions:
            # On a fresh database the auth permissions are created only after every
            # migration ran (post_migrate); create them here with Django's own names.
            model_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
            permission, _ = Permission.objects.get_or_create(
                content_type=model_type, codename=codename, defaults={"name": name}
            )
            permissions.append(permission)
        group.permissions.set(permissions)
