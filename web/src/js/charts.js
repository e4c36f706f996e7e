// Chart.js wrappers that are created once and then updated in place without animation, so
// the 30-second refresh never makes a chart flash. Chart.js comes from npm (web/package.json)
// and is loaded as a classic script before the modules; without it the tables still work.

const PALETTE = ["#2563eb", "#db2777", "#16a34a", "#ea580c", "#7c3aed", "#0891b2", "#ca8a04", "#64748b"];

export function chartsAvailable() {
  return typeof globalThis.Chart === "function";
}

function themeColors() {
  const style = getComputedStyle(document.documentElement);
  return { text: style.getPropertyValue("--muted").trim() || "#5b6678", grid: style.getPropertyValue("--line").trim() || "#dde3ee" };
}

export function colorFor(index) {
  return PALETTE[index % PALETTE.length];
}

function baseOptions(extra = {}) {
  const c = themeColors();
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: { legend: { labels: { color: c.text, boxWidth: 12 } }, tooltip: { intersect: false, mode: "index" } },
    scales: {
      x: { ticks: { color: c.text }, grid: { color: c.grid } },
      y: { ticks: { color: c.text }, grid: { color: c.grid }, beginAtZero: true },
    },
    ...extra,
  };
}

// One chart on one canvas: update() replaces labels and datasets' data in place.
export class LiveChart {
  constructor(canvasId, type, datasets, optionsFn = (o) => o) {
    this.canvas = document.getElementById(canvasId);
    this.chart = new globalThis.Chart(this.canvas, {
      type,
      data: { labels: [], datasets: datasets.map((d) => ({ ...d, data: [] })) },
      options: optionsFn(baseOptions()),
    });
  }

  update(labels, series, colors) {
    const chart = this.chart;
    chart.data.labels = labels;
    series.forEach((data, i) => {
      chart.data.datasets[i].data = data;
      if (colors && colors[i]) chart.data.datasets[i].backgroundColor = colors[i];
    });
    chart.update("none");
  }
}
