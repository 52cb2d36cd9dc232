"""Mali's territory in the database: regions and the District, cercles, communes, missions.

Loaded from ``data/territory.json`` by ``services.load_territory()``; codes are stable
(see ``annex.py``). Every value the annex printed is kept beside the value used, with the
corrections that explain the difference.
"""

from __future__ import annotations

from django.db import models


class Region(models.Model):
    """A region (R01…R08) or the District of Bamako (D09)."""

    class Kind(models.TextChoices):
        REGION = "region", "Région"
        DISTRICT = "district", "District"

    code = models.CharField("code", max_length=8, unique=True)
    kind = models.CharField("nature", max_length=10, choices=Kind.choices)
    number = models.PositiveSmallIntegerField("numéro dans l'annexe", unique=True)
    name = models.CharField("nom", max_length=100)
    printed_name = models.CharField("nom imprimé dans l'annexe", max_length=100)
    ocha_pcode = models.CharField("p-code OCHA", max_length=10, blank=True, default="")
    geo_adm1 = models.CharField("geoBoundaries ADM1", max_length=100, blank=True, default="")
    geo_adm2 = models.CharField("geoBoundaries ADM2", max_length=100, blank=True, default="")
    source_line = models.PositiveIntegerField("ligne de l'annexe", null=True, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = "région ou District"
        verbose_name_plural = "régions et District"

    @property
    def label(self) -> str:
        prefix = "District de" if self.kind == self.Kind.DISTRICT else "Région de"
        return f"{prefix} {self.name}"

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class Cercle(models.Model):
    """A cercle of a region (C0101…)."""

    code = models.CharField("code", max_length=8, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="cercles")
    number = models.PositiveSmallIntegerField("numéro dans la région")
    name = models.CharField("nom", max_length=100)
    printed_name = models.CharField("nom imprimé dans l'annexe", max_length=100)
    ocha_pcode = models.CharField("p-code OCHA", max_length=10, blank=True, default="")
    geo_adm2 = models.CharField("geoBoundaries ADM2", max_length=100, blank=True, default="")
    source_line = models.PositiveIntegerField("ligne de l'annexe", null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "cercle"
        verbose_name_plural = "cercles"
        constraints = [
            models.UniqueConstraint(fields=["region", "number"], name="cercle_number_in_region")
        ]

    def __str__(self) -> str:
        return f"{self.code} — Cercle de {self.name}"


class Commune(models.Model):
    """A commune (CM010101…; Bamako's communes CM090001…, with no cercle)."""

    code = models.CharField("code", max_length=10, unique=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="communes")
    cercle = models.ForeignKey(
        Cercle, on_delete=models.PROTECT, related_name="communes", null=True, blank=True
    )
    order = models.PositiveSmallIntegerField("rang dans le cercle (annexe)")
    population = models.PositiveIntegerField("population", null=True, blank=True)
    councillors = models.PositiveSmallIntegerField("conseillers à élire")
    printed_name = models.CharField("nom imprimé", max_length=100, blank=True, default="")
    printed_population = models.CharField(
        "population imprimée", max_length=30, blank=True, default=""
    )
    printed_councillors = models.CharField(
        "conseillers imprimés", max_length=10, blank=True, default=""
    )
    source_lines = models.JSONField("lignes de l'annexe", default=list, blank=True)
    flags = models.JSONField("signalements", default=list, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "commune"
        verbose_name_plural = "communes"

    @property
    def place_name(self) -> str:
        """The cercle's name, or the District's label for Bamako's communes."""
        return self.cercle.name if self.cercle_id else self.region.label

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class AnnexCorrection(models.Model):
    """A recorded correction of the annex as published (``data/corrections.csv``)."""

    class Certainty(models.TextChoices):
        CERTAIN = "certain", "certaine"
        UNCERTAIN = "uncertain", "incertaine"

    ident = models.CharField("identifiant", max_length=40, unique=True)
    line = models.PositiveIntegerField("ligne de l'annexe")
    seed_line = models.PositiveIntegerField("ligne dans le texte de la loi")
    field = models.CharField("champ", max_length=20)
    unit_code = models.CharField("unité concernée", max_length=10)
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="annex_corrections", null=True, blank=True
    )
    commune_name = models.CharField("commune (CSV)", max_length=100, blank=True, default="")
    printed = models.CharField("imprimé", max_length=200, blank=True, default="")
    corrected = models.CharField("corrigé", max_length=200, blank=True, default="")
    reason = models.TextField("raison")
    certainty = models.CharField("certitude", max_length=10, choices=Certainty.choices)

    class Meta:
        ordering = ["line", "field"]
        verbose_name = "correction de l'annexe"
        verbose_name_plural = "corrections de l'annexe"
        constraints = [
            models.UniqueConstraint(fields=["line", "field"], name="annex_correction_line_field")
        ]

    def __str__(self) -> str:
        return f"{self.ident} : « {self.printed} » → « {self.corrected} »"


class Mission(models.Model):
    """An embassy or consulate holding a voter list (Art. 23, 28)."""

    class Kind(models.TextChoices):
        EMBASSY = "ambassade", "Ambassade"
        CONSULATE = "consulat", "Consulat"

    code = models.CharField("code", max_length=40, unique=True)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("nature", max_length=10, choices=Kind.choices)
    city = models.CharField("ville", max_length=100)
    country = models.CharField("pays (ISO 3166 alpha-2)", max_length=2)
    jurisdiction = models.TextField("ressort", blank=True, default="")

    class Meta:
        ordering = ["code"]
        verbose_name = "mission diplomatique"
        verbose_name_plural = "missions diplomatiques"

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"
