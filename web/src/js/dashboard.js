// The dashboard: filters kept in the URL, totals, charts and tables, refreshed about every
// 30 s in place (no re-render of the page, no chart animation, so nothing flickers). Numbers
// on screen always belong to the filters on screen: a failed refresh of the same view says
// since when they are; a failed load of another view shows none.
import { ApiError, getJson } from "./api.js";
import { chartsAvailable } from "./charts.js";
import { el, formatClock, notice } from "./ui.js";
import { loadModels, modelName, providerName } from "./models.js";
import { normaliseStats } from "./stats.js";
import { DEFINITIONS, makeCharts, setCharts, setPurposeTable, setTable, setTiles } from "./dashboard_view.js";

const REFRESH_MS = 30000;
const RANGES = ["1h", "24h", "7d", "all"];

const filtersForm = document.getElementById("filters");
const providerSelect = document.getElementById("provider");
const modelSelect = document.getElementById("model");
const noticeSlot = document.getElementById("notice");
const dataBox = document.getElementById("data");
const chartsBox = document.getElementById("charts");
const updated = document.getElementById("updated");

let catalog = [];
let charts = null;
let timer = null;
let inFlight = null;
let lastLoaded = 0;
let shown = null;  // { key, at }: the filters and time of the numbers on screen

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

const keyOf = (f) => `${f.range}|${f.provider}|${f.model}`;

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

// --- states -----------------------------------------------------------------------------------
function isEmpty(s) {
  const t = s.totals;
  return t.total === 0 && !t.invocations && !t.spend.calls && s.models.every((r) => !r.total && !r.invocations && !r.spend.calls);
}

function emptyNotice() {
  return notice({
    kind: "empty",
    testid: "notice-empty",
    title: "No statistics for this view yet",
    body: [el("p", {}, "Nobody has voted, asked for sayings or called a model in this time range. ",
      el("a", { href: "/", text: "Get a saying" }), " and vote, or ", el("a", { href: "/compare", text: "compare models" }),
      ", and the numbers show up here.")],
  });
}

function render(s, f) {
  const empty = isEmpty(s);
  noticeSlot.replaceChildren(...(empty ? [emptyNotice()] : []));
  chartsBox.classList.toggle("off", empty || !charts);
  setTiles(s.totals, empty);
  setTable(s.models, s.totals);
  setPurposeTable(s.totals.spend);
  setCharts(charts, s);
  shown = { key: keyOf(f), at: new Date() };
  const computed = s.computed_at ? new Date(s.computed_at) : null;
  updated.textContent = `Updated ${formatClock(shown.at)}${computed && !Number.isNaN(computed.getTime()) ? ` · computed ${formatClock(computed)}` : ""}${charts ? "" : " · charts unavailable"}`;
}

// Numbers of another view must not stay under the new filters.
function clearData() {
  const blank = normaliseStats({});
  setTiles(blank.totals, true);
  setTable([], null);
  setPurposeTable(null);
  chartsBox.classList.add("off");
  shown = null;
  updated.textContent = "";
}

function failureNotice(err, sameView) {
  const unreachable = err instanceof ApiError && err.kind === "unreachable";
  const why = unreachable ? "The service could not be reached." : (err && err.message) || "The service answered with an error.";
  const retry = el("button", { type: "button", class: "primary", onclick: () => load() }, "Try again");
  if (sameView) {
    return notice({ kind: "warn", testid: "notice-stale", title: `Could not refresh: showing data from ${formatClock(shown.at)}`,
      body: [`${why} The numbers below are from ${formatClock(shown.at)}; the page tries again every 30 seconds.`], actions: [retry] });
  }
  return notice({ kind: "error", testid: unreachable ? "notice-unreachable" : "notice-error",
    title: unreachable ? "We can't reach the service right now" : "Could not load this view",
    body: [`${why} No numbers are shown for these filters until they load; nothing is lost, try again in a moment.`], actions: [retry] });
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
  const sameView = shown !== null && shown.key === keyOf(f);
  // Another view's numbers are dimmed and marked busy until this one's arrive.
  dataBox.classList.toggle("loading", !sameView);
  dataBox.setAttribute("aria-busy", String(!sameView));
  try {
    const raw = await getJson(`/api/stats${q.toString() ? `?${q}` : ""}`);
    if (token.cancelled) return;
    const stats = normaliseStats(raw);
    fillSelects(f, stats);
    render(stats, f);
    document.body.dataset.state = "loaded";
    lastLoaded = Date.now();
  } catch (err) {
    if (token.cancelled) return;
    document.body.dataset.state = "error";
    if (!sameView) clearData();
    noticeSlot.replaceChildren(failureNotice(err, sameView));
  } finally {
    if (!token.cancelled) {
      dataBox.classList.remove("loading");
      dataBox.setAttribute("aria-busy", "false");
    }
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
  fillSelects(currentFilters(), null);
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

function showDefinitions() {
  document.getElementById("definitions").replaceChildren(...DEFINITIONS.flatMap(([term, text, id]) =>
    [el("dt", { id: `def-${id}`, text: term }), el("dd", { text })]));
}

async function init() {
  showDefinitions();
  charts = chartsAvailable() ? makeCharts() : null;
  applyFilters(readUrl());
  try {
    catalog = await loadModels();
  } catch {
    catalog = [];  // the stats still show; names fall back to ids, colours to a hash of the id
  }
  applyFilters(readUrl());
  await load();
  schedule();
}
init();
