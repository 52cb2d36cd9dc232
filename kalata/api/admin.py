"""Django admin of API tokens: create (the token is shown once), list, revoke — all audited.

Only an ``admin`` role (or a superuser) may see or manage tokens (``manage_users``). A token is
never edited nor deleted: it is revoked (``kalata.api.tokens.revoke_token``). The receipts of
idempotent submissions are shown read-only.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model

from kalata.accounts.permissions import Action, can
from kalata.api.models import ApiToken, SubmissionReceipt
from kalata.api.tokens import MAX_DAYS, create_token, revoke_token, token_status
from kalata.law.explain import LawError

DEFAULT_DAYS = 30


def _may_manage(request) -> bool:
    return bool(can(request.user, Action.MANAGE_USERS))


class ApiTokenAddForm(forms.ModelForm):
    days = forms.IntegerField(
        label="validité (jours)", min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS
    )

    class Meta:
        model = ApiToken
        fields = ("user", "name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.filter(is_active=True)

    def clean_name(self) -> str:
        name = (self.cleaned_data.get("name") or "").strip()
        if not name or any(ord(c) < 32 for c in name):
            raise forms.ValidationError("Nom de jeton invalide : caractères imprimables.")
        return name


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "prefix",
        "user",
        "name",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "state",
    )
    list_filter = ("revoked_at",)
    search_fields = ("user__username", "name", "prefix")
    list_select_related = ("user",)
    readonly_fields = (
        "user",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    actions = ["revoke_selected"]

    @admin.display(description="état")
    def state(self, obj: ApiToken) -> str:
        return {"active": "actif", "revoked": "révoqué", "expired": "expiré"}[token_status(obj)]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ("user", "name", "days") if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:  # pragma: no cover - tokens are read-only once created
            return
        try:
            new = create_token(
                form.cleaned_data["user"],
                form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                actor=request.user,
            )
        except LawError as exc:
            raise forms.ValidationError(exc.message) from None
        obj.__dict__.update(
            {f.attname: getattr(new.token, f.attname) for f in ApiToken._meta.concrete_fields}
        )
        obj._state.adding = False
        messages.warning(
            request,
            f"Jeton n°{obj.pk} pour {obj.user.get_username()} : {new.clear} — copiez-le "
            "maintenant, il ne sera plus jamais affiché.",
        )

    @admin.action(description="Révoquer les jetons sélectionnés")
    def revoke_selected(self, request, queryset):
        done = 0
        for token in queryset.filter(revoked_at__isnull=True):
            revoke_token(token, actor=request.user, reason="Révocation par l'administration")
            done += 1
        self.message_user(request, f"{done} jeton(s) révoqué(s).", messages.SUCCESS)

    def has_module_permission(self, request) -> bool:
        return _may_manage(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _may_manage(request)

    def has_add_permission(self, request) -> bool:
        return _may_manage(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SubmissionReceipt)
class SubmissionReceiptAdmin(admin.ModelAdmin):
    list_display = ("client_key", "user", "sheet", "status_code", "created_at")
    search_fields = ("client_key", "user__username")
    list_select_related = ("user", "sheet__station", "sheet__round__election", "sheet__contest")

    def has_module_permission(self, request) -> bool:
        return _may_manage(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _may_manage(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
