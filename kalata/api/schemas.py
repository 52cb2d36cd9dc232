"""Request and response schemas of the API (pydantic, through django-ninja).

Identifiers are English; ``description``s are French (they are what the OpenAPI page shows).

Figures of the minutes follow ``TallyFigures.as_dict()`` (``kalata.law.tally``) and the edge of
``kalata.results.entry.parse_figures``: the schema refuses what is not a whole JSON number within
± 10⁹ (422 naming the field). Inside that shape, what is entered is kept and judged by the
numbered checks (a negative number, an unknown candidate code, a missing candidate give E02,
E10, E11…), exactly as on the screens.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, StringConstraints, field_validator

from kalata.results.entry import MAX_ABS_FIGURE, MAX_CLIENT_KEY, MAX_OBSERVATIONS
from kalata.results.models import TallySheet
from kalata.results.tabulation import LEVELS

#: Codes in paths and queries: elections, rounds, contests, stations, units, candidates.
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$"
#: Candidate, list or answer codes (``kalata.elections.services``: 20 characters at most).
SELECTION_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,19}$"
#: Causes of nullity (Art. 85): the stable keys of ``NullCategory``; unknown keys give E09.
CATEGORY_PATTERN = r"^[a-z][a-z_]{0,39}$"
#: Idempotency keys: printable ASCII without spaces (a UUID is recommended).
CLIENT_KEY_PATTERN = rf"^[\x21-\x7e]{{1,{MAX_CLIENT_KEY}}}$"

Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
SelectionCode = Annotated[str, StringConstraints(pattern=SELECTION_PATTERN)]
CategoryKey = Annotated[str, StringConstraints(pattern=CATEGORY_PATTERN)]
ClientKey = Annotated[str, StringConstraints(pattern=CLIENT_KEY_PATTERN)]
Figure = Annotated[int, Field(strict=True, ge=-MAX_ABS_FIGURE, le=MAX_ABS_FIGURE)]

SheetStatus = Literal[tuple(TallySheet.Status.values)]  # type: ignore[valid-type]
Level = Literal[LEVELS]  # type: ignore[valid-type]


def _no_lone_surrogate(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("texte non codable en UTF-8") from None
    return text


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------


class FiguresIn(Schema):
    """Les chiffres du procès-verbal, tels qu'écrits sur le papier (Art. 50, 76, 84–87)."""

    model_config = ConfigDict(extra="forbid")

    registered: Figure | None = Field(..., description="Électeurs inscrits.")
    voters: Figure | None = Field(..., description="Votants (émargements, Art. 84).")
    envelopes: Figure | None = Field(..., description="Enveloppes trouvées dans l'urne.")
    null_ballots: Figure | None = Field(..., description="Bulletins nuls, blancs compris.")
    valid_votes: Figure | None = Field(..., description="Suffrages exprimés.")
    votes: dict[SelectionCode, Figure | None] = Field(
        ...,
        description="Voix de chaque candidat, liste ou réponse, par code (un zéro se saisit 0).",
    )
    null_breakdown: dict[CategoryKey, Figure | None] | None = Field(
        None, description="Ventilation des bulletins nuls par cause de l'article 85 (facultatif)."
    )
    proxies_used: Figure | None = Field(None, description="Votes par procuration.")
    cards_received: Figure | None = Field(
        None, description="Cartes non distribuées reçues sous pli (Art. 50)."
    )
    cards_delivered: Figure | None = Field(
        None, description="Cartes remises aux titulaires pendant le scrutin (Art. 50)."
    )
    cards_returned: Figure | None = Field(
        None, description="Cartes non retirées retournées à la clôture (Art. 50)."
    )
    refusals_to_sign: Figure | None = Field(
        None, description="Refus de signer le procès-verbal (Art. 87)."
    )
    members_present: Figure | None = Field(
        None, description="Membres du bureau présents (Art. 74, 76)."
    )
    observations: str | None = Field(
        None,
        max_length=MAX_OBSERVATIONS,
        description="Observations, réclamations et contestations consignées (Art. 86).",
    )

    @field_validator("observations")
    @classmethod
    def _utf8_text(cls, value: str | None) -> str | None:
        return None if value is None else _no_lone_surrogate(value)


class EntryIn(Schema):
    """Une saisie de procès-verbal (première ou seconde saisie)."""

    model_config = ConfigDict(extra="forbid")

    figures: FiguresIn = Field(..., description="Les chiffres du procès-verbal.")
    client_key: ClientKey | None = Field(
        None,
        description=(
            "Clé d'idempotence choisie par le terminal (un UUID par procès-verbal saisi). "
            "Peut aussi être donnée dans l'en-tête « Idempotency-Key »."
        ),
    )


