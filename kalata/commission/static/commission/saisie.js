/* Kalata — checks of polling-station minutes as you type (no library, no CDN).
 *
 * Two layers:
 *  1. immediate feedback: the arithmetic checks of kalata.law.tally recomputed here at each
 *     keystroke (codes E01–E13, W01–W13, same codes and articles as the server);
 *  2. the authority: the figures are POSTed as JSON to the sheet's /verifier/ endpoint, which
 *     runs check_tally and answers with the official report; it replaces the local one.
 * Nothing is stored by these calls; only the form's submission records an entry.
 */
(function () {
  "use strict";

  var form = document.getElementById("pv-form");
  var panel = document.getElementById("controles");
  if (!form || !panel) { return; }
  var list = document.getElementById("checks-list");
  var source = document.getElementById("checks-source");
  var totals = document.getElementById("running-totals");
  var catalogueNode = document.getElementById("checks-catalogue");
  var catalogue = catalogueNode ? JSON.parse(catalogueNode.textContent) : {};
  var verifyUrl = panel.getAttribute("data-verify-url");
  // Words of the screen in the reader's language (data-text-* set by the template, translated
  // by Django); French if absent. The check messages stay French, like the server's (law engine).
  function text(key, french) { return panel.getAttribute("data-text-" + key) || french; }
  var csrfInput = form.querySelector("input[name=csrfmiddlewaretoken]");
  var csrf = csrfInput ? csrfInput.value : "";
  var inputs = Array.prototype.slice.call(form.querySelectorAll("[data-path]"));

  var REQUIRED = ["registered", "voters", "envelopes", "null_ballots", "valid_votes"];
  var OPTIONAL = ["proxies_used", "cards_received", "cards_delivered", "cards_returned",
    "refusals_to_sign", "members_present"];
  var LABELS = {
    registered: "inscrits", voters: "votants (émargements)",
    envelopes: "enveloppes trouvées dans l'urne", null_ballots: "bulletins nuls",
    valid_votes: "suffrages exprimés", proxies_used: "votes par procuration",
    cards_received: "cartes non distribuées reçues", cards_delivered: "cartes remises",
    cards_returned: "cartes non retirées retournées", refusals_to_sign: "refus de signer",
    members_present: "membres présents"
  };
  var EMPTY_OBSERVATIONS = ["", "ras", "neant", "aucune", "aucun", "rien", "rienasignaler",
    "sansobservation", "-", "/"];

  /* A typed value in the stored form: null (empty), an integer, or the text typed. */
  function parseValue(raw) {
    var text = (raw || "").trim();
    if (!text) { return null; }
    var compact = text.replace(/[\s\u00a0\u202f\u2009']+/g, "");
    if (/^[+-]?\d+$/.test(compact)) { return parseInt(compact, 10); }
    return text;
  }

  function collect() {
    var f = { votes: {}, null_breakdown: {}, observations: "" };
    REQUIRED.concat(OPTIONAL).forEach(function (name) { f[name] = null; });
    inputs.forEach(function (input) {
      var path = input.getAttribute("data-path");
      if (path === "observations") { f.observations = input.value; return; }
      var value = parseValue(input.value);
      var dot = path.indexOf(".");
      if (dot < 0) { f[path] = value; return; }
      var head = path.slice(0, dot), key = path.slice(dot + 1);
      if (head === "votes") { f.votes[key] = value; }
      else if (value !== null) { f.null_breakdown[key] = value; }
    });
    if (Object.keys(f.null_breakdown).length === 0) { f.null_breakdown = null; }
    return f;
  }

  function isInt(v) { return typeof v === "number" && Math.floor(v) === v; }
  function usable(v) { return isInt(v) && v >= 0; }
  function n(v) { return String(v).replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f"); }
  function pct(part, whole) { return (Math.round(part * 10000 / whole) / 100).toFixed(2).replace(".", ",") + " %"; }
  function label(path) {
    if (path.indexOf("votes.") === 0) { return "voix de « " + path.slice(6) + " »"; }
    if (path.indexOf("null_breakdown.") === 0) { return "nuls — " + path.slice(15); }
    return LABELS[path] || path;
  }

  /* The arithmetic checks, recomputed locally (the server's report is the authority). */
  function localChecks(f) {
    var out = [];
    function fire(code, message, fields) { out.push({ code: code, message: message, fields: fields || [] }); }
    var all = [];
    REQUIRED.forEach(function (p) { all.push([p, f[p], true]); });
    Object.keys(f.votes).forEach(function (c) { all.push(["votes." + c, f.votes[c], true]); });
    if (f.null_breakdown) { Object.keys(f.null_breakdown).forEach(function (k) { all.push(["null_breakdown." + k, f.null_breakdown[k], true]); }); }
    OPTIONAL.forEach(function (p) { all.push([p, f[p], false]); });
    all.forEach(function (item) {
      var path = item[0], v = item[1], required = item[2];
      if (v === null) { if (required) { fire("E01", "« " + label(path) + " » : valeur obligatoire non saisie.", [path]); } }
      else if (!isInt(v)) { fire("E01", "« " + label(path) + " » : « " + v + " » n'est pas un nombre entier.", [path]); }
      else if (v < 0) { fire("E02", "« " + label(path) + " » : nombre négatif (" + n(v) + ").", [path]); }
    });
    var reg = f.registered, vot = f.voters, env = f.envelopes, nul = f.null_ballots, val = f.valid_votes;
    var codes = Object.keys(f.votes);
    var votesOk = codes.every(function (c) { return usable(f.votes[c]); });
    var sum = votesOk ? codes.reduce(function (a, c) { return a + f.votes[c]; }, 0) : null;
    if (usable(nul) && usable(val) && usable(vot) && nul + val !== vot) {
      fire("E03", "Nuls (" + n(nul) + ") + exprimés (" + n(val) + ") = " + n(nul + val) + " ≠ votants (" + n(vot) + ").", ["null_ballots", "valid_votes", "voters"]);
    }
    if (usable(val) && votesOk && sum !== val) {
      fire("E04", "Somme des voix des candidats ou listes (" + n(sum) + ") ≠ suffrages exprimés (" + n(val) + ").", ["valid_votes"].concat(codes.map(function (c) { return "votes." + c; })));
    }
    if (usable(vot) && usable(reg) && vot > reg) { fire("E05", "Votants (" + n(vot) + ") > inscrits (" + n(reg) + ").", ["voters", "registered"]); }
    if (usable(val) && usable(vot) && val > vot) { fire("E06", "Exprimés (" + n(val) + ") > votants (" + n(vot) + ").", ["valid_votes", "voters"]); }
    if (usable(nul) && usable(vot) && nul > vot) { fire("E07", "Nuls (" + n(nul) + ") > votants (" + n(vot) + ").", ["null_ballots", "voters"]); }
    if (f.null_breakdown && usable(nul)) {
      var keys = Object.keys(f.null_breakdown);
      if (keys.every(function (k) { return usable(f.null_breakdown[k]); })) {
        var bsum = keys.reduce(function (a, k) { return a + f.null_breakdown[k]; }, 0);
        if (bsum !== nul) { fire("E08", "Détail des nuls (" + n(bsum) + ") ≠ bulletins nuls (" + n(nul) + ").", ["null_ballots"].concat(keys.map(function (k) { return "null_breakdown." + k; }))); }
      }
    }
    var prox = f.proxies_used;
    if (usable(prox) && usable(vot) && prox > vot) { fire("E12", "Votes par procuration (" + n(prox) + ") > votants (" + n(vot) + ").", ["proxies_used", "voters"]); }
    var rec = f.cards_received, del = f.cards_delivered, ret = f.cards_returned;
    if (usable(rec) && usable(del) && usable(ret) && rec !== del + ret) {
      fire("E13", "Cartes reçues (" + n(rec) + ") ≠ remises (" + n(del) + ") + retournées (" + n(ret) + ").", ["cards_received", "cards_delivered", "cards_returned"]);
    }
    if (usable(env) && usable(vot) && env !== vot) { fire("W01", "Enveloppes (" + n(env) + ") ≠ émargements (" + n(vot) + ") : l'écart doit être mentionné au procès-verbal.", ["envelopes", "voters"]); }
    if (usable(vot) && usable(reg) && reg > 0 && vot <= reg && vot * 100 >= reg * 95) { fire("W02", "Participation de " + pct(vot, reg) + ", au seuil de 95 % ou au-delà.", ["voters", "registered"]); }
    if (codes.length >= 2 && usable(val) && votesOk && sum === val && val >= 50) {
      codes.forEach(function (c) { if (f.votes[c] * 100 >= val * 95) { fire("W03", "« " + c + " » obtient " + pct(f.votes[c], val) + " des suffrages exprimés.", ["votes." + c, "valid_votes"]); } });
    }
    if (usable(nul) && usable(vot) && vot > 0 && nul <= vot && nul * 100 >= vot * 20) { fire("W04", "Bulletins nuls : " + pct(nul, vot) + " des votants, au seuil de 20 % ou au-delà.", ["null_ballots", "voters"]); }
    if (usable(vot) && usable(reg) && vot === 0 && reg > 0) { fire("W05", "Aucun votant pour " + n(reg) + " inscrits.", ["voters", "registered"]); }
    if (usable(f.refusals_to_sign) && f.refusals_to_sign > 0) { fire("W06", n(f.refusals_to_sign) + " refus de signer le procès-verbal mentionné(s).", ["refusals_to_sign"]); }
    var mem = f.members_present;
    if (usable(mem) && mem < 3) { fire("W07", n(mem) + " membre(s) présent(s) : jamais moins de trois.", ["members_present"]); }
    if (usable(reg) && reg > 700) { fire("W08", n(reg) + " inscrits : un bureau sert au plus 700 électeurs.", ["registered"]); }
    if (usable(ret) && usable(reg) && usable(vot) && vot <= reg && ret > reg - vot) { fire("W09", "Cartes non retirées (" + n(ret) + ") > inscrits − votants (" + n(reg - vot) + ").", ["cards_returned", "registered", "voters"]); }
    if (usable(mem) && mem > 5) { fire("W10", n(mem) + " membres présents : un président et quatre assesseurs.", ["members_present"]); }
    if (usable(rec) && usable(reg) && rec > reg) { fire("W11", "Cartes reçues (" + n(rec) + ") > inscrits (" + n(reg) + ").", ["cards_received", "registered"]); }
    if (usable(prox) && usable(vot) && prox <= vot && 3 * prox > 2 * vot) { fire("W12", "Votes par procuration (" + n(prox) + ") au-delà des deux tiers des votants.", ["proxies_used", "voters"]); }
    var folded = (f.observations || "").normalize("NFKD").toLowerCase().replace(/[^a-z0-9\-\/]/g, "");
    if (EMPTY_OBSERVATIONS.indexOf(folded) < 0) { fire("W13", "Observations consignées au procès-verbal, à examiner par la commission.", ["observations"]); }
    out.sort(function (a, b) { return a.code < b.code ? -1 : a.code > b.code ? 1 : 0; });
    return { checks: out, sum: sum, figures: f };
  }

  function clearMarks() {
    form.querySelectorAll(".flag-error, .flag-warning").forEach(function (el) {
      el.classList.remove("flag-error", "flag-warning");
    });
    inputs.forEach(function (input) { input.removeAttribute("aria-invalid"); });
  }

  function mark(path, severity) {
    var input = form.querySelector("[data-path='" + path.replace(/'/g, "\\'") + "']");
    if (!input) { return; }
    var line = input.closest("[data-line]") || input.parentNode;
    line.classList.add(severity === "error" ? "flag-error" : "flag-warning");
    if (severity === "error") { input.setAttribute("aria-invalid", "true"); }
  }

  function render(checks, origin) {
    clearMarks();
    list.textContent = "";
    if (!checks.length) {
      var ok = document.createElement("li");
      ok.className = "check ok";
      ok.textContent = text("none", "Aucune erreur ni aucun avertissement.");
      list.appendChild(ok);
    }
    checks.forEach(function (c) {
      var spec = catalogue[c.code] || {};
      var severity = c.severity || spec.severity || (c.code.charAt(0) === "E" ? "error" : "warning");
      var li = document.createElement("li");
      li.className = "check " + severity;
      var code = document.createElement("strong");
      code.textContent = c.code;
      li.appendChild(code);
      li.appendChild(document.createTextNode(" " + (c.title || spec.title || "") + " — " + (c.message || "") + " "));
      var art = document.createElement("span");
      art.className = "muted";
      var articles = c.articles || (spec.articles || []).join(", ");
      art.textContent = "(" + text("articles", "art.") + " " + articles + ")";
      li.appendChild(art);
      list.appendChild(li);
      (c.fields || []).forEach(function (p) { mark(p, severity); });
    });
    source.textContent = origin;
  }

  function renderTotals(result) {
    var f = result.figures;
    totals.textContent = "";
    function row(term, value) {
      var dt = document.createElement("dt"); dt.textContent = term;
      var dd = document.createElement("dd"); dd.textContent = value;
      totals.appendChild(dt); totals.appendChild(dd);
    }
    if (usable(f.null_ballots) && usable(f.valid_votes)) {
      row(text("null-valid", "Nuls + exprimés"), n(f.null_ballots + f.valid_votes) + (usable(f.voters) ? " (" + text("voters", "votants :") + " " + n(f.voters) + ")" : ""));
    }
    if (result.sum !== null) {
      row(text("sum", "Somme des voix"), n(result.sum) + (usable(f.valid_votes) ? " (" + text("valid", "exprimés :") + " " + n(f.valid_votes) + ")" : ""));
    }
  }

  var timer = null, controller = null;
  function serverCheck(figures) {
    if (!verifyUrl || !window.fetch) { return; }
    if (controller && controller.abort) { controller.abort(); }
    controller = window.AbortController ? new AbortController() : null;
    fetch(verifyUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify(figures),
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (res) {
      if (!res.ok) {
        var e = res.body.error || {};
        render([{ code: e.code || "?", severity: "error", title: text("refused", "Saisie refusée"), message: e.message || "", articles: (e.articles || []).join(", "), fields: e.field ? [e.field] : [] }],
          text("server", "Contrôles du serveur (font foi)."));
        return;
      }
      render(res.body.errors.concat(res.body.warnings), text("server", "Contrôles du serveur (font foi)."));
    }).catch(function (err) {
      if (err && err.name === "AbortError") { return; }
      source.textContent = text("unreachable", "Serveur injoignable : contrôles calculés dans le navigateur seulement ; le serveur contrôlera à l'enregistrement.");
    });
  }

  function update() {
    var result = localChecks(collect());
    render(result.checks, text("typing", "Contrôles calculés pendant la saisie ; vérification du serveur en cours…"));
    renderTotals(result);
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(function () { serverCheck(result.figures); }, 350);
  }

  form.addEventListener("input", update);
  // A form refused by the server keeps the figures typed: show their checks at once.
  if (inputs.some(function (i) { return i.value.trim() !== ""; })) { update(); }
}());
