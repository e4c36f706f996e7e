// The compare page: pick models, send one prompt to all of them, fill each card as its model
// finishes (Server-Sent Events), vote for the best answer. The status counts answers and
// failures apart, ranks only answers (by finishing order), and a comparison can be cancelled.
import { ApiError, postJson, streamEvents } from "./api.js";
import { el, errorNotice, modelLabel, modelsOffText, notice, unreachableNotice } from "./ui.js";
import { loadModels, providerName, refreshModels } from "./models.js";
import { cancelCard, fillCard, markBest, normalise, pendingCard, tickStopwatches } from "./compare_card.js";

const form = document.getElementById("compare-form");
const list = document.getElementById("model-list");
const runButton = document.getElementById("run-compare");
const cancelButton = document.getElementById("cancel-compare");
const topicInput = document.getElementById("topic");
const formMessage = document.getElementById("form-message");
const statusLine = document.getElementById("status");
const rankNote = document.getElementById("rank-note");
const cards = document.getElementById("cards");

let models = [];
let running = null;  // the comparison in flight: { controller, stop(), cancel() }

const REASONS = { no_api_key: "no API key", missing_key: "no API key", circuit_open: "temporarily failing" };
const HEALTH = { open: "failing, paused", degraded: "slow or erroring" };

function reasonText(m) {
  const r = m.disabled_reason || (m.health && m.health.reason) || "";
  // "no API key: <details>" -> "no API key" on the card; the details go in the tooltip.
  return REASONS[r] || r.split(":")[0].replaceAll("_", " ") || "disabled";
}

function noModelsNotice() {
  return notice({ kind: "info", testid: "notice-no-models", title: "Nothing to compare on this server",
    body: [el("p", {}, modelsOffText()), el("p", {}, el("a", { href: "/", text: "Get a saying from the collection" }))] });
}

function modelSub(m) {
  if (!m.enabled) return `${providerName(m.provider)} · ${reasonText(m)}`;
  return HEALTH[m.health] ? `${providerName(m.provider)} · ${HEALTH[m.health]}` : providerName(m.provider);
}

// `keep`: the ids to leave ticked (a refresh keeps the person's choice); else every enabled one.
function renderModels(keep = null) {
  const enabled = models.filter((m) => m.enabled);
  const options = models.map((m) => {
    const checked = m.enabled && (keep ? keep.has(m.id) : true);
    const input = el("input", { type: "checkbox", name: "models", value: m.id, disabled: !m.enabled, checked, "data-testid": `pick-${m.id}` });
    return el("label", { class: `model-option${m.enabled ? "" : " disabled"}`, "data-health": m.health || "unknown", title: m.enabled ? "" : `Unavailable: ${m.disabled_reason || reasonText(m)}` },
      input, el("span", {}, el("span", { class: "name", text: modelLabel(m) }), el("span", { class: "sub", "data-testid": `health-${m.id}`, text: modelSub(m) })));
  });
  list.replaceChildren(el("legend", { text: "Models" }), ...options);
  runButton.disabled = enabled.length === 0;
  if (enabled.length === 0) statusLine.replaceChildren(noModelsNotice());
}

// Health changes while the page is open (a provider starts failing): fetch it again when a
// comparison starts. A failed refresh keeps the labels already shown.
async function refreshHealth() {
  const keep = new Set(selectedModels());
  try {
    models = await refreshModels();
  } catch {
    return;
  }
  renderModels(keep);
}

function selectedModels() {
  return [...list.querySelectorAll("input[name=models]:checked")].map((i) => i.value);
}

function modelOf(id, provider) {
  return models.find((x) => x.id === id) || { id, provider };
}

