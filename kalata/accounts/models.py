"""People and what each may do: roles scoped to a territory or an election.

A ``RoleAssignment`` gives one Django user one role (``Role``), for one election or for every
election (``election`` null), within one area: a region or the District of Bamako, a cercle, a
commune, a diplomatic mission — or the whole country when no scope is set. What each role may do
where is decided by ``kalata.accounts.permissions.can`` (see ``docs/roles.md``).

Assignments are never edited nor deleted: they are granted and revoked through
``kalata.accounts.services`` (audited: ``role.granted``, ``role.revoked``); an assignment past its
``expires_at`` or with ``revoked_at`` set grants nothing.

``LoginThrottle`` counts failed logins per username and IP address (``services.login_*``).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from kalata.elections.models import Election
from kalata.territory.models import Cercle, Commune, Mission, Region


class Role(models.TextChoices):
    """The roles, with stable keys (used in code, URLs, exports) and French labels."""

    CLERK = "clerk", "agent de saisie"
    PRESIDENT = "president", "président de commission"
    MINISTRY = "ministry", "Ministère (MATCL)"
    COURT = "court", "juridiction (Cour constitutionnelle ou juge compétent)"
    CENI = "ceni", "superviseur CENI"
    DELEGATE = "delegate", "délégué de parti ou observateur"
    ADMIN = "admin", "administrateur"


SCOPE_FIELDS = ("region", "cercle", "commune", "mission")


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self, at: datetime | None = None) -> RoleAssignmentQuerySet:
        """Assignments in force at ``at`` (default now): granted, not expired, not revoked."""
        at = at or timezone.now()
        return self.filter(
            Q(granted_at__lte=at),
            Q(revoked_at__isnull=True) | Q(revoked_at__gt=at),
            Q(expires_at__isnull=True) | Q(expires_at__gt=at),
        )


class RoleAssignment(models.Model):
    """One role of one user, for one election (or all) within one area (or the whole country)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name="utilisateur",
    )
    role = models.CharField("rôle", max_length=12, choices=Role.choices)
    election = models.ForeignKey(
        Election,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name="scrutin (vide : tous les scrutins)",
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="région ou District",
    )
    cercle = models.ForeignKey(
        Cercle, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    mission = models.ForeignKey(
        Mission,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ambassade ou consulat",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="attribué par",
    )
    granted_at = models.DateTimeField("attribué le", default=timezone.now)
    expires_at = models.DateTimeField("expire le", null=True, blank=True)
    revoked_at = models.DateTimeField("retiré le", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="retiré par",
    )
    note = models.CharField("observation", max_length=300, blank=True, default="")

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["user", "granted_at", "id"]
        verbose_name = "attribution de rôle"
        verbose_name_plural = "attributions de rôles"
        constraints = [
            models.CheckConstraint(
                # At most one scope: region, cercle, commune or mission (none = national).
                condition=(
                    Q(cercle__isnull=True, commune__isnull=True, mission__isnull=True)
                    | Q(region__isnull=True, commune__isnull=True, mission__isnull=True)
                    | Q(region__isnull=True, cercle__isnull=True, mission__isnull=True)
                    | Q(region__isnull=True, cercle__isnull=True, commune__isnull=True)
                ),
                name="role_assignment_one_scope_at_most",
            ),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]),
                name="role_assignment_known_role",
            ),
        ]
        indexes = [models.Index(fields=["user", "revoked_at"], name="role_user_revoked")]

    # --- scope -----------------------------------------------------------------------------
    @property
    def scope_level(self) -> str:
        """``nation``, ``region``, ``cercle``, ``commune`` or ``mission``."""
        for name in SCOPE_FIELDS:
            if getattr(self, f"{name}_id") is not None:
                return name
        return "nation"

    @property
    def scope_unit(self):
        level = self.scope_level
        return None if level == "nation" else getattr(self, level)

    @property
    def scope_code(self) -> str:
        unit = self.scope_unit
        return unit.code if unit is not None else ""

    @property
    def scope_label(self) -> str:
        """The area in French: « cercle de Kati », « District de Bamako », « tout le pays »."""
        unit = self.scope_unit
        level = self.scope_level
        if unit is None:
            return "tout le pays"
        if level == "region":
            return unit.label
        if level == "cercle":
            return f"cercle de {unit.name}"
        if level == "commune":
            return f"commune de {unit.name}"
        return unit.name

    @property
    def election_label(self) -> str:
        return self.election.code if self.election_id else "tous les scrutins"

    def is_active(self, at: datetime | None = None) -> bool:
        at = at or timezone.now()
        if self.granted_at > at:
            return False
        if self.revoked_at is not None and self.revoked_at <= at:
            return False
        return self.expires_at is None or self.expires_at > at

    def clean(self) -> None:
        """Model validation (forms, admin): the scope must suit the role and the election."""
        from django.core.exceptions import ValidationError

        from kalata.accounts.permissions import validate_assignment
        from kalata.law.explain import LawError

        try:
            validate_assignment(self)
        except LawError as exc:
            field = exc.field if exc.field in {*SCOPE_FIELDS, "election", "role"} else None
            raise ValidationError({field: exc.message} if field else exc.message) from None

    def __str__(self) -> str:
        return (
            f"{self.user.get_username()} : {self.get_role_display()} — "
            f"{self.scope_label} ({self.election_label})"
        )


class LoginThrottle(models.Model):
    """Failed logins of one username from one IP address (see ``services.login_*``)."""

    username = models.CharField("identifiant tenté", max_length=150)
    ip = models.CharField("adresse IP", max_length=45, blank=True, default="")
    failures = models.PositiveSmallIntegerField("échecs dans la fenêtre", default=0)
    window_started_at = models.DateTimeField("début de la fenêtre")
    locked_until = models.DateTimeField("verrouillé jusqu'au", null=True, blank=True)

    class Meta:
        verbose_name = "limitation des connexions"
        verbose_name_plural = "limitations des connexions"
        constraints = [
            models.UniqueConstraint(fields=["username", "ip"], name="login_throttle_unique"),
        ]
        indexes = [models.Index(fields=["window_started_at"], name="login_throttle_window")]

    def __str__(self) -> str:
        return f"{self.username} depuis {self.ip or '?'} : {self.failures} échec(s)"
