// The arena leaderboard (GET /api/leaderboard): ratings with their 95 % intervals as a chart
// (a floating bar from ci_low to ci_high, a dot at the rating) and a table, the position-bias
// check and the length-controlled ranking. Refreshed every 30 s and after a counted vote; a
// failed refresh keeps the numbers shown and says since when they are (like the dashboard).
import { ApiError, getJson } from "./api.js";
import { LiveChart, chartsAvailable, themeColors } from "./charts.js";
import { loadModels, modelColor, modelName, providerName } from "./models.js";
import { el, formatClock, formatCost, formatInt, formatMs, notice, unreachableNotice } from "./ui.js";

const REFRESH_MS = 30000;
const section = document.getElementById("leaderboard");
const slot = document.getElementById("board-notice");
const data = document.getElementById("board-data");
const updated = document.getElementById("board-updated");

let shown = null;  // { at: Date } of the numbers on the page
let chart = null;
let inFlight = null;

const rating = (v) => (v === null || v === undefined ? "–" : String(Math.round(Number(v))));
const count = (v) => formatInt(v ?? 0);

function setState(state) {
  section.dataset.state = state;
}

function modelCell(row) {
  return el("th", { scope: "row", "data-col": "model" },
    el("span", { class: "swatch", "data-color": modelColor(row.model), "aria-hidden": "true" }),
    el("span", { class: "name", text: modelName(row.model) }),
    el("span", { class: "sub", text: providerName(row.provider) }));
}

function num(text, col) {
  return el("td", { class: "num", "data-col": col, text });
}

function renderTable(models) {
  document.getElementById("board-rows").replaceChildren(...models.map((m) => el("tr", { "data-model": m.model, "data-testid": "board-row" },
    num(String(m.rank), "rank"), modelCell(m), num(rating(m.rating), "rating"),
    num(`${rating(m.ci_low)} – ${rating(m.ci_high)}`, "interval"), num(count(m.battles), "battles"),
    num(`${count(m.wins)} · ${count(m.losses)} · ${count(m.ties)}`, "record"), num(count(m.both_bad), "both_bad"),
    num(formatMs(m.avg_latency_ms), "latency"), num(formatCost(m.cost_per_saying_usd), "cost"))));
}

function renderLength(length) {
  const rows = (length && Array.isArray(length.models)) ? length.models : [];
  document.getElementById("length-rows").replaceChildren(...rows.map((m) => el("tr", { "data-model": m.model, "data-testid": "length-row" },
    num(String(m.place), "place"), modelCell(m), num(rating(m.rating), "rating"))));
}

function lengthText(length) {
  const g = length ? Number(length.length_coefficient) : NaN;
  if (!Number.isFinite(g)) return "";
  const lean = Math.abs(g) < 1 ? "voters show no lean towards longer or shorter sayings"
    : g > 0 ? "voters lean towards the longer saying" : "voters lean towards the shorter saying";
  return `Length effect: ${g > 0 ? "+" : ""}${g.toFixed(1)} Elo points for the longer side at the largest difference; ${lean}.`;
}

function biasText(bias) {
  const n = bias ? Number(bias.decisive_votes || 0) : 0;
  if (!n) return "Position check: no decisive vote yet (one side better), so no side bias to measure.";
  const share = bias.a_win_share ?? (bias.a_wins / n);
  return `Position check: saying A won ${(share * 100).toFixed(1)} % of the ${formatInt(n)} decisive votes `
    + "(50 % means being shown first, on the left, gives no advantage).";
}

function methodText(method) {
  const m = method || {};
  const bothBad = m.both_bad === "excluded" ? "left out of the ratings (they still count as battles)" : "counted as ties";
  const resamples = m.resamples ? `${formatInt(m.resamples)} bootstrap resamples of the votes` : "a bootstrap over the votes";
  return `How it is computed: Bradley–Terry ratings on the Elo scale (mean 1000); a tie counts as half a win each way; "both bad" votes are ${bothBad}; `
    + `95 % intervals from ${resamples}. Rank = 1 + the number of models whose whole interval lies above this model's, so models whose intervals overlap can share a rank.`;
}

