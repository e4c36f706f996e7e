// A model's failure in words a person understands. The API reports the LLM error kind
// (src/llm/types.cpp kindName) and the upstream's technical message; the page leads with the
// sentence and keeps the message in a disclosure for whoever needs it.
import { el } from "./ui.js";

const SENTENCES = {
  timeout: "It took too long to answer, so we stopped waiting.",
  rate_limited: "It is being asked too often right now (the provider's limit or this server's budget). Try again in a little while.",
  overloaded: "It is too busy right now. Try again in a moment.",
  server_error: "The provider had a problem on its side.",
  upstream_error: "The provider had a problem on its side.",
  network: "This server could not reach the provider.",
  auth: "The provider did not accept this server's API key.",
  bad_response: "The provider's answer could not be read.",
  bad_request: "The provider turned the request down.",
  circuit_open: "It failed several times in a row, so calls to it are paused for a short while.",
  disabled: "It is switched off on this server.",
  shutting_down: "This server is restarting, so the call was stopped.",
  internal: "Something went wrong inside this server.",
  no_answer: "No answer arrived before the comparison ended.",
};

// { kind, message } from a compare result's `error` (an object, or a bare string from an
// older server).
export function errorParts(error, fallbackMessage = "") {
  if (!error) return null;
  if (typeof error === "string") return { kind: error.replaceAll(" ", "_"), message: fallbackMessage || error };
  return { kind: String(error.error || "unknown"), message: String(error.message || "") };
}

export function errorSentence(kind) {
  return SENTENCES[kind] || "The model did not answer.";
}

// The sentence, then the technical detail behind a <details> disclosure.
export function errorBlock(parts) {
  const detail = parts.message ? `${parts.kind}: ${parts.message}` : parts.kind;
  return el("div", { class: "card-error", "data-testid": "card-error", "data-kind": parts.kind },
    el("p", { class: "error-sentence", "data-testid": "error-sentence", text: errorSentence(parts.kind) }),
    el("details", { class: "tech", "data-testid": "error-details" },
      el("summary", { text: "Technical details" }),
      el("code", { text: detail })));
}
