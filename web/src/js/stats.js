// Turns a GET /api/stats answer into the one shape the dashboard draws. Field names follow
// the API (docs/api.md); a few alternatives are accepted so a renamed field degrades to "–"
// rather than breaking the page.

const num = (...values) => {
  for (const v of values) if (v !== undefined && v !== null && !Number.isNaN(Number(v))) return Number(v);
  return null;
};

function tokenCount(t) {
  if (t === undefined || t === null) return null;
  if (typeof t === "number") return t;
  return num(t.total, (t.input ?? t.input_tokens ?? 0) + (t.output ?? t.output_tokens ?? 0));
}

function rate(value) {
  // Rates may come as 0..1 fractions or 0..100 percentages.
  const v = num(value);
  return v === null ? null : v <= 1 && v >= 0 && !Number.isInteger(v) ? v * 100 : v;
}

function row(r) {
  const positive = num(r.positive, r.upvotes, r.up) ?? 0;
  const negative = num(r.negative, r.downvotes, r.down) ?? 0;
  const total = num(r.total, r.votes) ?? positive + negative;
  const invocations = num(r.invocations, r.requests);
  const hits = num(r.cache_hits);
  return {
    model: r.model ?? r.model_id ?? r.id ?? "",
    provider: r.provider ?? "",
    positive,
    negative,
    total,
    success_rate: num(r.success_rate) ?? (total ? (positive / total) * 100 : null),
    score: num(r.score) ?? positive - negative,
    avg_response_time_ms: num(r.avg_response_time_ms, r.avg_response_time, r.average_response_time_ms),
    invocations,
    tokens: tokenCount(r.tokens ?? r.tokens_used),
    cost_usd: num(r.cost_usd, r.cost),
    cache_hit_rate: rate(r.cache_hit_rate) ?? (hits !== null && invocations ? (hits / invocations) * 100 : null),
  };
}

function list(value) {
  if (Array.isArray(value)) return value;
  if (value && typeof value === "object") return Object.entries(value).map(([k, v]) => ({ model: k, ...v }));
  return [];
}

function seriesPoint(p) {
  const t = p.t ?? p.time ?? p.start ?? p.bucket ?? p.timestamp;
  const d = t === undefined ? null : new Date(typeof t === "number" && t < 1e12 ? t * 1000 : t);
  const label = d && !Number.isNaN(d.getTime())
    ? d.toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }) : String(t ?? "");
  const hits = num(p.cache_hits);
  const inv = num(p.invocations, p.requests);
  return { label, cache_hit_rate: rate(p.cache_hit_rate) ?? (hits !== null && inv ? (hits / inv) * 100 : null) };
}

export function normaliseStats(raw) {
  const data = raw || {};
  const models = list(data.models ?? data.by_model ?? data.per_model).map(row)
    .sort((a, b) => (b.total - a.total) || ((b.invocations ?? 0) - (a.invocations ?? 0)) || a.model.localeCompare(b.model));
  const t = data.totals ?? data.total ?? {};
  const totals = row({ model: "", ...t });
  if (t.total === undefined && t.positive === undefined) {
    // No totals block: add the rows up.
    for (const k of ["positive", "negative", "total"]) totals[k] = models.reduce((s, r) => s + (r[k] || 0), 0);
    totals.score = totals.positive - totals.negative;
    totals.success_rate = totals.total ? (totals.positive / totals.total) * 100 : null;
  }
  const services = list(data.top_services ?? data.services).map((s) =>
    (typeof s === "string" ? { service: s, count: 1 } : { service: s.service ?? s.name ?? s.model ?? "", count: num(s.count, s.mentions) ?? 0 }));
  const series = list(data.series ?? data.time_series ?? data.timeseries).map(seriesPoint);
  return { models, totals, services, series, computed_at: data.computed_at ?? null };
}
