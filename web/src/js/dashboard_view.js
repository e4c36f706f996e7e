// What the dashboard draws from one normalised /api/stats answer (stats.js): tiles, the
// sortable per-model table (cards on a phone, by CSS), spend by purpose, and the charts.
// Every figure has a definition (DEFINITIONS, shown under the tables and on hover).
import { axis, LiveChart, themeColors } from "./charts.js";
import { el, formatCost, formatInt, formatMs, formatPct } from "./ui.js";
import { modelColor, modelName, providerName } from "./models.js";

export const DEFINITIONS = [
  ["Votes", "Up- and down-votes people gave in this time range (one per person per saying).", "votes"],
  ["Success rate", "Up-votes as a share of all votes. “–” until there is a vote.", "success"],
  ["Score", "Up-votes minus down-votes. “–” until there is a vote.", "score"],
  ["Requests", "Sayings and comparisons the service answered (from the request statistics).", "requests"],
  ["Cache hit rate", "Share of those requests answered from the warm in-memory cache.", "cache"],
  ["Wait", "Average time the service took to answer a request, as the person waited for it.", "wait"],
  ["Model time", "Average time the model took to write the sayings people voted on (its generation time), not what people waited.", "model-time"],
  ["LLM calls", "Calls to the models' APIs for any purpose (a call and its retries are one call).", "calls"],
  ["Tokens", "Input and output tokens of those calls, as the providers reported them.", "tokens"],
  ["Cost", "What those tokens cost at the catalog's prices (spend, from the LLM call ledger).", "cost"],
  ["Spend by purpose", "Cache builder: background refills of the warm cache. Model requests: a person asked one model. Comparisons: the Compare page and API.", "purpose"],
];
const defOf = (id) => (DEFINITIONS.find((d) => d[2] === id) || ["", ""])[1];

export const PURPOSE_NAMES = { cache_fill: "Cache builder", model_request: "Model requests", compare: "Comparisons", arena: "Arena",
  passthrough: "Passthrough (/v1)" };

// --- tiles ------------------------------------------------------------------------------------
export function setTiles(t, empty) {
  const dash = (v) => (empty ? "–" : v);
  const items = [
    ["Votes", dash(formatInt(t.total)), "total", "votes"],
    ["Success rate", formatPct(t.success_rate), "success", "success"],
    ["Score", formatInt(t.score), "score", "score"],
    ["Requests", dash(formatInt(t.invocations)), "invocations", "requests"],
    ["Cache hit rate", formatPct(t.cache_hit_rate), "cache", "cache"],
    ["Wait", formatMs(t.avg_execution_ms), "wait", "wait"],
    ["Model time", formatMs(t.avg_response_time_ms), "latency", "model-time"],
    ["LLM calls", dash(formatInt(t.spend.calls)), "calls", "calls"],
    ["Tokens", dash(formatInt(t.spend.input_tokens + t.spend.output_tokens)), "tokens", "tokens"],
    ["Cost", dash(formatCost(t.spend.cost_usd)), "cost", "cost"],
  ];
  const tiles = document.getElementById("tiles");
  if (tiles.children.length !== items.length) {
    tiles.replaceChildren(...items.map(([k, , id, def]) => el("div", { class: "tile", title: defOf(def), "aria-describedby": `def-${def}` },
      el("div", { class: "k", text: k }), el("div", { class: "v", "data-tile": id }))));
  }
  for (const [, v, id] of items) {
    const node = tiles.querySelector(`[data-tile="${id}"]`);
    if (node.textContent !== v) node.textContent = v;
  }
}

// --- per-model table --------------------------------------------------------------------------
const COLUMNS = [
  { id: "positive", label: "Up", value: (r) => r.positive, text: (r) => formatInt(r.positive), def: "votes" },
  { id: "negative", label: "Down", value: (r) => r.negative, text: (r) => formatInt(r.negative), def: "votes" },
  { id: "total", label: "Votes", value: (r) => r.total, text: (r) => formatInt(r.total), def: "votes" },
  { id: "success", label: "Success", value: (r) => r.success_rate, text: (r) => formatPct(r.success_rate), def: "success" },
  { id: "score", label: "Score", value: (r) => r.score, text: (r) => formatInt(r.score), def: "score" },
  { id: "latency", label: "Model time", value: (r) => r.avg_response_time_ms, text: (r) => formatMs(r.avg_response_time_ms), def: "model-time" },
  { id: "invocations", label: "Requests", value: (r) => r.invocations, text: (r) => formatInt(r.invocations), def: "requests" },
  { id: "cache", label: "Cache hits", value: (r) => r.cache_hit_rate, text: (r) => formatPct(r.cache_hit_rate), def: "cache" },
  { id: "calls", label: "LLM calls", value: (r) => r.spend.calls, text: (r) => formatInt(r.spend.calls), def: "calls" },
  { id: "input_tokens", label: "Tokens in", value: (r) => r.spend.input_tokens, text: (r) => formatInt(r.spend.input_tokens), def: "tokens" },
  { id: "output_tokens", label: "Tokens out", value: (r) => r.spend.output_tokens, text: (r) => formatInt(r.spend.output_tokens), def: "tokens" },
  { id: "cost", label: "Cost", value: (r) => r.spend.cost_usd, text: (r) => formatCost(r.spend.cost_usd), def: "cost" },
];

