// docs/openapi.yaml cannot drift: real responses of a running server (every endpoint, its
// errors, JSON and Server-Sent Events, a server with keys on the fake LLM and one without)
// are validated against the document with Ajv (JSON Schema 2020-12, the dialect of OpenAPI
// 3.1). A response whose status or content type the document does not list fails, and so
// does a documented operation that no request here exercised.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import YAML from "yaml";
import { startFakeLlm, startServer } from "./harness.mjs";

const DOC_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../docs/openapi.yaml");
const doc = YAML.parse(readFileSync(DOC_PATH, "utf8"));
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ ...doc, $id: "openapi" });

const CONFIG = "[stats]\ncache_ttl_ms = 0\n[rate_limit]\nenabled = false\n";
const exercised = new Set();  // "METHOD path-template status"

const resolve = (obj) => (obj && obj.$ref ? obj.$ref.slice(2).split("/").reduce((o, k) => o[k.replace(/~1/g, "/")], doc) : obj);

function templateOf(pathname) {
  for (const template of Object.keys(doc.paths)) {
    const re = new RegExp(`^${template.replace(/\{path\}/g, ".+").replace(/\{[^}]+\}/g, "[^/]+")}$`);
    if (re.test(pathname)) return template;
  }
  return null;
}

// The schema of one response, or a failure saying what the document lacks.
function schemaFor(method, pathname, status, contentType) {
  const template = templateOf(pathname);
  assert.ok(template, `${pathname} is not in docs/openapi.yaml`);
  const op = doc.paths[template][method.toLowerCase()];
  assert.ok(op, `${method} ${template} is not in docs/openapi.yaml`);
  const response = resolve(op.responses[String(status)]);
  assert.ok(response, `${method} ${template} answered ${status}, which docs/openapi.yaml does not list`);
  exercised.add(`${method} ${template} ${status}`);
  if (!response.content) return null;
  const media = contentType.split(";")[0].trim();
  assert.ok(response.content[media], `${method} ${template} ${status} answered ${media}; documented: ${Object.keys(response.content)}`);
  const ref = ["paths", template, method.toLowerCase(), "responses", String(status)];
  const base = op.responses[String(status)].$ref ? op.responses[String(status)].$ref.slice(2).split("/") : ref;
  return `openapi#/${[...base, "content", media, "schema"].map((k) => k.replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`;
}

function check(what, schemaRef, value) {
  const validate = ajv.getSchema(schemaRef);
  assert.ok(validate, `no schema at ${schemaRef}`);
  assert.ok(validate(value), `${what}: ${ajv.errorsText(validate.errors, { separator: "\n" })}\n${JSON.stringify(value).slice(0, 600)}`);
}

// One request; its answer is validated against the document. Returns the parsed body.
async function call(base, method, pathAndQuery, { body, headers = {}, raw } = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = raw ? body : JSON.stringify(body);
    if (!init.headers["Content-Type"]) init.headers["Content-Type"] = "application/json";
  }
  const response = await fetch(`${base}${pathAndQuery}`, init);
  const type = response.headers.get("content-type") || "";
  const text = await response.text();
  const pathname = new URL(pathAndQuery, base).pathname;
  const ref = schemaFor(method, pathname, response.status, type);
  const value = type.startsWith("application/json") ? JSON.parse(text) : text;
  if (ref) check(`${method} ${pathAndQuery} ${response.status}`, ref, value);
  if (type.startsWith("text/event-stream")) {
    const events = text.split("\n\n").filter(Boolean).map((block) => {
      const name = /^event: (.*)$/m.exec(block)?.[1];
      return { name, data: JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? "null") };
    });
    for (const e of events) {
      assert.ok(["result", "done"].includes(e.name), `unknown SSE event ${e.name}`);
      check(`SSE ${e.name}`, `openapi#/components/schemas/${e.name === "result" ? "CompareResult" : "CompareDone"}`, e.data);
    }
    return { status: response.status, events };
  }
  return { status: response.status, body: value };
}

