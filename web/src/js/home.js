// The home page: Get Saying, the saying's card, one vote per saying.
import { ApiError, getJson, postJson } from "./api.js";
import { el, errorNotice, formatInt, formatMs, modelLabel, modelsOffText, notice, sourceBadge, unreachableNotice } from "./ui.js";
import { loadModels, modelName, providerName } from "./models.js";

const form = document.getElementById("get-form");
const button = document.getElementById("get-saying");
const result = document.getElementById("result");
const picker = document.getElementById("model-pick");
const select = document.getElementById("model-select");

let busy = false;

// The button stays enabled while busy: disabling it would drop keyboard focus to the page.
function setBusy(value) {
  busy = value;
  button.setAttribute("aria-disabled", String(busy));
  button.textContent = busy ? "Getting a saying…" : "Get Saying";
  result.setAttribute("aria-busy", String(busy));
}

function meta(pairs) {
  return el("dl", { class: "meta" },
    pairs.filter(([, value]) => value !== null).map(([label, value, testid]) =>
      el("div", {}, el("dt", { text: label }), el("dd", { text: value, "data-testid": testid }))));
}

function voteBox(saying) {
  const status = el("span", { class: "thanks", role: "status", "aria-live": "polite" });
  const buttons = [];
  async function vote(kind, buttonEl) {
    buttons.forEach((b) => { b.disabled = true; });
    buttonEl.setAttribute("aria-pressed", "true");
    status.textContent = "Sending your vote…";
    try {
      await postJson("/api/feedback", {
        saying_id: saying.id,
        vote: kind,
        execution_time: saying.execution_ms,
        original_llm_time: saying.llm_ms ?? undefined,
        is_cached: Boolean(saying.cached),
      });
      status.textContent = kind === "up" ? "Thanks! Glad that one landed." : "Thanks! We'll take that into account.";
      status.dataset.testid = "vote-thanks";
      // The pressed button is now disabled; keep keyboard focus nearby instead of on the page.
      status.setAttribute("tabindex", "-1");
      status.focus();
    } catch (err) {
      buttonEl.setAttribute("aria-pressed", "false");
      buttons.forEach((b) => { b.disabled = false; });
      status.textContent = err instanceof ApiError && err.kind === "unreachable"
        ? "Your vote could not be sent: the service is unreachable. Try again in a moment."
        : `Your vote was not recorded: ${err.message}`;
    }
  }
  const up = el("button", { type: "button", class: "vote", "aria-label": "Yes, this one landed", "aria-pressed": "false", "data-testid": "vote-up" },
    el("span", { class: "icon up", "aria-hidden": "true" }), "Yes");
  const down = el("button", { type: "button", class: "vote", "aria-label": "No, not funny", "aria-pressed": "false", "data-testid": "vote-down" },
    el("span", { class: "icon down", "aria-hidden": "true" }), "No");
  up.addEventListener("click", () => vote("up", up));
  down.addEventListener("click", () => vote("down", down));
  buttons.push(up, down);
  return el("div", { class: "votes" }, el("span", { class: "label", text: "Did it land?" }), up, down, status);
}

// Dollars as the API reports them (rounded to 1e-9): every digit shown, nothing rounded away,
// so a card's cost is exactly the cost in the answer ("$0.000175", "$0").
function formatUsd(usd) {
  if (usd === undefined || usd === null || Number.isNaN(Number(usd))) return "–";
  const n = Number(usd);
  if (n === 0) return "$0";
  return `$${n.toFixed(9).replace(/0+$/, "").replace(/\.$/, "")}`;
}

// Why a ?model= request was answered from the store instead (the answer's fallback_reason).
const FALLBACK_REASONS = {
  generation_disabled: "this server does not generate sayings on request",
  duplicates: "the model only came up with sayings we already had",
};

function fallbackNote(saying) {
  if (!saying.requested_model) return null;
  const why = FALLBACK_REASONS[saying.fallback_reason] || `of “${saying.fallback_reason}”`;
  return el("p", { class: "fallback-note", role: "note", "data-testid": "fallback-note",
    text: `You asked for ${modelName(saying.requested_model)}, but ${why}, so this saying comes from our store instead.` });
}