let sort = { col: "", dir: "desc" };  // "" = the API's order (busiest first)
let lastRows = [];
let lastTotals = null;

function sortedRows(rows) {
  const col = COLUMNS.find((c) => c.id === sort.col);
  if (!col) return rows;
  const sign = sort.dir === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = col.value(a);
    const vb = col.value(b);
    if (va === null || va === undefined) return vb === null || vb === undefined ? 0 : 1;  // "–" last
    if (vb === null || vb === undefined) return -1;
    return sign * (va - vb) || modelName(a.model).localeCompare(modelName(b.model));
  });
}

// On a phone the headers are hidden (cards): the same sort is a select above the cards.
function sortSelect() {
  const select = document.getElementById("sort-by");
  select.replaceChildren(el("option", { value: "", text: "Busiest first" }), el("option", { value: "model", text: "Model name" }),
    ...COLUMNS.map((c) => el("option", { value: c.id, text: c.label })));
  select.addEventListener("change", () => {
    sort = { col: select.value, dir: select.value === "model" ? "asc" : "desc" };
    setTable(lastRows, lastTotals);
  });
}

function header() {
  const row = document.querySelector("#stats-table thead tr");
  if (row.children.length) return;
  sortSelect();
  const sortButton = (id, label) => el("button", { type: "button", class: "sort", "data-sort": id }, label);
  row.append(el("th", { scope: "col", "data-col": "model" }, sortButton("model", "Model")),
    ...COLUMNS.map((c) => el("th", { scope: "col", class: "num", "data-col": c.id, title: defOf(c.def) }, sortButton(c.id, c.label))));
  row.addEventListener("click", (event) => {
    const button = event.target.closest("button.sort");
    if (!button) return;
    const id = button.dataset.sort;
    sort = sort.col === id ? { col: id, dir: sort.dir === "desc" ? "asc" : "desc" } : { col: id, dir: id === "model" ? "asc" : "desc" };
    setTable(lastRows, lastTotals);
  });
}

function cells(r, label, provider) {
  const name = el("th", { scope: "row", "data-col": "model" },
    el("span", { class: "swatch", "data-color": r.model ? modelColor(r.model) : "", "aria-hidden": "true" }),
    el("span", { class: "name", text: label }), provider && provider !== "corpus" ? el("span", { class: "sub", text: providerName(provider) }) : null);
  return [name, ...COLUMNS.map((c) => el("td", { class: "num", "data-col": c.id, "data-label": c.label, "data-value": c.value(r) ?? "", text: c.text(r) }))];
}

export function setTable(rows, totals) {
  header();
  lastRows = rows;
  lastTotals = totals;
  const table = document.getElementById("stats-table");
  const byModel = sort.col === "model"
    ? [...rows].sort((a, b) => (sort.dir === "asc" ? 1 : -1) * modelName(a.model).localeCompare(modelName(b.model))) : sortedRows(rows);
  table.tBodies[0].replaceChildren(...byModel.map((r) => el("tr", { "data-model": r.model }, cells(r, modelName(r.model), r.provider))));
  document.getElementById("sort-by").value = sort.col;
  for (const th of table.tHead.rows[0].cells) {
    if (th.dataset.col === sort.col) th.setAttribute("aria-sort", sort.dir === "asc" ? "ascending" : "descending");
    else th.removeAttribute("aria-sort");
  }
  let foot = table.tFoot;
  if (!totals) { if (foot) foot.remove(); paintSwatches(table); return; }
  if (!foot) foot = table.createTFoot();
  foot.replaceChildren(el("tr", {}, cells({ ...totals, model: "" }, "All models", "")));
  paintSwatches(table);
}

// Swatch colours go through the CSSOM (a CSP without 'unsafe-inline' blocks style attributes).
function paintSwatches(root) {
  for (const s of root.querySelectorAll(".swatch[data-color]")) s.style.backgroundColor = s.dataset.color || "transparent";
}

// --- spend by purpose -------------------------------------------------------------------------
export function setPurposeTable(spend) {
  const body = document.querySelector("#purpose-table tbody");
  if (!spend) { body.replaceChildren(); return; }
  const total = spend.cost_usd;
  const rows = Object.entries(PURPOSE_NAMES).filter(([k]) => k !== "arena" || spend.by_purpose.arena.calls > 0).map(([k, name]) => {
    const p = spend.by_purpose[k];
    return el("tr", { "data-purpose": k },
      el("th", { scope: "row", text: name }),
      el("td", { class: "num", "data-col": "calls", "data-label": "LLM calls", text: formatInt(p.calls) }),
      el("td", { class: "num", "data-col": "input_tokens", "data-label": "Input tokens", text: formatInt(p.input_tokens) }),
      el("td", { class: "num", "data-col": "output_tokens", "data-label": "Output tokens", text: formatInt(p.output_tokens) }),
      el("td", { class: "num", "data-col": "cost", "data-label": "Cost", "data-value": p.cost_usd, text: formatCost(p.cost_usd) }),
      el("td", { class: "num", "data-col": "share", "data-label": "Share of cost", text: total > 0 ? formatPct((p.cost_usd / total) * 100) : "–" }));
  });
  body.replaceChildren(...rows);
}