function drawChart(models) {
  const figure = document.getElementById("board-chart");
  if (!chartsAvailable()) {
    figure.hidden = true;  // the table holds every number
    return;
  }
  figure.hidden = false;
  const c = themeColors();
  const low = Math.min(...models.map((m) => Number(m.ci_low)));
  const high = Math.max(...models.map((m) => Number(m.ci_high)));
  if (!chart) {
    chart = new LiveChart("chart-ratings", "bar", {
      indexAxis: "y",
      plugins: { tooltip: { intersect: true, mode: "nearest", callbacks: {
        label: (ctx) => (Array.isArray(ctx.raw) ? `95 % interval ${rating(ctx.raw[0])} – ${rating(ctx.raw[1])}` : `rating ${rating(ctx.raw)}`),
      } } },
      scales: {
        x: { type: "linear", ticks: { color: c.text, precision: 0 }, grid: { color: c.grid } },
        y: { ticks: { color: c.text }, grid: { display: false } },
      },
    });
  }
  chart.chart.options.scales.x.min = Math.floor((low - 15) / 10) * 10;
  chart.chart.options.scales.x.max = Math.ceil((high + 15) / 10) * 10;
  const colors = models.map((m) => modelColor(m.model));
  chart.update(models.map((m) => modelName(m.model)), [
    { label: "95 % interval", type: "bar", data: models.map((m) => [Number(m.ci_low), Number(m.ci_high)]),
      backgroundColor: colors.map((x) => `${x}66`), borderColor: colors, borderWidth: 2, borderSkipped: false, barPercentage: 0.55 },
    { label: "Rating", type: "line", indexAxis: "y", data: models.map((m) => Number(m.rating)), showLine: false,
      pointRadius: 6, pointHoverRadius: 7, pointBackgroundColor: c.ink, pointBorderColor: c.ink },
  ]);
}

function emptyNotice(board) {
  const dropped = Number(board.dropped || 0);
  return notice({ kind: "empty", testid: "notice-empty", title: "No votes yet",
    body: ["The leaderboard starts with the first counted vote: vote in the battle above.",
      dropped ? `${formatInt(dropped)} vote${dropped > 1 ? "s were" : " was"} dropped because a saying named its own model.` : null].filter(Boolean) });
}

function render(board) {
  const models = Array.isArray(board.models) ? board.models : [];
  updated.textContent = `Updated ${formatClock(shown.at)}`;
  slot.replaceChildren();
  if (!Number(board.votes) || models.length === 0) {
    data.hidden = true;
    slot.replaceChildren(emptyNotice(board));
    setState("empty");
    return;
  }
  const dropped = Number(board.dropped || 0);
  document.getElementById("board-summary").textContent = `${formatInt(board.votes)} vote${Number(board.votes) === 1 ? "" : "s"} counted · `
    + (dropped ? `${formatInt(dropped)} dropped (a saying named its own model or provider, so that battle's vote does not count)` : "none dropped");
  renderTable(models);
  renderLength(board.length_controlled);
  document.getElementById("length-effect").textContent = lengthText(board.length_controlled);
  document.getElementById("position-bias").textContent = biasText(board.position_bias);
  document.getElementById("board-method").textContent = methodText(board.method);
  // Swatch colours go through the CSSOM (a CSP without 'unsafe-inline' blocks style attributes).
  for (const s of data.querySelectorAll(".swatch[data-color]")) s.style.backgroundColor = s.dataset.color;
  data.hidden = false;
  drawChart(models);
  setState("loaded");
}

function failure(err) {
  const unreachable = err instanceof ApiError && err.kind === "unreachable";
  const why = unreachable ? "The service could not be reached." : (err && err.message) || "The service answered with an error.";
  const retry = el("button", { type: "button", class: "primary", onclick: () => loadBoard() }, "Try again");
  if (shown) {
    slot.replaceChildren(notice({ kind: "warn", testid: "notice-stale", title: `Could not refresh: showing data from ${formatClock(shown.at)}`,
      body: [`${why} The leaderboard below is from ${formatClock(shown.at)}; the page tries again every 30 seconds.`], actions: [retry] }));
    return;
  }
  slot.replaceChildren(unreachable ? unreachableNotice(() => loadBoard(), "the leaderboard")
    : notice({ kind: "error", testid: "notice-error", title: "Could not load the leaderboard", body: [`${why} Nothing is lost: try again in a moment.`], actions: [retry] }));
  setState("error");
}

export function loadBoard() {
  if (inFlight) return inFlight;
  inFlight = (async () => {
    try {
      await loadModels().catch(() => null);  // names and colours; the ids do without
      const board = await getJson("/api/leaderboard");
      shown = { at: new Date() };
      render(board || {});
    } catch (err) {
      failure(err);
    } finally {
      inFlight = null;
    }
  })();
  return inFlight;
}

export function initBoard() {
  loadBoard();
  setInterval(loadBoard, REFRESH_MS);
}
