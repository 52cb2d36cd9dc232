"""An election (scrutin), its rounds, its contests (one per constituency), the candidates or lists
standing in each contest, and the polling stations expected to send minutes.

Codes are stable and used in URLs, files and exports:
- election ``PRES-2026-04-26`` (kind prefix + first-round date), round ``PRES-2026-04-26-T1``;
- contest: ``NATION`` (presidential, referendum), the cercle code ``C0101`` or Bamako commune code
  ``CM090001`` (legislative, Art. 143), the commune code ``CM010101`` (communal, Art. 177);
- selection: the candidate or list code given at registration (``C01``, ``L03``), ``OUI``/``NON``;
- polling station: the commune or mission code + ``-BV`` + 3-digit number (``CM010101-BV001``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from kalata.territory.models import Cercle, Commune, Mission, Region


class Election(models.Model):
    class Kind(models.TextChoices):
        PRESIDENTIAL = "presidential", "Élection du Président de la République"
        LEGISLATIVE = "legislative", "Élection des députés à l'Assemblée nationale"
        COMMUNAL = "communal", "Élection des conseillers communaux"
        REFERENDUM = "referendum", "Référendum"
        NATIONAL_COUNCILLORS = "national-councillors", "Élection des conseillers nationaux"

    PREFIX = {
        "presidential": "PRES",
        "legislative": "LEG",
        "communal": "COM",
        "referendum": "REF",
        "national-councillors": "CN",
    }

    code = models.CharField("code", max_length=40, unique=True)
    kind = models.CharField("type", max_length=24, choices=Kind.choices)
    title = models.CharField("intitulé", max_length=200)
    polling_date = models.DateField("date du scrutin (premier tour)")
    question = models.TextField("question soumise (référendum)", blank=True, default="")
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        ordering = ["-polling_date", "code"]
        verbose_name = "scrutin"
        verbose_name_plural = "scrutins"

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"


class Round(models.Model):
    class Status(models.TextChoices):
        SETUP = "setup", "en préparation"
        COUNTING = "counting", "centralisation en cours"
        PROVISIONAL = "provisional", "résultats provisoires proclamés"
        FINAL = "final", "résultats définitifs proclamés"

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField("tour")
    polling_date = models.DateField("date du scrutin")
    status = models.CharField("état", max_length=12, choices=Status.choices, default=Status.SETUP)

    class Meta:
        ordering = ["election", "number"]
        verbose_name = "tour"
        verbose_name_plural = "tours"
        constraints = [
            models.UniqueConstraint(fields=["election", "number"], name="round_number_unique"),
            models.CheckConstraint(condition=Q(number__in=[1, 2]), name="round_number_1_or_2"),
        ]

    @property
    def code(self) -> str:
        return f"{self.election.code}-T{self.number}"

    def __str__(self) -> str:
        return self.code


class Contest(models.Model):
    """One constituency's contest in one round (Art. 140, 143, 177)."""

    class Level(models.TextChoices):
        NATION = "nation", "territoire national"
        REGION = "region", "région ou District"
        CERCLE = "cercle", "cercle"
        BAMAKO_COMMUNE = "bamako_commune", "commune du District de Bamako"
        COMMUNE = "commune", "commune"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="contests")
    code = models.CharField("code", max_length=20)
    name = models.CharField("circonscription", max_length=200)
    level = models.CharField("niveau", max_length=16, choices=Level.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True)
    cercle = models.ForeignKey(Cercle, on_delete=models.PROTECT, null=True, blank=True)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, null=True, blank=True)
    seats = models.PositiveSmallIntegerField("sièges à pourvoir", default=1)

    class Meta:
        ordering = ["round", "code"]
        verbose_name = "circonscription"
        verbose_name_plural = "circonscriptions"
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="contest_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.round.code}/{self.code} — {self.name}"


class Selection(models.Model):
    """A candidate, a list of candidates, or a referendum answer standing in a contest."""

    class Kind(models.TextChoices):
        CANDIDATE = "candidate", "candidat"
        LIST = "list", "liste de candidats"
        ANSWER = "answer", "réponse"

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="selections")
    code = models.CharField("code", max_length=20)
    kind = models.CharField("nature", max_length=10, choices=Kind.choices)
    name = models.CharField("nom ou titre", max_length=200)
    party = models.CharField("parti ou groupement", max_length=200, blank=True, default="")
    order = models.PositiveSmallIntegerField("ordre sur le bulletin", default=0)
    birth_date = models.DateField("date de naissance (candidat)", null=True, blank=True)
    withdrawn = models.BooleanField("désistement", default=False)

    class Meta:
        ordering = ["contest", "order", "code"]
        verbose_name = "candidat, liste ou réponse"
        verbose_name_plural = "candidats, listes et réponses"
        constraints = [
            models.UniqueConstraint(fields=["contest", "code"], name="selection_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class ListMember(models.Model):
    """A candidate on a list, in the order of presentation (Art. 57, 176)."""

    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="members")
    rank = models.PositiveSmallIntegerField("rang")
    name = models.CharField("nom et prénoms", max_length=200)
    birth_date = models.DateField("date de naissance", null=True, blank=True)

    class Meta:
        ordering = ["selection", "rank"]
        verbose_name = "candidat de la liste"
        verbose_name_plural = "candidats de la liste"
        constraints = [
            models.UniqueConstraint(fields=["selection", "rank"], name="list_member_rank_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.name}"


class PollingStation(models.Model):
    """A polling station of a commune or a mission (Art. 71: at most 700 electors)."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="stations")
    code = models.CharField("code", max_length=60)
    number = models.PositiveIntegerField("numéro")
    name = models.CharField("lieu de vote", max_length=200, blank=True, default="")
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="stations"
    )
    mission = models.ForeignKey(
        Mission, on_delete=models.PROTECT, null=True, blank=True, related_name="stations"
    )
    registered = models.PositiveIntegerField("électeurs inscrits")

    class Meta:
        ordering = ["election", "code"]
        verbose_name = "bureau de vote"
        verbose_name_plural = "bureaux de vote"
        constraints = [
            models.UniqueConstraint(fields=["election", "code"], name="station_code_unique"),
            models.CheckConstraint(
                condition=(Q(commune__isnull=False) & Q(mission__isnull=True))
                | (Q(commune__isnull=True) & Q(mission__isnull=False)),
                name="station_in_commune_or_mission",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name or 'bureau'} ({self.registered} inscrits)"
