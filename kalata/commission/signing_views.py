"""Screens of the signature of the summary minutes (Art. 87, 141, 149, 174, 187).

- ``sign_view`` (``…/recapitulatif/<area>/signer/``): the state of the signature and, for the
  president of that commission (``Action.SIGN_COLLATION``), the form: place, the members present
  and their refusals to sign with the reasons (Art. 87), a confirmation. The SHA-256 of the
  figures shown travels with the form: if the figures changed before the president confirms,
  nothing is signed (``kalata.commission.signing.sign_summary``).
- ``signed_pdf`` (``…/recapitulatif/<area>/signature/<version>/pdf/``): the official PDF of a
  signed version, with the figures **as signed** (any reader of the area's minutes).
- ``signing_context`` and ``with_signature``: what the summary screen and the current PDF show of
  the signature (state: not signed, signed by X on date with the hash, superseded).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from kalata.accounts.permissions import Action
from kalata.commission import signing
from kalata.commission.access import (
    allowed,
    area_or_404,
    authorizer,
    commission_view,
    need,
    round_or_404,
)
from kalata.commission.documents import render_summary_pdf, summary_data
from kalata.commission.models import SummarySignature
from kalata.elections.models import Round
from kalata.law.collation import Signatory
from kalata.law.explain import LawError

#: Blank lines for members not listed by the application (another member of the commission).
EXTRA_LINES = 2


class SignatureForm(forms.Form):
    """The president's signature: place, members' lines (Art. 87), confirmation, hash shown."""

    place = forms.CharField(label=gettext_lazy("Fait à"), max_length=200)
    sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "Je certifie, en qualité de président de la commission, que ces chiffres sont ceux "
            "du procès-verbal récapitulatif, et je le signe."
        ),
        error_messages={"required": gettext_lazy("Cochez la case de certification pour signer.")},
    )

    def __init__(self, *args, qualities: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.qualities = list(qualities)
        for index in range(len(self.qualities) + EXTRA_LINES):
            if index >= len(self.qualities):
                self.fields[f"quality_{index}"] = forms.CharField(
                    label=gettext_lazy("Qualité"), required=False, max_length=200
                )
            self.fields[f"present_{index}"] = forms.BooleanField(
                label=gettext_lazy("présent"), required=False
            )
            self.fields[f"name_{index}"] = forms.CharField(
                label=gettext_lazy("Nom et prénoms"), required=False, max_length=200
            )
            self.fields[f"refused_{index}"] = forms.BooleanField(
                label=gettext_lazy("refuse de signer"), required=False
            )
            self.fields[f"reason_{index}"] = forms.CharField(
                label=gettext_lazy("Motif du refus"), required=False, max_length=1000
            )

        for index, quality in enumerate(self.qualities):
            for name, what in (
                ("present", gettext_lazy("présent")),
                ("name", gettext_lazy("nom et prénoms")),
                ("refused", gettext_lazy("refuse de signer")),
                ("reason", gettext_lazy("motif du refus")),
            ):
                self.fields[f"{name}_{index}"].widget.attrs["aria-label"] = f"{quality} — {what}"

    def lines(self) -> list[dict]:
        """The members' lines for the template (bound fields per line)."""
        out = []
        for index in range(len(self.qualities) + EXTRA_LINES):
            listed = index < len(self.qualities)
            out.append(
                {
                    "index": index,
                    "quality": self.qualities[index] if listed else "",
                    "quality_field": None if listed else self[f"quality_{index}"],
                    "present": self[f"present_{index}"],
                    "name": self[f"name_{index}"],
                    "refused": self[f"refused_{index}"],
                    "reason": self[f"reason_{index}"],
                }
            )
        return out

    def signatories(self) -> list[Signatory]:
        """The lines filled in (a blank extra line is skipped)."""
        data = self.cleaned_data
        out = []
        for index in range(len(self.qualities) + EXTRA_LINES):
            listed = index < len(self.qualities)
            quality = self.qualities[index] if listed else data.get(f"quality_{index}", "")
            present = data.get(f"present_{index}", False)
            name = data.get(f"name_{index}", "")
            refused = data.get(f"refused_{index}", False)
            reason = data.get(f"reason_{index}", "")
            if not listed and not (quality or present or name or refused or reason):
                continue
            if not listed and not quality:
                quality = _("Autre membre (ligne %(n)s)") % {"n": index + 1}
            out.append(Signatory(quality, name, present, refused, reason))
        return out


def _qualities(data: dict) -> list[str]:
    return [_("Représentant de %(member)s") % {"member": m} for m in data["members"]]


