// The compare page: pick models, send one prompt to all of them, fill each card as its model
// finishes (Server-Sent Events), vote for the best answer.
import { ApiError, postJson, streamEvents } from "./api.js";
import { el, errorNotice, formatCost, formatInt, formatMs, modelLabel, modelsOffText, notice, unreachableNotice } from "./ui.js";
import { loadModels, providerName } from "./models.js";

const form = document.getElementById("compare-form");
const list = document.getElementById("model-list");
const runButton = document.getElementById("run-compare");
const topicInput = document.getElementById("topic");
const formMessage = document.getElementById("form-message");
const statusLine = document.getElementById("status");
const cards = document.getElementById("cards");

let models = [];
let running = null;  // AbortController of the comparison in flight

const REASONS = { no_api_key: "no API key", missing_key: "no API key", circuit_open: "temporarily failing" };

function reasonText(m) {
  const r = m.disabled_reason || (m.health && m.health.reason) || "";
  // "no API key: <details>" -> "no API key" on the card; the details go in the tooltip.
  return REASONS[r] || r.split(":")[0].replaceAll("_", " ") || "disabled";
}

function noModelsNotice() {
  return notice({ kind: "info", testid: "notice-no-models", title: "Nothing to compare on this server",
    body: [el("p", {}, modelsOffText()), el("p", {}, el("a", { href: "/", text: "Get a saying from the collection" }))] });
}

function renderModels() {
  statusLine.replaceChildren();
  const enabled = models.filter((m) => m.enabled);
  const options = models.map((m) => {
    const input = el("input", { type: "checkbox", name: "models", value: m.id, disabled: !m.enabled, checked: m.enabled, "data-testid": `pick-${m.id}` });
    const health = m.enabled && (m.health === "open" || m.health === "degraded")
      ? ` · ${m.health === "open" ? "failing, paused" : "slow or erroring"}` : "";
    const sub = m.enabled ? `${providerName(m.provider)}${health}` : `${providerName(m.provider)} · ${reasonText(m)}`;
    return el("label", { class: `model-option${m.enabled ? "" : " disabled"}`, title: m.enabled ? "" : `Unavailable: ${m.disabled_reason || reasonText(m)}` },
      input, el("span", {}, el("span", { class: "name", text: modelLabel(m) }), el("span", { class: "sub", text: sub })));
  });
  list.replaceChildren(el("legend", { text: "Models" }), ...options);
  runButton.disabled = enabled.length === 0;
  if (enabled.length === 0) {
    statusLine.replaceChildren(noModelsNotice());
  }
}

function selectedModels() {
  return [...list.querySelectorAll("input[name=models]:checked")].map((i) => i.value);
}

// Results arrive in slightly different shapes (one saying or several, error as text or object).
function normalise(result) {
  const sayings = Array.isArray(result.sayings) ? result.sayings
    : result.saying ? [result.saying]
      : result.text ? [{ id: result.id, text: result.text, services: result.services }] : [];
  const err = result.error;
  const errorText = !err ? "" : typeof err === "string" ? (result.message || err) : (err.message || err.error || "failed");
  const latency = result.latency_ms ?? result.llm_ms ?? result.ms ?? result.execution_ms ?? null;
  const tokens = result.tokens || result.usage || null;
  return { model: result.model, provider: result.provider, sayings, errorText, latency, tokens, cost: result.cost_usd ?? result.cost ?? null };
}

function pendingCard(modelId) {
  const m = models.find((x) => x.id === modelId) || { id: modelId };
  return el("article", { class: "card pending", "data-model": modelId, "data-testid": "compare-card", "data-state": "pending", "aria-busy": "true" },
    el("h2", {}, el("span", { text: modelLabel(m) }), el("span", { class: "badge provider", text: providerName(m.provider) })),
    el("p", { class: "waiting" }, el("span", { class: "spinner", "aria-hidden": "true" }), `Waiting for ${modelLabel(m)}…`));
}

function pickButton(saying, card) {
  // The visible words start the accessible name; the model's name follows for screen readers.
  const m = models.find((x) => x.id === card.dataset.model) || { id: card.dataset.model };
  const label = (words, icon) => [icon ? el("span", { class: "icon up", "aria-hidden": "true" }) : null, words,
    el("span", { class: "sr-only", text: ` for ${modelLabel(m)}` })].filter(Boolean);
  const button = el("button", { type: "button", class: "pick", "data-testid": "pick-best" }, label("Best one", true));
  button.addEventListener("click", async () => {
    const all = cards.querySelectorAll("button.pick");
    all.forEach((b) => { b.disabled = true; });
    button.replaceChildren(...label("Sending…", false));
    try {
      await postJson("/api/feedback", { saying_id: saying.id, vote: "up", is_cached: false });
      button.replaceChildren(...label("Your pick", false));
      button.setAttribute("aria-pressed", "true");
      card.classList.add("picked");
      statusLine.textContent = "Thanks! Your vote went to that answer only; the others were left alone.";
      statusLine.setAttribute("tabindex", "-1");
      statusLine.focus();  // the pressed button is disabled now; keep keyboard focus nearby
    } catch (err) {
      all.forEach((b) => { b.disabled = false; });
      button.replaceChildren(...label("Best one", true));
      statusLine.textContent = err instanceof ApiError && err.kind === "unreachable"
        ? "Your vote could not be sent: the service is unreachable."
        : `Your vote was not recorded: ${err.message}`;
    }
  });
  return button;
}