// --- charts -----------------------------------------------------------------------------------
export function makeCharts() {
  const usdTip = { callbacks: { label: (c) => `${c.dataset.label}: ${formatCost(c.parsed.x ?? c.parsed.y)}` } };
  const legend = { display: true, labels: { color: themeColors().text, boxWidth: 12 } };
  return {
    success: new LiveChart("chart-success", "bar", { scales: { y: axis("pct") } }),
    score: new LiveChart("chart-score", "bar", { scales: { y: { ...axis("count"), beginAtZero: true } } }),
    latency: new LiveChart("chart-latency", "bar", { scales: { y: axis("ms") } }),
    cost: new LiveChart("chart-cost", "bar", { scales: { y: axis("usd") }, plugins: { tooltip: { callbacks: { label: (c) => formatCost(c.parsed.y) } } } }),
    tokens: new LiveChart("chart-tokens", "bar", { scales: { y: axis("count") } }),
    purpose: new LiveChart("chart-purpose", "bar", { indexAxis: "y", scales: { x: { ...axis("usd"), stacked: true }, y: { ...axis(), stacked: true } },
      plugins: { legend, tooltip: usdTip } }),
    activity: new LiveChart("chart-activity", "line", { scales: { y: axis("count") }, plugins: { legend } }),
    services: new LiveChart("chart-services", "bar", { indexAxis: "y", scales: { x: axis("count"), y: axis() } }),
  };
}

// A chart without anything to draw says so instead of showing empty axes.
function emptyNote(canvasId, empty, text) {
  const box = document.getElementById(canvasId).parentElement;
  let note = box.querySelector(".chart-empty");
  if (!note) note = box.appendChild(el("p", { class: "chart-empty", "data-testid": `empty-${canvasId}` }));
  note.textContent = text;
  note.hidden = !empty;
  box.classList.toggle("is-empty", empty);
}

export function setCharts(charts, s) {
  if (!charts) return;
  const votes = s.totals.total > 0;
  emptyNote("chart-success", !votes, "No votes in this view yet.");
  emptyNote("chart-score", !votes, "No votes in this view yet.");
  emptyNote("chart-latency", !s.models.some((r) => r.avg_response_time_ms !== null),
    "No votes on freshly generated sayings yet, so no model time.");
  const spent = s.totals.spend.calls > 0;
  for (const id of ["chart-cost", "chart-tokens", "chart-purpose"]) emptyNote(id, !spent, "No model was called in this view.");
  emptyNote("chart-services", s.services.length === 0, "No voted saying mentions a service yet.");
  const rows = s.models;
  const labels = rows.map((r) => modelName(r.model));
  const colors = rows.map((r) => modelColor(r.model));
  const perModel = (label, value) => [{ label, data: rows.map(value), backgroundColor: colors, borderColor: colors }];
  charts.success.update(labels, perModel("Success rate (%)", (r) => r.success_rate));
  charts.score.update(labels, perModel("Score", (r) => r.score));
  charts.latency.update(labels, perModel("Model time (ms)", (r) => r.avg_response_time_ms));
  charts.cost.update(labels, perModel("Cost (USD)", (r) => r.spend.cost_usd));
  charts.tokens.update(labels, perModel("Tokens", (r) => r.spend.input_tokens + r.spend.output_tokens));
  const purposes = Object.keys(PURPOSE_NAMES).filter((k) => k !== "arena" || s.totals.spend.by_purpose.arena.calls > 0);
  charts.purpose.update(purposes.map((k) => PURPOSE_NAMES[k]), rows.filter((r) => r.spend.calls > 0).map((r) => ({
    label: modelName(r.model), data: purposes.map((k) => r.spend.by_purpose[k].cost_usd),
    backgroundColor: modelColor(r.model), borderColor: modelColor(r.model) })));
  const c = themeColors();
  const line = (label, data, color, dash) => ({ label, data, borderColor: color, backgroundColor: color, borderDash: dash, pointRadius: 2, tension: 0.2, spanGaps: true });
  charts.activity.update(s.series.map((p) => p.label), [
    line("Requests", s.series.map((p) => p.invocations), c.ink, []),
    line("Cache hits", s.series.map((p) => p.cache_hits), c.text, [6, 4]),
    line("Votes", s.series.map((p) => p.votes), c.text, [2, 3]),
  ]);
  charts.services.update(s.services.map((x) => x.service), [{ label: "Mentions", data: s.services.map((x) => x.count), backgroundColor: c.text }]);
}
