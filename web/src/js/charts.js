// Chart.js wrappers that are created once and then updated in place without animation, so
// the 30-second refresh never makes a chart flash. Chart.js comes from npm (web/package.json)
// and is loaded as a classic script before the modules; without it the tables still work.
// Colours of models come from models.js (modelColor), never from a position in a list.

export function chartsAvailable() {
  return typeof globalThis.Chart === "function";
}

export function themeColors() {
  const style = getComputedStyle(document.documentElement);
  const v = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
  return { text: v("--muted", "#5b6678"), grid: v("--line", "#dde3ee"), ink: v("--text", "#172033") };
}

// Options shared by every chart. `y` gets the metric's own axis (see axis()).
function baseOptions() {
  const c = themeColors();
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: { legend: { display: false, labels: { color: c.text, boxWidth: 12 } }, tooltip: { intersect: false, mode: "index" } },
    scales: {
      x: { ticks: { color: c.text }, grid: { color: c.grid } },
      y: { ticks: { color: c.text }, grid: { color: c.grid }, beginAtZero: true },
    },
  };
}

// An axis that shows its metric whole: percentages 0..100, counts in whole steps, money and
// times from zero up to their largest value (Chart.js' grace keeps the top bar inside).
export function axis(kind) {
  const c = themeColors();
  const base = { ticks: { color: c.text }, grid: { color: c.grid }, beginAtZero: true, grace: "5%" };
  if (kind === "pct") return { ...base, min: 0, max: 100, grace: 0, ticks: { ...base.ticks, callback: (v) => `${v}%` } };
  if (kind === "count") return { ...base, ticks: { ...base.ticks, precision: 0 } };
  if (kind === "usd") return { ...base, ticks: { ...base.ticks, callback: (v) => `$${Number(v).toPrecision(2)}` } };
  if (kind === "ms") return { ...base, ticks: { ...base.ticks, callback: (v) => `${v} ms` } };
  return base;
}

// One chart on one canvas: update() replaces labels and datasets in place.
export class LiveChart {
  constructor(canvasId, type, options = {}) {
    this.canvas = document.getElementById(canvasId);
    const base = baseOptions();
    this.chart = new globalThis.Chart(this.canvas, {
      type,
      data: { labels: [], datasets: [] },
      options: { ...base, ...options, plugins: { ...base.plugins, ...(options.plugins || {}) }, scales: { ...base.scales, ...(options.scales || {}) } },
    });
  }

  // datasets: [{ label, data, ...style }]; same labels keep the same dataset objects.
  update(labels, datasets) {
    const chart = this.chart;
    chart.data.labels = labels;
    const keep = chart.data.datasets;
    chart.data.datasets = datasets.map((d, i) => (keep[i] && keep[i].label === d.label ? Object.assign(keep[i], d) : { ...d }));
    chart.update("none");
  }
}