function fillCard(card, result, rank) {
  const r = normalise(result);
  const m = models.find((x) => x.id === r.model) || { id: r.model, provider: r.provider };
  card.classList.remove("pending");
  card.removeAttribute("aria-busy");
  card.dataset.rank = String(rank);
  const head = el("h2", {}, el("span", { text: modelLabel(m) }),
    el("span", { class: "badge rank", title: `Finished ${rank}.`, "data-testid": "rank" }, `#${rank}`));
  if (r.errorText) {
    card.classList.add("failed");
    card.dataset.state = "error";
    card.replaceChildren(head, el("p", { class: "saying-text-error", "data-testid": "card-error", text: `This model failed: ${r.errorText}` }),
      el("dl", { class: "meta" }, el("div", {}, el("dt", { text: "After" }), el("dd", { text: formatMs(r.latency) }))));
    return;
  }
  card.dataset.state = "done";
  const tokenText = r.tokens ? `${formatInt(r.tokens.input ?? r.tokens.input_tokens)} in · ${formatInt(r.tokens.output ?? r.tokens.output_tokens)} out` : "–";
  const body = r.sayings.length === 1
    ? el("div", { class: "one" }, el("p", { class: "saying-text", "data-testid": "saying-text", text: r.sayings[0].text }),
      r.sayings[0].id ? pickButton(r.sayings[0], card) : null)
    : el("ol", { class: "sayings" }, r.sayings.map((s) => el("li", {},
      el("p", { class: "saying-text", "data-testid": "saying-text", text: s.text }), s.id ? pickButton(s, card) : null)));
  card.replaceChildren(head,
    el("span", { class: "badge provider", text: providerName(m.provider || r.provider) }),
    body,
    el("dl", { class: "meta" },
      el("div", {}, el("dt", { text: "Latency" }), el("dd", { "data-testid": "latency", text: formatMs(r.latency) })),
      el("div", {}, el("dt", { text: "Tokens" }), el("dd", { text: tokenText })),
      el("div", {}, el("dt", { text: "Cost" }), el("dd", { text: formatCost(r.cost) }))));
}

async function runCompare() {
  const chosen = selectedModels();
  formMessage.textContent = "";
  if (chosen.length === 0) {
    formMessage.textContent = "Pick at least one model.";
    return;
  }
  if (running) running.abort();
  const controller = new AbortController();
  running = controller;  // pressing Compare again starts over (the button stays focusable)
  const started = performance.now();
  const byModel = new Map(chosen.map((id) => [id, pendingCard(id)]));
  cards.replaceChildren(...byModel.values());
  statusLine.textContent = `Asking ${chosen.length} model${chosen.length > 1 ? "s" : ""}…`;
  let rank = 0;
  const onResult = (result) => {
    const card = byModel.get(result.model) || cards.appendChild(pendingCard(result.model));
    byModel.set(result.model, card);
    fillCard(card, result, ++rank);
  };
  const params = new URLSearchParams({ models: chosen.join(",") });
  const topic = topicInput.value.trim();
  if (topic) params.set("topic", topic);
  try {
    await streamEvents(`/api/compare?${params}`, (name, data) => {
      if (name === "result") onResult(data);
      else if (name === "json") (data.results || []).forEach(onResult);
      else if (name === "error") throw new ApiError("http", (data && data.message) || "The comparison failed.");
    }, { signal: controller.signal });
    const secs = ((performance.now() - started) / 1000).toFixed(2);
    statusLine.textContent = `${rank} of ${chosen.length} answered in ${secs} s. Vote for the best one.`;
    for (const card of byModel.values())
      if (card.dataset.state === "pending") fillCard(card, { model: card.dataset.model, error: "no answer" }, ++rank);
  } catch (err) {
    if (err && err.name === "AbortError") return;
    statusLine.replaceChildren(err instanceof ApiError && err.kind === "unreachable" ? unreachableNotice(runCompare)
      : err instanceof ApiError && err.code === "no_models" ? noModelsNotice() : errorNotice(err, runCompare));
    for (const card of byModel.values()) if (card.dataset.state === "pending") card.remove();
  } finally {
    if (running === controller) running = null;
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  runCompare();
});

async function init() {
  try {
    models = await loadModels();
    renderModels();
  } catch (err) {
    list.replaceChildren(el("legend", { text: "Models" }));
    statusLine.replaceChildren(err.kind === "unreachable" ? unreachableNotice(init) : errorNotice(err, init));
  }
}
init();
