"""Django admin for the territory. Missions can be added here (Art. 23, 28)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from kalata.law.explain import LawError
from kalata.territory.models import AnnexCorrection, Cercle, Commune, Mission, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "kind", "name", "printed_name", "ocha_pcode", "geo_adm1")
    search_fields = ("code", "name")


@admin.register(Cercle)
class CercleAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "region", "geo_adm2")
    list_filter = ("region",)
    search_fields = ("code", "name")


class CorrectionInline(admin.TabularInline):
    model = AnnexCorrection
    extra = 0
    fields = ("ident", "field", "printed", "corrected", "certainty", "reason")
    readonly_fields = fields
    can_delete = False


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "cercle", "region", "population", "councillors", "flags")
    list_filter = ("region",)
    search_fields = ("code", "name", "printed_name")
    inlines = [CorrectionInline]


@admin.register(AnnexCorrection)
class AnnexCorrectionAdmin(admin.ModelAdmin):
    list_display = ("ident", "unit_code", "field", "printed", "corrected", "certainty")
    list_filter = ("certainty", "field")


class MissionForm(forms.ModelForm):
    class Meta:
        model = Mission
        fields = ["code", "name", "kind", "city", "country", "jurisdiction"]

    def clean(self):
        from kalata.territory.services import validate_mission

        data = super().clean()
        try:
            cleaned = validate_mission(
                code=data.get("code") or "",
                name=data.get("name") or "",
                kind=data.get("kind") or "",
                city=data.get("city") or "",
                country=data.get("country") or "",
                jurisdiction=data.get("jurisdiction") or "",
            )
        except LawError as exc:
            raise ValidationError({exc.field: exc.message} if exc.field else exc.message) from exc
        data.update(cleaned)
        return data


@admin.register(Mission)
class MissionAdmin(admin.ModelAdmin):
    form = MissionForm
    list_display = ("code", "name", "kind", "city", "country")
    list_filter = ("kind", "country")
    search_fields = ("code", "name", "city")