class ChecksIn(Schema):
    """Des chiffres à contrôler pour un bureau de vote, sans rien enregistrer."""

    model_config = ConfigDict(extra="forbid")

    round: Code = Field(..., description="Code du tour (PRES-2026-04-26-T1).")
    station: Code = Field(..., description="Code du bureau de vote (CM010101-BV001).")
    contest: Code | None = Field(
        None, description="Code de la circonscription, si le bureau vote dans plusieurs."
    )
    figures: FiguresIn = Field(..., description="Les chiffres du procès-verbal.")


# --------------------------------------------------------------------------------------------
# Outputs
# --------------------------------------------------------------------------------------------


class ErrorOut(Schema):
    """Une erreur : code stable, message en français, articles de la loi, champ concerné."""

    code: str
    message: str
    articles: list[str] = []
    field: str | None = None
    details: dict[str, Any] | None = None


class StepOut(Schema):
    text: str
    articles: list[str]


class CheckOut(Schema):
    code: str
    severity: str
    message_fr: str
    articles: list[str]
    fields: list[str]


class ChecksOut(Schema):
    """Les contrôles numérotés déclenchés (E : erreurs bloquantes ; W : avertissements)."""

    blocking: bool
    errors: list[CheckOut]
    warnings: list[CheckOut]
    steps: list[StepOut]


class CheckReportOut(Schema):
    round: str
    station: str
    contest: str
    check_codes: list[str]
    checks: ChecksOut


class CatalogueEntryOut(Schema):
    code: str
    severity: str
    title_fr: str
    articles: list[str]
    description_en: str


class CatalogueOut(Schema):
    checks: list[CatalogueEntryOut]
    null_categories: dict[str, str]
    fields: dict[str, str]


class RoundBriefOut(Schema):
    code: str
    number: int
    polling_date: date
    status: str
    status_label: str


class ElectionOut(Schema):
    code: str
    kind: str
    kind_label: str
    title: str
    polling_date: date
    rounds: list[RoundBriefOut]


class ProgressOut(Schema):
    """Avancement : procès-verbaux attendus, reçus, définitifs, bloqués, annulés, par état."""

    sheets_expected: int
    sheets_received: int
    sheets_definitive: int
    sheets_blocked: int
    sheets_annulled: int
    by_status: dict[str, int]


class SelectionOut(Schema):
    code: str
    name: str
    party: str
    kind: str
    order: int
    withdrawn: bool


class ContestOut(Schema):
    code: str
    name: str
    level: str
    seats: int
    selections: list[SelectionOut]
    progress: ProgressOut


class RoundOut(Schema):
    code: str
    number: int
    election: str
    election_kind: str
    election_title: str
    polling_date: date
    status: str
    status_label: str
    progress: ProgressOut
    contests: list[ContestOut]


class SheetBriefOut(Schema):
    station: str
    station_name: str
    commune: str | None
    mission: str | None
    contest: str
    status: str
    status_label: str
    annulled: bool
    version: int
    check_codes: list[str]
    first_received_at: datetime | None
    definitive_at: datetime | None


class SheetListOut(Schema):
    round: str
    count: int
    limit: int
    offset: int
    items: list[SheetBriefOut]


class EntryOut(Schema):
    number: int
    state: str
    entered_by: str
    own: bool = Field(..., description="Saisie faite par l'utilisateur du jeton.")
    created_at: datetime
    check_codes: list[str]
    figures_visible: bool
    figures: dict[str, Any] | None = Field(
        None,
        description=(
            "Chiffres saisis — seulement si l'utilisateur peut les voir : un agent de saisie ne "
            "reçoit que ses propres saisies (seconde saisie à l'aveugle)."
        ),
    )


class DifferenceOut(Schema):
    field: str
    label_fr: str
    first: Any = None
    second: Any = None


class SheetDetailOut(SheetBriefOut):
    round: str
    registered_expected: int
    figures_visible: bool
    figures: dict[str, Any] | None = Field(
        None, description="Chiffres retenus (saisies concordantes, tranchées ou rectifiées)."
    )
    checks: ChecksOut | None = None
    entries: list[EntryOut]
    differences: list[DifferenceOut] | None = None
    allowed: dict[str, bool] = Field(
        ..., description="Ce que l'utilisateur peut faire sur ce procès-verbal."
    )


class EntryBriefOut(Schema):
    number: int
    client_key: str
    created_at: datetime
    check_codes: list[str]


class FieldOut(Schema):
    field: str
    label_fr: str


class SubmissionOut(Schema):
    """Résultat d'une saisie : état du procès-verbal, contrôles, écarts (sans les valeurs)."""

    round: str
    station: str
    contest: str
    sheet_status: str
    sheet_status_label: str
    message: str
    entry: EntryBriefOut
    check_codes: list[str]
    blocking: bool
    checks: ChecksOut
    agreed_checks: ChecksOut | None = None
    differences: list[FieldOut]


class ResultsOut(Schema):
    """Résultats totalisés (même JSON que ``kalata results tabulate --json``)."""

    model_config = ConfigDict(extra="allow")

    election: str
    election_kind: str
    round: str
    contests: list[dict[str, Any]]