function sayingCard(saying) {
  const isCorpus = saying.model === "corpus";
  const badges = el("div", { class: "badges" },
    el("span", { class: "badge model", "data-testid": "model-badge", title: saying.model },
      isCorpus ? "Original collection" : modelName(saying.model)),
    isCorpus ? null : el("span", { class: "badge provider", "data-testid": "provider-badge" }, providerName(saying.provider)),
    sourceBadge(saying.source));
  const tokens = saying.tokens ? Number(saying.tokens.input || 0) + Number(saying.tokens.output || 0) : 0;
  // Two different costs: what this request spent upstream (0 unless it made the model call),
  // and what generating the saying cost (its share of the call that made it).
  const requestCost = saying.request_cost_usd ?? 0;
  const sayingCost = saying.saying_cost_usd ?? saying.cost_usd;
  return el("article", { class: "card saying", "data-testid": "saying-card", "data-saying-id": saying.id },
    badges,
    fallbackNote(saying),
    el("p", { class: "saying-text", "data-testid": "saying-text", text: saying.text }),
    meta([
      ["This request", formatMs(saying.execution_ms), "latency"],
      ["This request cost", formatUsd(requestCost), "request-cost"],
      ["Generated in", saying.llm_ms === null || saying.llm_ms === undefined ? null : formatMs(saying.llm_ms), "llm-time"],
      ["Tokens", tokens ? `${formatInt(saying.tokens.input)} in · ${formatInt(saying.tokens.output)} out` : "none", "tokens"],
      ["Generating it cost", isCorpus ? null : formatUsd(sayingCost), "saying-cost"],
    ]),
    saying.services && saying.services.length
      ? el("ul", { class: "services", "aria-label": "Cloud services mentioned" }, saying.services.map((s) => el("li", { text: s })))
      : null,
    voteBox(saying));
}

// A ?model= request the model could not answer (503/504 with "model" in the body): one clear
// sentence about why, instead of a card.
const MODEL_TROUBLE = {
  circuit_open: (name) => `${name} failed several times in a row, so we paused calls to it for a little while.`,
  budget_exhausted: (name) => `We have used up this server's budget for model calls for now, so we did not ask ${name}.`,
  upstream_error: (name) => `${name} could not give us a saying right now.`,
  timeout: (name) => `${name} took too long to answer.`,
  shutting_down: () => "The service is restarting.",
};

function modelTroubleNotice(body, retry) {
  const name = modelName(body.model);
  const sentence = (MODEL_TROUBLE[body.error] || MODEL_TROUBLE.upstream_error)(name);
  return notice({
    kind: "warn",
    testid: "notice-model",
    title: `No saying from ${name} this time`,
    body: [sentence, body.message ? `Details: ${body.message}.` : "", "Try again in a moment, or choose “Any model”."].filter(Boolean),
    actions: [el("button", { type: "button", onclick: retry }, "Try again")],
  });
}

async function getSaying() {
  if (busy) return;
  setBusy(true);
  const model = select.value;
  try {
    const saying = await getJson(`/api/sayings${model ? `?model=${encodeURIComponent(model)}` : ""}`);
    result.replaceChildren(sayingCard(saying));
  } catch (err) {
    if (err instanceof ApiError && err.body && err.body.model && err.status >= 500) {
      result.replaceChildren(modelTroubleNotice(err.body, getSaying));
    } else if (err instanceof ApiError && err.status === 503 && err.body && err.body.source === "fallback") {
      result.replaceChildren(notice({
        kind: "warn",
        testid: "notice-fallback",
        title: "The sayings are briefly overcast",
        body: [err.body.text ? `“${err.body.text}”` : "", err.body.message || "Please try again in a moment."].filter(Boolean),
        actions: [el("button", { type: "button", onclick: getSaying }, "Try again")],
      }));
    } else if (err instanceof ApiError && err.kind === "unreachable") {
      result.replaceChildren(unreachableNotice(getSaying));
    } else {
      result.replaceChildren(errorNotice(err, getSaying));
    }
  } finally {
    setBusy(false);
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  getSaying();
});

// Offer a model choice when the catalog is available; the page works without it.
loadModels().then((models) => {
  const enabled = models.filter((m) => m.enabled);
  if (enabled.length === 0) {
    // No model can be asked: say so to a person, not to a developer.
    document.getElementById("lead").replaceChildren(modelsOffText());
    return;
  }
  for (const m of enabled) select.append(el("option", { value: m.id, text: modelLabel(m) }));
  picker.hidden = false;
}).catch(() => { /* the button still works; errors show when it is pressed */ });