function pickButton(saying, card) {
  // The visible words start the accessible name; the model's name follows for screen readers.
  const m = modelOf(card.dataset.model);
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

// "2 answered, 2 failed" (and "1 cancelled"): never a count that hides the failures.
function countText(entries, cancelled) {
  const answered = entries.filter((e) => !e.result.error).length;
  const failed = entries.length - answered;
  return `${answered} answered, ${failed} failed${cancelled ? `, ${cancelled} cancelled` : ""}`;
}

function setRunning(on) {
  cancelButton.hidden = !on;
  form.classList.toggle("running", on);
}

async function runCompare() {
  const chosen = selectedModels();
  formMessage.textContent = "";
  if (chosen.length === 0) {
    formMessage.textContent = "Pick at least one model.";
    return;
  }
  if (running) running.stop();  // pressing Compare again starts over: the old stream and clock stop
  const controller = new AbortController();
  const started = performance.now();
  const byModel = new Map(chosen.map((id) => [id, pendingCard(modelOf(id))]));
  const entries = [];  // answers and failures in finishing order: { card, result }
  cards.replaceChildren(...byModel.values());
  rankNote.hidden = true;
  statusLine.textContent = `Asking ${chosen.length} model${chosen.length > 1 ? "s" : ""}…`;
  refreshHealth();
  const timer = setInterval(() => tickStopwatches(cards, performance.now() - started), 100);
  const seconds = () => ((performance.now() - started) / 1000).toFixed(2);
  let rank = 0;
  const onResult = (raw) => {
    const r = normalise(raw);
    const card = byModel.get(r.model) || cards.appendChild(pendingCard(modelOf(r.model, r.provider)));
    byModel.set(r.model, card);
    if (card.dataset.state !== "pending") return;  // one result per model
    fillCard(card, modelOf(r.model, r.provider), r, r.error ? 0 : ++rank, (s) => pickButton(s, card));
    entries.push({ card, result: r });
    if (rank > 0) rankNote.hidden = false;
  };
  const stop = () => {
    clearInterval(timer);
    setRunning(false);
    if (running && running.controller === controller) running = null;
  };
  running = {
    controller,
    stop() {
      controller.abort();
      stop();
    },
    cancel() {
      this.stop();
      let cancelled = 0;
      for (const card of byModel.values()) {
        if (card.dataset.state !== "pending") continue;
        cancelCard(card, modelOf(card.dataset.model), performance.now() - started);
        cancelled++;
      }
      markBest(entries);
      statusLine.textContent = `Cancelled after ${seconds()} s: ${countText(entries, cancelled)}.`;
    },
  };
  setRunning(true);
  const params = new URLSearchParams({ models: chosen.join(",") });
  const topic = topicInput.value.trim();
  if (topic) params.set("topic", topic);
  try {
    await streamEvents(`/api/compare?${params}`, (name, data) => {
      if (name === "result") onResult(data);
      // One JSON document (no streaming on the way): finishing order is the latency order.
      else if (name === "json") [...(data.results || [])].sort((a, b) => (a.latency_ms ?? 0) - (b.latency_ms ?? 0)).forEach(onResult);
      else if (name === "error") throw new ApiError("http", (data && data.message) || "The comparison failed.");
    }, { signal: controller.signal });
    if (controller.signal.aborted) return;
    stop();
    for (const card of byModel.values())
      if (card.dataset.state === "pending") onResult({ model: card.dataset.model, error: { error: "no_answer", message: "the stream ended without this model's result" } });
    markBest(entries);
    const answered = entries.some((e) => !e.result.error);
    statusLine.textContent = `${countText(entries, 0)} in ${seconds()} s.${answered ? " Vote for the best one." : ""}`;
  } catch (err) {
    if (controller.signal.aborted || (err && err.name === "AbortError")) return;
    stop();
    statusLine.replaceChildren(err instanceof ApiError && err.kind === "unreachable" ? unreachableNotice(runCompare)
      : err instanceof ApiError && err.code === "no_models" ? noModelsNotice() : errorNotice(err, runCompare));
    for (const card of byModel.values()) if (card.dataset.state === "pending") card.remove();
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  runCompare();
});

cancelButton.addEventListener("click", () => {
  if (!running) return;
  running.cancel();
  runButton.focus();  // the Cancel button hides itself; keep keyboard focus on the form
});

async function init() {
  try {
    models = await loadModels();
    statusLine.replaceChildren();
    renderModels();
  } catch (err) {
    list.replaceChildren(el("legend", { text: "Models" }));
    statusLine.replaceChildren(err.kind === "unreachable" ? unreachableNotice(init) : errorNotice(err, init));
  }
}
init();
