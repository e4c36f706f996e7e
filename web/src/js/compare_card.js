// One model's card on the compare page. Every card has the same four parts in the same order
// (title, provider, body, metrics), laid out on a shared grid (css: .cards subgrid) so the
// metric rows line up across the cards of a row whatever each body holds.
import { el, formatCost, formatInt, formatMs, modelLabel } from "./ui.js";
import { providerName } from "./models.js";
import { errorBlock, errorParts } from "./llm_errors.js";

const ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"];

// A compare result as the page uses it; the API shape is docs/openapi.yaml CompareResult.
export function normalise(result) {
  const sayings = Array.isArray(result.sayings) ? result.sayings
    : result.saying ? [result.saying]
      : result.text ? [{ id: result.id, text: result.text, services: result.services }] : [];
  const error = errorParts(result.error, result.message);
  const latency = result.latency_ms ?? result.llm_ms ?? result.ms ?? result.execution_ms ?? null;
  const tokens = result.tokens || result.usage || null;
  return { model: result.model, provider: result.provider, sayings, error, latency, tokens, cost: result.cost_usd ?? result.cost ?? null };
}

function metric(name, testid, text) {
  return el("div", { "data-metric": testid }, el("dt", { text: name }), el("dd", { "data-testid": testid, text }));
}

function metrics(r) {
  const tokens = r && r.tokens ? `${formatInt(r.tokens.input ?? r.tokens.input_tokens)} in · ${formatInt(r.tokens.output ?? r.tokens.output_tokens)} out` : "–";
  return el("dl", { class: "meta" },
    metric("Latency", "latency", r ? formatMs(r.latency) : "–"),
    metric("Tokens", "tokens", tokens),
    metric("Cost", "cost", r ? formatCost(r.cost) : "–"));
}

function title(m, badge) {
  return el("h2", {}, el("span", { text: modelLabel(m) }), badge);
}

function providerLine(provider) {
  return el("p", { class: "provider-line" }, el("span", { class: "badge provider", text: providerName(provider) }));
}

export function stopwatchText(ms) {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

export function pendingCard(m) {
  return el("article", { class: "card pending", "data-model": m.id, "data-testid": "compare-card", "data-state": "pending", "aria-busy": "true" },
    title(m, null),
    providerLine(m.provider),
    el("p", { class: "waiting" }, el("span", { class: "spinner", "aria-hidden": "true" }), `Waiting for ${modelLabel(m)}… `,
      el("span", { class: "stopwatch", role: "timer", "data-testid": "stopwatch", text: stopwatchText(0) })),
    metrics(null));
}

export function tickStopwatches(container, elapsedMs) {
  for (const watch of container.querySelectorAll(".card.pending [data-testid=stopwatch]")) watch.textContent = stopwatchText(elapsedMs);
}

function rankBadge(rank) {
  const ordinal = ORDINALS[rank - 1] || `number ${rank}`;
  return el("span", { class: "badge rank", title: `Finished ${ordinal} (finishing order, not a quality rank)`, "data-testid": "rank" },
    `#${rank}`, el("span", { class: "sr-only", text: `, finished ${ordinal}` }));
}

// Fills a card with its result. `rank` is its place among the answers (failures get none);
// `pickButton(saying)` makes the vote button of one saying.
export function fillCard(card, m, r, rank, pickButton) {
  card.classList.remove("pending");
  card.removeAttribute("aria-busy");
  const provider = m.provider || r.provider;
  if (r.error) {
    card.classList.add("failed");
    card.dataset.state = "error";
    delete card.dataset.rank;
    card.replaceChildren(title(m, el("span", { class: "badge state-failed", "data-testid": "state-badge", text: "Failed" })),
      providerLine(provider), errorBlock(r.error), metrics(r));
    return;
  }
  card.dataset.state = "done";
  card.dataset.rank = String(rank);
  const saying = (s) => [el("p", { class: "saying-text", "data-testid": "saying-text", text: s.text }), s.id ? pickButton(s) : null];
  const body = r.sayings.length === 1 ? el("div", { class: "one" }, saying(r.sayings[0]))
    : el("ol", { class: "sayings" }, r.sayings.map((s) => el("li", {}, saying(s))));
  card.replaceChildren(title(m, rankBadge(rank)), providerLine(provider), body, metrics(r));
}

export function cancelCard(card, m, elapsedMs) {
  card.classList.remove("pending");
  card.classList.add("cancelled");
  card.removeAttribute("aria-busy");
  card.dataset.state = "cancelled";
  card.replaceChildren(title(m, el("span", { class: "badge state-cancelled", "data-testid": "state-badge", text: "Cancelled" })),
    providerLine(m.provider),
    el("p", { class: "waiting" }, "Cancelled after ", el("span", { class: "stopwatch", "data-testid": "stopwatch", text: stopwatchText(elapsedMs) })),
    metrics(null));
}

// Marks the fastest and the cheapest of the answers (when there are two or more to choose
// from), by the latency and cost the API reported. Ties share the mark.
export function markBest(entries) {
  const answered = entries.filter((e) => !e.result.error);
  if (answered.length < 2) return;
  const mark = (key, metricName, label) => {
    const values = answered.map((e) => e.result[key]).filter((v) => v !== null && v !== undefined && !Number.isNaN(Number(v)));
    if (values.length < 2) return;
    const best = Math.min(...values.map(Number));
    for (const e of answered) {
      if (Number(e.result[key]) !== best) continue;
      e.card.dataset[metricName === "latency" ? "fastest" : "cheapest"] = "true";
      e.card.querySelector(`[data-testid=${metricName}]`).append(" ",
        el("span", { class: `badge mark ${metricName}`, "data-testid": `mark-${metricName === "latency" ? "fastest" : "cheapest"}`, text: label }));
    }
  };
  mark("latency", "latency", "Fastest");
  mark("cost", "cost", "Cheapest");
}
