// Talking to the Cloud Sayings API. Every failure becomes an ApiError whose `kind` tells the
// pages which friendly state to show: "unreachable" (no answer at all) or "http" (an answer
// with an error status and, usually, our {"error", "message"} body).

export class ApiError extends Error {
  constructor(kind, message, { status = 0, code = "", body = null } = {}) {
    super(message);
    this.name = "ApiError";
    this.kind = kind;
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

const DEFAULT_TIMEOUT_MS = 20000;

async function request(path, { method = "GET", body, timeoutMs = DEFAULT_TIMEOUT_MS, headers = {} } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: { Accept: "application/json", ...(body !== undefined ? { "Content-Type": "application/json" } : {}), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: controller.signal,
      cache: "no-store",
    });
  } catch (err) {
    clearTimeout(timer);
    const timedOut = err && err.name === "AbortError";
    throw new ApiError("unreachable", timedOut ? "The service took too long to answer." : "The service could not be reached.");
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok) {
    const message = (data && data.message) || `The service answered ${response.status}.`;
    // A gateway in front of a stopped service answers 502/504 without our JSON: same as no answer.
    const kind = data === null && [502, 503, 504].includes(response.status) ? "unreachable" : "http";
    throw new ApiError(kind, message, { status: response.status, code: (data && data.error) || "", body: data });
  }
  return data;
}

export const getJson = (path, options) => request(path, options);
export const postJson = (path, body, options) => request(path, { ...options, method: "POST", body });

// Reads a Server-Sent Events response from fetch (EventSource cannot see status codes or our
// JSON errors, and would reconnect on its own). Calls onEvent(name, data) for each event.
export async function streamEvents(path, onEvent, { signal } = {}) {
  let response;
  try {
    response = await fetch(path, { headers: { Accept: "text/event-stream" }, signal, cache: "no-store" });
  } catch (err) {
    if (err && err.name === "AbortError") throw err;
    throw new ApiError("unreachable", "The service could not be reached.");
  }
  const type = response.headers.get("Content-Type") || "";
  if (!response.ok || !type.startsWith("text/event-stream")) {
    let data = null;
    try { data = await response.json(); } catch { data = null; }
    if (response.ok && data) {  // a server that answered in one JSON document instead
      onEvent("json", data);
      return;
    }
    throw new ApiError(data === null && response.status >= 502 ? "unreachable" : "http",
      (data && data.message) || `The service answered ${response.status}.`,
      { status: response.status, code: (data && data.error) || "", body: data });
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    let chunk;
    try {
      chunk = await reader.read();
    } catch (err) {
      if (err && err.name === "AbortError") throw err;
      throw new ApiError("unreachable", "The connection to the service was lost.");
    }
    if (chunk.done) break;
    buffer += chunk.value.replace(/\r\n?/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = "message";
      const lines = [];
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") name = value;
        else if (field === "data") lines.push(value);
      }
      if (lines.length === 0) continue;
      let data = lines.join("\n");
      try { data = JSON.parse(data); } catch { /* plain text data */ }
      onEvent(name, data);
    }
  }
}
