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

const rate = (value) => num(value);  // percentages, 0..100

export const PURPOSES = ["cache_fill", "model_request", "compare", "arena", "passthrough"];

// Spend from the LLM call ledger (docs/api.md "spend"): what upstream calls really cost.
function spendOf(sp) {
  const s = sp && typeof sp === "object" ? sp : {};
  const part = (p) => ({ calls: num(p?.calls) ?? 0, input_tokens: num(p?.input_tokens) ?? 0,
    output_tokens: num(p?.output_tokens) ?? 0, cost_usd: num(p?.cost_usd) ?? 0 });
  return { ...part(s), failed_calls: num(s.failed_calls) ?? 0,
    by_purpose: Object.fromEntries(PURPOSES.map((k) => [k, part(s.by_purpose?.[k])])) };
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
    // Without votes there is no rate and no score (the API says 0; the page says "–").
    success_rate: total ? (num(r.success_rate) ?? (positive / total) * 100) : null,
    score: total ? (num(r.score) ?? positive - negative) : null,
    // No samples (only cached answers, or no votes) means no average, not 0 ms.
    avg_response_time_ms: r.response_time_samples === 0 ? null : num(r.avg_response_time_ms, r.avg_response_time),
    invocations,
    tokens: tokenCount(r.tokens ?? r.tokens_used),
    cost_usd: num(r.cost_usd, r.cost),
    cache_hits: hits,
    cache_hit_rate: invocations ? (rate(r.cache_hit_rate) ?? (hits !== null ? (hits / invocations) * 100 : null)) : null,
    avg_execution_ms: invocations ? num(r.avg_execution_ms) : null,
    spend: spendOf(r.spend),
  };
}

function list(value) {
  if (Array.isArray(value)) return value;
  if (value && typeof value === "object") return Object.entries(value).map(([k, v]) => ({ model: k, ...v }));
  return [];
}

function seriesPoint(p, bucketMs) {
  const t = p.t ?? p.time ?? p.start ?? p.bucket ?? p.timestamp;
  const d = t === undefined ? null : new Date(typeof t === "number" && t < 1e12 ? t * 1000 : t);
  // Labels as fine as the buckets: times within a day, dates beyond.
  const format = bucketMs && bucketMs < 86400000 && bucketMs * 30 <= 2 * 86400000
    ? { hour: "2-digit", minute: "2-digit" }
    : bucketMs && bucketMs >= 86400000 ? { month: "short", day: "numeric" }
      : { month: "short", day: "numeric", hour: "2-digit" };
  const label = d && !Number.isNaN(d.getTime()) ? d.toLocaleString([], format) : String(t ?? "");
  const hits = num(p.cache_hits);
  const inv = num(p.invocations, p.requests);
  // A bucket without requests has no rate (a gap in the line), not 0 %.
  return { label, invocations: inv ?? 0, cache_hits: hits ?? 0,
    votes: (num(p.positive) ?? 0) + (num(p.negative) ?? 0),
    cache_hit_rate: rate(p.cache_hit_rate) ?? (hits !== null && inv ? (hits / inv) * 100 : null) };
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
    totals.score = totals.total ? totals.positive - totals.negative : null;
    totals.success_rate = totals.total ? (totals.positive / totals.total) * 100 : null;
  }
  const services = list(data.services ?? data.top_services).map((s) =>
    (typeof s === "string" ? { service: s, count: 1 } : { service: s.service ?? s.name ?? "", count: num(s.sayings, s.count, s.mentions) ?? 0 }));
  const rawSeries = data.series && !Array.isArray(data.series) ? data.series.buckets : data.series;
  const bucketMs = data.series && !Array.isArray(data.series) ? num(data.series.bucket_ms) : null;
  const series = (Array.isArray(rawSeries) ? rawSeries : []).map((p) => seriesPoint(p, bucketMs));
  return { models, totals, services, series, computed_at: data.computed_at ?? null };
}