describe("docs/openapi.yaml against a running server", () => {
  let fake;
  let server;
  let bare;
  before(async () => {
    fake = await startFakeLlm();
    await fake.control({ reset: true });
    server = await startServer({ config: CONFIG, env: fake.serverEnv });
    bare = await startServer({ config: CONFIG });
  });
  after(async () => {
    await bare?.stop();
    await server?.stop();
    await fake?.stop();
  });

  test("sayings, models and comparisons (JSON and SSE)", async () => {
    const u = server.url;
    let saying;
    for (let i = 0; i < 6; i++) saying = (await call(u, "GET", "/api/sayings")).body;  // store, then the cache
    assert.equal((await call(u, "GET", "/api/sayings?model=gpt-4.1")).status, 200);
    assert.equal((await call(u, "GET", "/api/sayings?model=no-such-model")).status, 400);
    assert.equal((await call(u, "GET", "/api/models")).status, 200);
    assert.equal((await call(u, "GET", "/api/compare?models=gpt-4.1,claude-haiku-4-5&topic=Amazon%20S3")).status, 200);
    const sse = await call(u, "GET", "/api/compare?models=gpt-4.1-mini,claude-sonnet-4-5", { headers: { Accept: "text/event-stream" } });
    assert.deepEqual(sse.events.map((e) => e.name), ["result", "result", "done"]);
    assert.equal((await call(u, "POST", "/api/compare", { body: { models: ["gpt-4.1"], topic: null } })).status, 200);
    assert.equal((await call(u, "POST", "/api/compare", { body: { models: 5 } })).status, 400);
    assert.equal((await call(u, "GET", "/api/compare?models=no-such-model")).status, 400);
    assert.equal((await call(u, "GET", "/api/compare?topic=%3Cscript%3E")).status, 400);
    assert.equal((await call(u, "POST", "/api/compare", { body: "models", raw: true, headers: { "Content-Type": "text/plain" } })).status, 415);

    // Without keys: no model to compare, and a disabled model named.
    assert.equal((await call(bare.url, "GET", "/api/compare")).status, 503);
    assert.equal((await call(bare.url, "GET", "/api/sayings?model=gpt-4.1")).status, 400);
    assert.equal((await call(bare.url, "GET", "/api/sayings")).status, 200);
    assert.equal((await call(bare.url, "GET", "/api/models")).status, 200);

    // Votes.
    const headers = { "X-Client-Id": "openapi-client-1" };
    assert.equal((await call(u, "POST", "/api/feedback", { body: { saying_id: saying.id, vote: "up", execution_time: 12.5, original_llm_time: null, is_cached: true }, headers })).status, 201);
    assert.equal((await call(u, "POST", "/api/feedback", { body: { saying_id: saying.id, vote: "down" }, headers })).status, 200);
    assert.equal((await call(u, "POST", "/api/feedback", { body: { vote: "up" } })).status, 400);
    assert.equal((await call(u, "POST", "/api/feedback", { body: { saying_id: "no-such-saying", vote: "up" } })).status, 404);
    assert.equal((await call(u, "POST", "/api/feedback", { body: "{}", raw: true, headers: { "Content-Type": "text/plain" } })).status, 415);
    assert.equal((await call(u, "POST", "/api/feedback", { body: { saying_id: saying.id, vote: "up", pad: "x".repeat(5000) } })).status, 413);
  });

  test("stats, operations and pages", async () => {
    const u = server.url;
    for (const q of ["", "?from=24h", "?from=7d&provider=openai", "?model=gpt-4.1&to=now", "?from=2020-01-01"])
      assert.equal((await call(u, "GET", `/api/stats${q}`)).status, 200);
    assert.equal((await call(bare.url, "GET", "/api/stats?from=1h")).status, 200);
    assert.equal((await call(u, "GET", "/api/stats?from=yesterday")).status, 400);
    assert.equal((await call(u, "GET", "/metrics")).status, 200);
    assert.equal((await call(u, "GET", "/healthz")).status, 200);
    assert.equal((await call(u, "GET", "/readyz")).status, 200);
    for (const page of ["/", "/compare", "/dashboard", "/arena", "/help"]) {
      const html = (await call(u, "GET", page)).body;
      if (page === "/") {
        const css = /href="(\/assets\/[^"]+\.css)"/.exec(html)[1];
        const js = /src="(\/assets\/[^"]+\.js)"/.exec(html)[1];
        const svg = /href="(\/assets\/[^"]+\.svg)"/.exec(html)[1];
        for (const asset of [css, js, svg]) assert.equal((await call(u, "GET", asset)).status, 200);
        assert.equal((await call(u, "GET", css.replace("app.css", "nope.css"))).status, 404);
      }
    }
  });

  test("arena battles, votes and the leaderboard", async () => {
    const u = server.url;
    const battle = (await call(u, "POST", "/api/arena/battles", { body: {} })).body;
    const vote = `/api/arena/battles/${battle.battle_id}/vote`;
    const headers = { "X-Client-Id": "openapi-arena-1" };
    const first = await call(u, "POST", vote, { body: { winner: "a" }, headers });
    assert.equal(first.body.counted, true);
    const repeat = await call(u, "POST", vote, { body: { winner: "b" }, headers });
    assert.equal(repeat.body.counted, false);
    assert.deepEqual(repeat.body.a, first.body.a, "a repeat shows the same reveal");
    assert.equal((await call(u, "POST", vote, { body: { winner: "left" } })).status, 400);
    assert.equal((await call(u, "POST", vote, { body: "{}", raw: true, headers: { "Content-Type": "text/plain" } })).status, 415);
    assert.equal((await call(u, "POST", vote, { body: { winner: "a", pad: "x".repeat(5000) } })).status, 413);
    assert.equal((await call(u, "POST", "/api/arena/battles/no-such-battle/vote", { body: { winner: "a" } })).status, 404);
    assert.equal((await call(u, "POST", "/api/arena/battles", { body: { topic: "<script>" } })).status, 400);
    assert.equal((await call(u, "POST", "/api/arena/battles", { body: { pad: "x".repeat(5000) } })).status, 413);
    assert.equal((await call(u, "POST", "/api/arena/battles", { body: "{}", raw: true, headers: { "Content-Type": "text/plain" } })).status, 415);
    assert.equal((await call(bare.url, "POST", "/api/arena/battles", { body: {} })).status, 503);
    const board = (await call(u, "GET", "/api/leaderboard")).body;
    assert.equal(board.votes, 1);
    assert.equal(board.models.length, 2);
  });

  test("the OpenAI-compatible passthrough", async () => {
    const token = "test-FAKE-openapi-passthrough-0001";
    const pass = await startServer({ config: `${CONFIG}[passthrough]\nenabled = true\n`, env: { ...fake.serverEnv, CS_PASSTHROUGH_TOKEN: token } });
    try {
      const u = pass.url;
      const auth = { Authorization: `Bearer ${token}` };
      const chat = { model: "gpt-4.1-mini", messages: [{ role: "user", content: "A saying about S3." }] };
      const answer = await call(u, "POST", "/v1/chat/completions", { body: chat, headers: auth });
      assert.equal(answer.status, 200);
      assert.equal(answer.body.object, "chat.completion");
      assert.equal((await call(u, "POST", "/v1/chat/completions", { body: chat })).status, 401);
      assert.equal((await call(u, "POST", "/v1/chat/completions", { body: { ...chat, model: 7 }, headers: auth })).status, 400);
      assert.equal((await call(u, "POST", "/v1/chat/completions", { body: { ...chat, pad: "x".repeat(1100000) }, headers: auth })).status, 413);
      assert.equal((await call(u, "POST", "/v1/chat/completions", { body: "{}", raw: true, headers: { ...auth, "Content-Type": "text/plain" } })).status, 415);
      await fake.control({ models: { "gpt-4.1-mini": { status: 429 } } });
      assert.equal((await call(u, "POST", "/v1/chat/completions", { body: chat, headers: auth })).status, 429);
      await fake.control({ models: { "gpt-4.1-mini": { mode: "malformed_json", status: 200 } } });
      assert.equal((await call(u, "POST", "/v1/chat/completions", { body: chat, headers: auth })).status, 503);
      await fake.control({ reset: true });
    } finally {
      await pass.stop();
    }
  });

  test("every documented operation was exercised", () => {
    const missing = [];
    for (const [template, item] of Object.entries(doc.paths))
      for (const method of Object.keys(item))
        if (![...exercised].some((e) => e.startsWith(`${method.toUpperCase()} ${template} `))) missing.push(`${method.toUpperCase()} ${template}`);
    assert.deepEqual(missing, []);
  });
});
