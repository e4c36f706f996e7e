// The model catalog (GET /api/models), fetched once per page and shared by its modules;
// refreshModels() fetches it again (health changes while a page is open).
import { getJson } from "./api.js";

let catalog = [];
let pending = null;

const PROVIDER_NAMES = { anthropic: "Anthropic", openai: "OpenAI", corpus: "Original collection" };

// Accepts both a bare list and {"models": [...]}.
export function loadModels() {
  if (!pending) {
    pending = getJson("/api/models").then((data) => {
      catalog = Array.isArray(data) ? data : (data && Array.isArray(data.models) ? data.models : []);
      return catalog;
    });
    pending.catch(() => { pending = null; });  // a later call may try again
  }
  return pending;
}

export function refreshModels() {
  pending = null;
  return loadModels();
}

export function modelName(id) {
  if (id === "corpus") return "Original collection";
  const m = catalog.find((x) => x.id === id);
  return (m && (m.display_name || m.name)) || id || "unknown model";
}

export function providerName(provider) {
  return PROVIDER_NAMES[provider] || provider || "";
}

// One colour per model, the same on every chart, page and filter: a model's place in the
// catalog (GET /api/models lists it in config order, whatever the filter), else a hash of
// its id. Never the position in a sorted or filtered list. Each colour keeps 3:1 against both
// themes' card backgrounds (WCAG non-text contrast).
const PALETTE = ["#2f6fde", "#d9480f", "#2b8a3e", "#c2255c", "#7048e8", "#0b7285", "#a16207", "#b02a37",
  "#9c36b5", "#1c7ed6", "#e8590c", "#087f5b"];

function hashOf(id) {
  let h = 2166136261;
  for (const ch of id) h = Math.imul(h ^ ch.codePointAt(0), 16777619) >>> 0;
  return h;
}

export function modelColor(id) {
  if (id === "corpus") return "#6b7a8f";  // the original collection: a neutral grey
  const at = catalog.findIndex((m) => m.id === id);
  return PALETTE[(at >= 0 ? at : hashOf(String(id || ""))) % PALETTE.length];
}
