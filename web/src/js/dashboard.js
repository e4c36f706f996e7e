// The dashboard: filters kept in the URL, totals, charts and a table, refreshed about every
// 30 s in place (no re-render of the page, no chart animation, so nothing flickers).
import { ApiError, getJson } from "./api.js";
import { colorFor, chartsAvailable, LiveChart } from "./charts.js";
import { el, errorNotice, formatCost, formatInt, formatMs, formatPct, notice, unreachableNotice } from "./ui.js";
import { loadModels, modelName, providerName } from "./models.js";
import { normaliseStats } from "./stats.js";

const REFRESH_MS = 30000;
const RANGES = ["1h", "24h", "7d", "all"];

const filtersForm = document.getElementById("filters");
const providerSelect = document.getElementById("provider");
const modelSelect = document.getElementById("model");
const noticeSlot = document.getElementById("notice");
const tiles = document.getElementById("tiles");
const chartsBox = document.getElementById("charts");
const tableBody = document.querySelector("#stats-table tbody");
const updated = document.getElementById("updated");

let catalog = [];
let charts = null;
let timer = null;
let inFlight = null;
let lastLoaded = 0;

// --- filters <-> URL --------------------------------------------------------------------------
function readUrl() {
  const q = new URLSearchParams(location.search);
  const range = RANGES.includes(q.get("range")) ? q.get("range") : "24h";
  return { range, provider: q.get("provider") || "", model: q.get("model") || "" };
}

function writeUrl(f) {
  const q = new URLSearchParams();
  if (f.range !== "24h") q.set("range", f.range);
  if (f.provider) q.set("provider", f.provider);
  if (f.model) q.set("model", f.model);
  const url = `${location.pathname}${q.toString() ? `?${q}` : ""}`;
  if (url !== `${location.pathname}${location.search}`) history.pushState(f, "", url);
}

function currentFilters() {
  const range = filtersForm.querySelector("input[name=range]:checked");
  return { range: range ? range.value : "24h", provider: providerSelect.value, model: modelSelect.value };
}

function ensureOption(select, value, label) {
  if (!value || [...select.options].some((o) => o.value === value)) return;
  select.append(el("option", { value, text: label }));
}

function fillSelects(f, stats) {
  const providers = new Set(catalog.map((m) => m.provider));
  const models = new Map(catalog.map((m) => [m.id, m.provider]));
  if (stats) for (const row of stats.models) {
    if (row.provider) providers.add(row.provider);
    if (row.model && !models.has(row.model)) models.set(row.model, row.provider);
  }
  if (f.provider) providers.add(f.provider);
  for (const p of [...providers].sort()) ensureOption(providerSelect, p, providerName(p));
  // The model list follows the provider filter.
  const wanted = [...models].filter(([, p]) => !f.provider || p === f.provider || !p).map(([id]) => id);
  if (f.model && !wanted.includes(f.model)) wanted.push(f.model);
  const keep = [...modelSelect.options].slice(0, 1);
  const same = keep.length + wanted.length === modelSelect.options.length
    && wanted.every((id, i) => modelSelect.options[i + 1].value === id);
  if (!same) modelSelect.replaceChildren(...keep, ...wanted.map((id) => el("option", { value: id, text: modelName(id) })));
  providerSelect.value = f.provider;
  modelSelect.value = f.model;
}

function applyFilters(f) {
  for (const input of filtersForm.querySelectorAll("input[name=range]")) input.checked = input.value === f.range;
  fillSelects(f, null);
}

// --- rendering --------------------------------------------------------------------------------
function setTiles(totals) {
  const items = [
    ["Votes", formatInt(totals.total), "total"],
    ["Success rate", formatPct(totals.success_rate), "success"],
    ["Score", formatInt(totals.score), "score"],
    ["Invocations", formatInt(totals.invocations), "invocations"],
    ["Avg response", formatMs(totals.avg_response_time_ms), "latency"],
    ["Cache hit rate", formatPct(totals.cache_hit_rate), "cache"],
    ["Tokens", formatInt(totals.tokens), "tokens"],
    ["Cost", formatCost(totals.cost_usd), "cost"],
  ];
  if (tiles.children.length !== items.length) {
    tiles.replaceChildren(...items.map(([k, , id]) => el("div", { class: "tile" }, el("div", { class: "k", text: k }), el("div", { class: "v", "data-tile": id }))));
  }
  for (const [, v, id] of items) {
    const node = tiles.querySelector(`[data-tile="${id}"]`);
    if (node.textContent !== v) node.textContent = v;
  }
}

function setTable(rows, totals) {
  const cells = (r, label) => [
    el("th", { scope: "row", text: label }), el("td", { text: providerName(r.provider) }),
    el("td", { class: "num", text: formatInt(r.positive), "data-col": "positive" }),
    el("td", { class: "num", text: formatInt(r.negative), "data-col": "negative" }),
    el("td", { class: "num", text: formatInt(r.total), "data-col": "total" }),
    el("td", { class: "num", text: formatPct(r.success_rate) }), el("td", { class: "num", text: formatInt(r.score) }),
    el("td", { class: "num", text: formatMs(r.avg_response_time_ms) }), el("td", { class: "num", text: formatInt(r.invocations) }),
    el("td", { class: "num", text: formatInt(r.tokens) }), el("td", { class: "num", text: formatCost(r.cost_usd) }),
    el("td", { class: "num", text: formatPct(r.cache_hit_rate) }),
  ];
  tableBody.replaceChildren(...rows.map((r) => el("tr", { "data-model": r.model }, cells(r, modelName(r.model)))));
  let foot = tableBody.parentElement.querySelector("tfoot");
  if (!foot) foot = tableBody.parentElement.appendChild(el("tfoot"));
  foot.replaceChildren(el("tr", {}, cells({ ...totals, provider: "" }, "All")));
}

