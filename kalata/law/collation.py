"""Signing the summary minutes of a centralisation commission (procès-verbal récapitulatif).

The law:

- Art. 141 (presidential; the referendum by Art. 17) and Art. 149 (legislative): the commission
  "totalise dès la clôture du scrutin et au fur et à mesure de l'arrivée des procès-verbaux, les
  résultats du scrutin" and "transmet sans délai au ministre […] le procès-verbal récapitulatif
  totalisant les résultats du scrutin signé par les membres de la commission".
- Art. 187 (communal): the commission, under the supervision of the CENI, "procède à la
  centralisation des résultats des communes et au recensement général des votes, proclame et
  publie les résultats".
- Art. 174 (national councillors): the regional commission, "après la réception de l'ensemble
  des procès-verbaux et pièces annexes, assure le recensement général des votes et procède à la
  proclamation des résultats".
- Art. 87 (the station's minutes, applied to the summary minutes by analogy, as the printed
  form does): the minutes are signed by the members; "en cas de refus de l'un ou de plusieurs
  d'entre eux de signer, mention est faite dans le procès-verbal".

Reading (``signing_readiness``):

1. Minutes **received but not settled** (first entry only, differing entries, warnings to
   acknowledge, blocked by errors) refuse the signature, for every kind of election: the
   commission holds them and settles them itself (second entry, resolution, acknowledgement,
   correction, discard); the summary "totalisant les résultats du scrutin" would otherwise
   leave out minutes the commission has in hand without saying why. Minutes annulled by the
   judge are settled (listed, not counted).
2. Minutes **not received**: Art. 141 and 149 ask for the summary "sans délai", totalising "au
   fur et à mesure de l'arrivée des procès-verbaux", and Art. 187 sets no wait either: the
   summary may be signed with them listed as "non parvenus" (they are part of what is signed);
   when they arrive and become definitive, the figures change and the signature is superseded
   (a new version is signed). Art. 174 waits for "l'ensemble des procès-verbaux": for the
   national councillors, every minute must be received first.
3. At least one definitive minute: a summary totalising nothing is not signed.

``check_signatories`` applies Art. 87 to the members' lines: a refusal is mentioned with its
reason; only a member present can refuse; a member present is named.

Pure functions: no database, French explanations with their articles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kalata.law.explain import LawError, Step, fr_int

PRESIDENTIAL = "presidential"
LEGISLATIVE = "legislative"
COMMUNAL = "communal"
REFERENDUM = "referendum"
NATIONAL_COUNCILLORS = "national-councillors"

#: The article that gives each kind of election its centralisation commission.
ARTICLES = {
    PRESIDENTIAL: ("141",),
    REFERENDUM: ("17", "141"),
    LEGISLATIVE: ("149",),
    COMMUNAL: ("187",),
    NATIONAL_COUNCILLORS: ("174",),
}

#: Kinds whose commission waits for every minute before counting (Art. 174).
WAIT_FOR_ALL = frozenset({NATIONAL_COUNCILLORS})

#: Longest list of station codes quoted in a refusal (the rest is counted).
QUOTED = 10


@dataclass(frozen=True)
class Readiness:
    """Whether the summary minutes may be signed, with the steps of the decision."""

    allowed: bool
    steps: tuple[Step, ...]
    error: LawError | None = None

    def __bool__(self) -> bool:
        return self.allowed

    def explain(self) -> str:
        return " ".join(str(s) for s in self.steps)


def _quote(codes: Sequence[str]) -> str:
    shown = ", ".join(codes[:QUOTED])
    if len(codes) > QUOTED:
        shown += f"… (et {fr_int(len(codes) - QUOTED)} autres)"
    return shown


def signing_readiness(
    kind: str,
    *,
    counted: int,
    missing: Sequence[str] = (),
    unsettled: Mapping[str, str] | Sequence[tuple[str, str]] = (),
    annulled: int = 0,
) -> Readiness:
    """Whether the summary minutes of a commission may be signed now.

    ``counted``: definitive, non-annulled minutes of the area; ``missing``: the stations whose
    minutes have not been received (nor annulled); ``unsettled``: station (or "station —
    contest") → French state of the minutes received but not settled; ``annulled``: minutes
    annulled by the judge.
    """
    if kind not in ARTICLES:
        raise LawError("kind_unknown", f"Type de scrutin inconnu : « {kind} ».", field="kind")
    articles = ARTICLES[kind]
    pending = list(unsettled.items()) if isinstance(unsettled, Mapping) else list(unsettled)
    missing = list(missing)
    steps = [
        Step(
            f"Procès-verbaux comptés (définitifs) : {fr_int(counted)} ; non parvenus : "
            f"{fr_int(len(missing))} ; reçus non réglés : {fr_int(len(pending))} ; annulés : "
            f"{fr_int(annulled)}.",
            articles,
        )
    ]
    if pending:
        listed = _quote([f"{code} ({state})" for code, state in pending])
        message = (
            f"Signature refusée : {fr_int(len(pending))} procès-verbal(aux) reçu(s) n'est "
            f"(ne sont) pas réglé(s) — {listed}. La commission totalise les procès-verbaux "
            "qu'elle a reçus : achevez la double saisie, la résolution des écarts, la validation "
            "des avertissements ou la rectification (ou écartez les saisies) avant de signer."
        )
        steps.append(Step(message, (*articles, "87")))
        return Readiness(
            False,
            tuple(steps),
            LawError(
                "summary_unsettled",
                message,
                articles,
                details={"unsettled": [code for code, _ in pending]},
            ),
        )
    if missing and kind in WAIT_FOR_ALL:
        message = (
            f"Signature refusée : {fr_int(len(missing))} procès-verbal(aux) non parvenu(s) — "
            f"{_quote(missing)}. Pour les conseillers nationaux, la commission procède au "
            "recensement général des votes après la réception de l'ensemble des procès-verbaux "
            "(art. 174)."
        )
        steps.append(Step(message, ("174",)))
        return Readiness(
            False,
            tuple(steps),
            LawError("summary_incomplete", message, ("174",), details={"missing": missing}),
        )
    if counted <= 0:
        message = (
            "Signature refusée : aucun procès-verbal définitif dans le ressort de la commission ;"
            " le procès-verbal récapitulatif ne totaliserait rien."
        )
        steps.append(Step(message, articles))
        return Readiness(False, tuple(steps), LawError("summary_empty", message, articles))
    if missing:
        steps.append(
            Step(
                f"{fr_int(len(missing))} procès-verbal(aux) non parvenu(s) : le procès-verbal "
                "récapitulatif est transmis sans délai, les résultats étant totalisés au fur et à "
                "mesure de l'arrivée des procès-verbaux ; ils y sont listés comme non parvenus et "
                "leur arrivée appellera une nouvelle signature.",
                articles,
            )
        )
    steps.append(Step("Le procès-verbal récapitulatif peut être signé.", articles))
    return Readiness(True, tuple(steps))


@dataclass(frozen=True)
class Signatory:
    """One member's line of the signatures block (Art. 87 applied to the summary minutes)."""

    quality: str
    name: str = ""
    present: bool = False
    refused: bool = False
    reason: str = ""

    def as_dict(self) -> dict:
        return {
            "quality": self.quality,
            "name": self.name,
            "present": self.present,
            "refused": self.refused,
            "reason": self.reason,
        }


def check_signatories(members: Sequence[Signatory]) -> tuple[Signatory, ...]:
    """The members' lines, cleaned, or a French ``LawError`` naming the line's field.

    - a member present is named (``name_N``);
    - a refusal to sign is mentioned with its reason (Art. 87) and only by a member present;
    - a reason without a refusal is refused (it would be lost).
    """
    out = []
    for index, member in enumerate(members):
        quality = " ".join((member.quality or "").split())
        name = " ".join((member.name or "").split())
        reason = " ".join((member.reason or "").split())
        if not quality:
            raise LawError(
                "member_quality_missing",
                f"Ligne {index + 1} : indiquez la qualité du membre.",
                field=f"quality_{index}",
            )
        if member.refused and not member.present:
            raise LawError(
                "refusal_absent_member",
                f"{quality} : seul un membre présent peut refuser de signer ; cochez « présent » "
                "ou retirez le refus.",
                ("87",),
                field=f"present_{index}",
            )
        if member.present and not name:
            raise LawError(
                "member_name_missing",
                f"{quality} : indiquez le nom et les prénoms du membre présent.",
                field=f"name_{index}",
            )
        if member.refused and not reason:
            raise LawError(
                "refusal_reason_missing",
                f"{quality} : le refus de signer est mentionné avec son motif ; indiquez le motif.",
                ("87",),
                field=f"reason_{index}",
            )
        if reason and not member.refused:
            raise LawError(
                "reason_without_refusal",
                f"{quality} : un motif est donné sans refus de signer ; cochez « refuse de "
                "signer » ou effacez le motif.",
                ("87",),
                field=f"reason_{index}",
            )
        if len(name) > 200 or len(reason) > 1000:
            raise LawError(
                "member_too_long",
                f"{quality} : nom (200 caractères au plus) ou motif (1 000 au plus) trop long.",
                field=f"name_{index}" if len(name) > 200 else f"reason_{index}",
            )
        out.append(Signatory(quality, name, bool(member.present), bool(member.refused), reason))
    return tuple(out)
