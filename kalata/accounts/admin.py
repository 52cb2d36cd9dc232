"""Django admin: role assignments inline on the user page, a read-only list with revocation.

Roles are never edited nor deleted: a new line on the user page grants a role
(``services.grant``, audited), the « Retirer » action revokes (``services.revoke``, audited).
Only an ``admin`` role (or a superuser) may manage accounts and roles here (``manage_users``).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction

from kalata.accounts import services
from kalata.accounts.models import LoginThrottle, RoleAssignment
from kalata.accounts.permissions import Action, can
from kalata.law.explain import LawError

User = get_user_model()

GRANT_FIELDS = ("role", "election", "region", "cercle", "commune", "mission", "expires_at", "note")


def _may_manage(request) -> bool:
    return bool(can(request.user, Action.MANAGE_USERS))


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = GRANT_FIELDS

    def clean(self):
        data = super().clean()
        user_id = self.instance.user_id
        if self.instance.pk is None and user_id and not self.errors:
            same = RoleAssignment.objects.active().filter(
                user_id=user_id, **{f: data.get(f) for f in GRANT_FIELDS[:6]}
            )
            if same.exists():
                raise forms.ValidationError("Cet utilisateur a déjà ce rôle, dans ce ressort.")
        return data


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    form = RoleAssignmentForm
    extra = 0
    can_delete = False
    fields = (*GRANT_FIELDS, "granted_at", "granted_by", "revoked_at")
    readonly_fields = ("granted_at", "granted_by", "revoked_at")
    verbose_name = "rôle"
    verbose_name_plural = "rôles (ajout : attribution auditée ; retrait : liste des rôles)"

    def has_add_permission(self, request, obj=None) -> bool:
        return _may_manage(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # existing assignments are shown read-only

    def has_view_permission(self, request, obj=None) -> bool:
        return _may_manage(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin, with the user's roles inline."""

    def get_inlines(self, request, obj):
        return [RoleAssignmentInline] if obj is not None else []

    def has_module_permission(self, request) -> bool:
        return _may_manage(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _may_manage(request)

    def has_add_permission(self, request) -> bool:
        return _may_manage(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return _may_manage(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return _may_manage(request) and request.user.is_superuser

    def save_formset(self, request, form, formset, change):
        if formset.model is not RoleAssignment:
            return super().save_formset(request, form, formset, change)
        # Django's change message reads these lists (normally filled by ``formset.save()``).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if inline_form.instance.pk is not None or not inline_form.has_changed():
                continue
            data = inline_form.cleaned_data
            try:
                assignment = services.grant(
                    form.instance,
                    data["role"],
                    election=data.get("election"),
                    region=data.get("region"),
                    cercle=data.get("cercle"),
                    commune=data.get("commune"),
                    mission=data.get("mission"),
                    expires_at=data.get("expires_at"),
                    note=data.get("note") or "",
                    granted_by=request.user,
                )
            except LawError as exc:
                messages.error(request, f"Rôle non attribué : {exc.message}")
            else:
                formset.new_objects.append(assignment)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "role",
        "election",
        "scope",
        "granted_at",
        "granted_by",
        "expires_at",
        "revoked_at",
        "in_force",
    )
    list_filter = ("role", "election", "revoked_at")
    search_fields = ("user__username", "note")
    list_select_related = (
        "user",
        "election",
        "region",
        "cercle",
        "commune",
        "mission",
        "granted_by",
    )
    actions = ["revoke_selected"]

    @admin.display(description="ressort")
    def scope(self, obj: RoleAssignment) -> str:
        return obj.scope_label

    @admin.display(description="en vigueur", boolean=True)
    def in_force(self, obj: RoleAssignment) -> bool:
        return obj.is_active()

    @admin.action(description="Retirer les rôles sélectionnés")
    def revoke_selected(self, request, queryset):
        done = 0
        with transaction.atomic():
            for assignment in queryset.filter(revoked_at__isnull=True):
                services.revoke(assignment, by=request.user, reason="Retrait par l'administration")
                done += 1
        self.message_user(request, f"{done} rôle(s) retiré(s).", messages.SUCCESS)

    def has_module_permission(self, request) -> bool:
        return _may_manage(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _may_manage(request)

    def has_add_permission(self, request) -> bool:
        return False  # granted from the user's page

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):
    """Failed-login counters; deleting a row lifts its lock at once."""

    list_display = ("username", "ip", "failures", "window_started_at", "locked_until")
    search_fields = ("username", "ip")
    readonly_fields = ("username", "ip", "failures", "window_started_at", "locked_until")

    def has_module_permission(self, request) -> bool:
        return _may_manage(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _may_manage(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return _may_manage(request)