function makeCharts() {
  if (!chartsAvailable()) return null;
  const dual = (o) => ({ ...o, scales: { ...o.scales, y1: { ...o.scales.y, position: "right", grid: { drawOnChartArea: false } } } });
  return {
    success: new LiveChart("chart-success", "bar", [{ label: "Success rate (%)", yAxisID: "y" }, { label: "Score", yAxisID: "y1", backgroundColor: "#94a3b8" }], dual),
    latency: new LiveChart("chart-latency", "bar", [{ label: "Avg response time (ms)" }]),
    cost: new LiveChart("chart-cost", "bar", [{ label: "Cost (USD)", yAxisID: "y" }, { label: "Tokens", yAxisID: "y1", backgroundColor: "#94a3b8" }], dual),
    cache: new LiveChart("chart-cache", "line", [{ label: "Cache hit rate (%)", borderColor: "#16a34a", backgroundColor: "#16a34a", tension: 0.25, spanGaps: true }],
      (o) => ({ ...o, scales: { ...o.scales, y: { ...o.scales.y, max: 100 } } })),
    services: new LiveChart("chart-services", "bar", [{ label: "Mentions", backgroundColor: "#0891b2" }], (o) => ({ ...o, indexAxis: "y", plugins: { ...o.plugins, legend: { display: false } } })),
  };
}

function setCharts(s) {
  if (!charts) return;
  const labels = s.models.map((r) => modelName(r.model));
  const colors = s.models.map((_, i) => colorFor(i));
  charts.success.update(labels, [s.models.map((r) => r.success_rate ?? 0), s.models.map((r) => r.score ?? 0)], [colors]);
  charts.latency.update(labels, [s.models.map((r) => r.avg_response_time_ms ?? 0)], [colors]);
  charts.cost.update(labels, [s.models.map((r) => r.cost_usd ?? 0), s.models.map((r) => r.tokens ?? 0)], [colors]);
  charts.cache.update(s.series.map((p) => p.label), [s.series.map((p) => p.cache_hit_rate)]);
  charts.services.update(s.services.map((x) => x.service), [s.services.map((x) => x.count)]);
}

function render(s) {
  const empty = s.totals.total === 0 && (s.totals.invocations || 0) === 0 && s.models.length === 0;
  if (empty) {
    noticeSlot.replaceChildren(notice({
      kind: "empty",
      testid: "notice-empty",
      title: "No statistics for this view yet",
      body: [el("p", {}, "Nobody has voted or asked for sayings in this time range. ",
        el("a", { href: "/", text: "Get a saying" }), " and vote, or ", el("a", { href: "/compare", text: "compare models" }),
        ", and the numbers show up here.")],
    }));
  } else {
    noticeSlot.replaceChildren();
  }
  chartsBox.classList.toggle("off", empty || !charts);
  setTiles(s.totals);
  setTable(s.models, s.totals);
  setCharts(s);
  const computed = s.computed_at ? new Date(s.computed_at) : null;
  updated.textContent = `Updated ${new Date().toLocaleTimeString()}${computed && !Number.isNaN(computed.getTime()) ? ` · computed ${computed.toLocaleTimeString()}` : ""}${charts ? "" : " · charts unavailable"}`;
}

// --- loading ----------------------------------------------------------------------------------
async function load() {
  const f = currentFilters();
  const q = new URLSearchParams();
  if (f.range !== "all") q.set("from", f.range);
  if (f.provider) q.set("provider", f.provider);
  if (f.model) q.set("model", f.model);
  if (inFlight) inFlight.cancelled = true;
  const token = { cancelled: false };
  inFlight = token;
  try {
    const raw = await getJson(`/api/stats${q.toString() ? `?${q}` : ""}`);
    if (token.cancelled) return;
    const stats = normaliseStats(raw);
    fillSelects(f, stats);
    render(stats);
    document.body.dataset.state = "loaded";
    lastLoaded = Date.now();
  } catch (err) {
    if (token.cancelled) return;
    document.body.dataset.state = "error";
    // Keep the last good numbers on screen; say why they are not fresh.
    noticeSlot.replaceChildren(err instanceof ApiError && err.kind === "unreachable" ? unreachableNotice(load) : errorNotice(err, load));
  }
}

function schedule() {
  clearInterval(timer);
  timer = setInterval(() => { if (!document.hidden) load(); }, REFRESH_MS);
}

filtersForm.addEventListener("change", (event) => {
  if (event.target === providerSelect) {
    // A model of another provider makes no sense with the new provider filter.
    const model = catalog.find((m) => m.id === modelSelect.value);
    if (model && providerSelect.value && model.provider !== providerSelect.value) modelSelect.value = "";
  }
  const f = currentFilters();
  fillSelects(f, null);
  writeUrl(currentFilters());
  load();
  schedule();
});
filtersForm.addEventListener("submit", (event) => event.preventDefault());
window.addEventListener("popstate", () => {
  applyFilters(readUrl());
  load();
});
document.addEventListener("visibilitychange", () => {
  if (!document.hidden && Date.now() - lastLoaded > REFRESH_MS) load();
});

async function init() {
  charts = makeCharts();
  applyFilters(readUrl());
  try {
    catalog = await loadModels();
  } catch {
    catalog = [];  // the stats still show; names fall back to ids
  }
  applyFilters(readUrl());
  await load();
  schedule();
}
init();
