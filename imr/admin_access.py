"""Admin pages are for the Administrator role: access by the "imr.administer" capability
rather than per-model permissions, so the role needs no extra grants per model."""

from django.http import HttpRequest

from imr.roles import perm


class AdministratorOnly:
    """Mix into a ModelAdmin: view, add and change for Administrators; never delete."""

    def _administers(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.has_perm(perm("administer"))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._administers(request)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._administers(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._administers(request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._administers(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
