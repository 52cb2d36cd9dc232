"""Read-only admin for polling-station minutes, their entries, acknowledgements and corrections.

Figures are never edited here: entries, resolutions, acknowledgements and corrections go through
``kalata.results.entry`` (state machine, four eyes, audit). The admin only shows them.
"""

from __future__ import annotations

from django.contrib import admin

from kalata.results.models import Acknowledgement, Correction, DataEntry, SheetVote, TallySheet


class ReadOnlyMixin:
    """No add, change or delete: the admin is a window, not a door."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


class DataEntryInline(ReadOnlyInline):
    model = DataEntry
    fields = ("number", "entered_by", "state", "check_codes", "created_at", "figures")
    readonly_fields = fields
    ordering = ("pk",)


class SheetVoteInline(ReadOnlyInline):
    model = SheetVote
    fields = ("selection", "votes")
    readonly_fields = fields


class AcknowledgementInline(ReadOnlyInline):
    model = Acknowledgement
    fields = ("code", "reason", "by", "at", "sheet_version")
    readonly_fields = fields


class CorrectionInline(ReadOnlyInline):
    model = Correction
    fields = ("kind", "reason", "reference", "by", "at")
    readonly_fields = fields


@admin.register(TallySheet)
class TallySheetAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "station_code",
        "contest_code",
        "round",
        "status",
        "version",
        "voters",
        "valid_votes",
        "check_codes",
        "annulled",
        "definitive_at",
    )
    list_filter = ("status", "annulled")
    search_fields = ("station__code", "station__name", "contest__code")
    list_select_related = ("station", "contest", "round__election")
    readonly_fields = [f.name for f in TallySheet._meta.fields]
    inlines = [DataEntryInline, SheetVoteInline, AcknowledgementInline, CorrectionInline]

    @admin.display(description="bureau de vote", ordering="station__code")
    def station_code(self, obj: TallySheet) -> str:
        return obj.station.code

    @admin.display(description="circonscription", ordering="contest__code")
    def contest_code(self, obj: TallySheet) -> str:
        return obj.contest.code


@admin.register(DataEntry)
class DataEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("sheet", "number", "entered_by", "state", "check_codes", "created_at")
    list_filter = ("state", "number")
    search_fields = ("sheet__station__code", "entered_by__username", "client_key")
    list_select_related = (
        "sheet__station",
        "sheet__round__election",
        "sheet__contest",
        "entered_by",
    )
    readonly_fields = [f.name for f in DataEntry._meta.fields]


@admin.register(Acknowledgement)
class AcknowledgementAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("sheet", "code", "reason", "by", "at", "sheet_version")
    list_filter = ("code",)
    search_fields = ("sheet__station__code", "reason")
    list_select_related = ("sheet__station", "sheet__round__election", "sheet__contest", "by")
    readonly_fields = [f.name for f in Acknowledgement._meta.fields]


@admin.register(Correction)
class CorrectionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("sheet", "kind", "reason", "reference", "by", "at")
    list_filter = ("kind",)
    search_fields = ("sheet__station__code", "reason", "reference")
    list_select_related = ("sheet__station", "sheet__round__election", "sheet__contest", "by")
    readonly_fields = [f.name for f in Correction._meta.fields]
