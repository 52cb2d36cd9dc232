"""Read-only admin for the audit log: it can be searched, never edited."""

from __future__ import annotations

from django.contrib import admin

from kalata.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = (
        "seq",
        "timestamp",
        "actor",
        "event_type",
        "object_model",
        "object_pk",
        "short_hash",
    )
    list_filter = ("event_type", "object_model")
    search_fields = ("actor", "object_pk", "reason", "hash")
    ordering = ("-seq",)
    date_hierarchy = "timestamp"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    @admin.display(description="empreinte")
    def short_hash(self, obj: AuditEvent) -> str:
        return obj.hash[:12] + "…"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
