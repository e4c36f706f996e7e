// Small DOM helpers and formatters shared by the pages. Everything is built with
// createElement/textContent: no innerHTML with data, no inline styles (CSP).

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function formatMs(ms) {
  if (ms === undefined || ms === null || Number.isNaN(Number(ms))) return "–";
  const n = Number(ms);
  if (n < 1) return `${n.toFixed(2)} ms`;
  if (n < 1000) return `${Math.round(n)} ms`;
  return `${(n / 1000).toFixed(n < 10000 ? 2 : 1)} s`;
}

export function formatCost(usd) {
  if (usd === undefined || usd === null) return "–";
  const n = Number(usd);
  if (n === 0) return "$0";
  // Small amounts keep three significant digits ($0.000175), never "$0.00000".
  if (n < 0.01) return `$${n.toLocaleString("en-US", { maximumSignificantDigits: 3, maximumFractionDigits: 12 })}`;
  return `$${n.toFixed(n < 10 ? 3 : 2)}`;
}

// HH:MM (24 h, the reader's time zone): when shown numbers were loaded.
export function formatClock(date) {
  return date.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
}

export function formatInt(n) {
  if (n === undefined || n === null) return "–";
  return Number(n).toLocaleString("en-US");
}

export function formatPct(p) {
  if (p === undefined || p === null || Number.isNaN(Number(p))) return "–";
  return `${Number(p).toFixed(Number(p) % 1 === 0 ? 0 : 1)}%`;
}

export const SOURCE_LABELS = {
  store: "From the store",
  cache: "From the cache",
  llm: "Fresh from the model",
  fallback: "Fallback",
};

export function sourceBadge(source) {
  return el("span", { class: `badge src-${source || "store"}`, "data-testid": "source-badge" },
    SOURCE_LABELS[source] || source || "unknown");
}

// A friendly state: { kind: "error" | "warn" | "empty" | "info", title, body: [nodes or text], actions: [nodes] }
export function notice({ kind = "info", title, body = [], actions = [], testid }) {
  return el("div", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status", "data-testid": testid || `notice-${kind}` },
    el("h2", { text: title }),
    ...[].concat(body).map((part) => (part instanceof Node ? part : el("p", { text: part }))),
    actions.length ? el("div", { class: "actions" }, ...actions) : null);
}

export function unreachableNotice(retry, what = "the Cloud Sayings service") {
  return notice({
    kind: "error",
    testid: "notice-unreachable",
    title: "We can't reach the service right now",
    body: [`The page could not get an answer from ${what}. It may be restarting, or your connection may be down.`,
      "Nothing is lost: try again in a moment."],
    actions: retry ? [el("button", { type: "button", class: "primary", onclick: retry }, "Try again")] : [],
  });
}

export function errorNotice(err, retry) {
  if (err && err.kind === "unreachable") return unreachableNotice(retry);
  return notice({
    kind: "error",
    testid: "notice-error",
    title: "Something went wrong",
    body: [err && err.message ? err.message : "The service answered with an error."],
    actions: retry ? [el("button", { type: "button", onclick: retry }, "Try again")] : [],
  });
}

// What a person sees when this server has no model switched on; the operator's how-to is one
// link away (/help), not on the page.
export function modelsOffText() {
  return el("span", { "data-testid": "models-off" }, "Models are switched off on this server, so here are sayings from the collection. ",
    el("a", { href: "/help", text: "Running this server? How to turn models on" }), ".");
}

export function modelLabel(model) {
  return (model && (model.display_name || model.name || model.id)) || "";
}