def _versions(state: signing.SignatureState, rnd: Round, area) -> list[dict]:
    out = []
    for version in reversed(state.versions):
        block = signing.signature_block(version, state)
        block["pdf_url"] = reverse(
            "commission:signed_pdf", args=[rnd.code, area.code, version.version]
        )
        out.append(block)
    return out


def signing_context(request, rnd: Round, area, data: dict, form=None, error=None) -> dict:
    """The signature's part of the summary and signing screens (state, history, form)."""
    state = signing.signature_state(rnd, area, data)
    can_sign = allowed(request, Action.SIGN_COLLATION, area.unit, election=rnd)
    ready = signing.readiness(data, rnd.election.kind)
    if can_sign and form is None:
        form = SignatureForm(
            initial={"place": area.name, "sha256": state.sha256}, qualities=_qualities(data)
        )
    versions = _versions(state, rnd, area)
    return {
        "signature_state": state.state,
        "signature_sha256": state.sha256,
        "signature_latest": versions[0] if versions else None,
        "signature_versions": versions,
        "signature_next_version": state.next_version,
        "signature_ready": ready,
        "can_sign": can_sign,
        "sign_form": form,
        "sign_lines": form.lines() if form is not None else [],
        "sign_url": reverse("commission:summary_sign", args=[rnd.code, area.code]),
        "sign_error": error,
    }


def with_signature(rnd: Round, area, data: dict) -> dict:
    """``data`` with its ``signature`` entry, for the PDF of the current summary."""
    state = signing.signature_state(rnd, area, data)
    return {**data, "signature": signing.current_document_signature(state)}


@commission_view
@require_http_methods(["GET", "POST"])
def sign_view(request, round_code: str, unit_code: str):
    rnd = round_or_404(round_code)
    area = area_or_404(rnd, unit_code)
    need(request, Action.SIGN_COLLATION, area.unit, election=rnd)
    data = summary_data(rnd, area)
    form = None
    error = None
    if request.method == "POST":
        form = SignatureForm(request.POST, qualities=_qualities(data))
        if form.is_valid():
            try:
                signature = signing.sign_summary(
                    rnd,
                    area,
                    request.user,
                    members=form.signatories(),
                    place=form.cleaned_data["place"],
                    expected_sha256=form.cleaned_data["sha256"],
                    authorizer=authorizer(request),
                )
            except LawError as exc:
                error = exc.as_dict()
            except PermissionDenied:
                raise
            else:
                messages.success(
                    request,
                    _(
                        "Procès-verbal récapitulatif signé (version %(version)s) — empreinte "
                        "SHA-256 des chiffres signés : %(sha)s."
                    )
                    % {"version": signature.version, "sha": signature.figures_sha256},
                )
                return redirect("commission:summary", rnd.code, area.code)
        else:
            error = {
                "code": "form_invalid",
                "message": _("Le formulaire de signature est incomplet : rien n'a été signé."),
            }
        if error and error.get("code") == "summary_changed":
            # Show the new figures' hash: the president signs what is shown now.
            form = None
            data = summary_data(rnd, area)
    status = 200 if error is None else 400
    return render(
        request,
        "commission/summary_sign.html",
        {
            "round": rnd,
            "election": rnd.election,
            "area": area,
            "data": data,
            "summary_url": reverse("commission:summary", args=[rnd.code, area.code]),
            "pdf_url": reverse("commission:summary_pdf", args=[rnd.code, area.code]),
            **signing_context(request, rnd, area, data, form=form, error=error),
        },
        status=status,
    )


@commission_view
def signed_pdf(request, round_code: str, unit_code: str, version: int):
    rnd = round_or_404(round_code)
    area = area_or_404(rnd, unit_code)
    need(request, Action.VIEW_MINUTES, area.unit, election=rnd)
    signature = (
        SummarySignature.objects.select_related("signed_by")
        .filter(round=rnd, area_code=area.code, version=version)
        .first()
    )
    if signature is None:
        raise Http404(_("Aucune version signée n°%(version)s.") % {"version": version})
    current = summary_data(rnd, area)
    signing.signature_state(rnd, area, current)  # record a supersession not yet seen
    signature.refresh_from_db()
    data = signing.signed_document(signature, current)
    pdf = render_summary_pdf(data)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="pv-recapitulatif-{rnd.code}-{area.code}-v{signature.version}.pdf"'
    )
    return response


__all__ = ["SignatureForm", "sign_view", "signed_pdf", "signing_context", "with_signature"]
