"""Django admin for elections, rounds, contests, candidacies and polling stations: read-only.

Every write to these tables goes through ``kalata.elections.services`` (or ``kalata election``),
which checks the law and records the audit event in the same transaction; an admin form would
bypass both, so the admin shows and searches, it does not edit.
"""

from __future__ import annotations

from django.contrib import admin

# Imported for its side effect: the election event types are registered whenever Django is set
# up (the admin is autodiscovered), so that ``kalata audit`` knows them in a fresh process.
from kalata.elections import services  # noqa: F401
from kalata.elections.models import (
    Contest,
    Election,
    ListMember,
    PollingStation,
    Round,
    Selection,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class RoundInline(ReadOnlyMixin, admin.TabularInline):
    model = Round
    extra = 0
    fields = ("number", "polling_date", "status")


@admin.register(Election)
class ElectionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("code", "kind", "title", "polling_date", "created_at")
    list_filter = ("kind",)
    search_fields = ("code", "title")
    date_hierarchy = "polling_date"
    inlines = [RoundInline]


@admin.register(Round)
class RoundAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("__str__", "election", "number", "polling_date", "status")
    list_filter = ("status", "number", "election__kind")
    search_fields = ("election__code",)
    list_select_related = ("election",)


@admin.register(Contest)
class ContestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("code", "name", "level", "seats", "round")
    list_filter = ("level", "round__election__kind", "round__number")
    search_fields = ("code", "name", "round__election__code")
    list_select_related = ("round__election",)
    raw_id_fields = ("round", "region", "cercle", "commune")


class ListMemberInline(ReadOnlyMixin, admin.TabularInline):
    model = ListMember
    extra = 0
    fields = ("rank", "name", "birth_date")


@admin.register(Selection)
class SelectionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("code", "name", "kind", "party", "order", "withdrawn", "contest")
    list_filter = ("kind", "withdrawn", "contest__round__election__kind")
    search_fields = ("code", "name", "party", "contest__code", "members__name")
    list_select_related = ("contest__round__election",)
    raw_id_fields = ("contest",)
    inlines = [ListMemberInline]


@admin.register(PollingStation)
class PollingStationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("code", "name", "registered", "commune", "mission", "election")
    list_filter = ("election",)
    search_fields = ("code", "name", "commune__name", "mission__name")
    list_select_related = ("commune", "mission", "election")
    raw_id_fields = ("election", "commune", "mission")
