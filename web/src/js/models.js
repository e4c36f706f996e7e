// The model catalog (GET /api/models), fetched once per page and shared by its modules.
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

export function modelName(id) {
  if (id === "corpus") return "Original collection";
  const m = catalog.find((x) => x.id === id);
  return (m && (m.display_name || m.name)) || id || "unknown model";
}

export function providerName(provider) {
  return PROVIDER_NAMES[provider] || provider || "";
}
