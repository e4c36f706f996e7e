// Browser-test harness: the real `cloud-sayings` binary on a free loopback port, the fake LLM
// upstream when a test needs models, and Debian's chromium driven by playwright-core with a
// fresh profile. Everything a test starts, it stops (see `using`-style cleanup in each test).
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import readline from "node:readline";
import { after, before } from "node:test";
import { chromium } from "playwright-core";

export const BINARY = process.env.CS_BINARY;
export const ARTIFACTS = process.env.CS_ARTIFACTS || path.join(tmpdir(), "cs-e2e-artifacts");
export const CHROMIUM = process.env.CS_CHROMIUM || "/usr/bin/chromium";
export const FAKE_LLM = process.env.CS_FAKE_LLM || "";
// Pages read from a folder instead of the binary's (iterating on pages without a rebuild).
const ASSETS_DIR = process.env.CS_ASSETS_DIR || "";

if (!BINARY) throw new Error("CS_BINARY must name the cloud-sayings binary (CTest sets it)");
mkdirSync(ARTIFACTS, { recursive: true });

// Reads a child's JSON-lines stdout until `predicate(line)` returns a value; rejects on exit
// or after `timeoutMs`.
function waitForLine(child, predicate, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    const lines = [];
    const rl = readline.createInterface({ input: child.stdout });
    const timer = setTimeout(() => done(new Error(`${what} did not start in ${timeoutMs} ms:\n${lines.join("\n")}`)), timeoutMs);
    const onExit = (code) => done(new Error(`${what} exited (${code}) before it was ready:\n${lines.join("\n")}`));
    function done(err, value) {
      clearTimeout(timer);
      child.off("exit", onExit);
      rl.removeAllListeners("line");
      rl.on("line", () => {});  // keep draining so the child never blocks on a full pipe
      if (err) reject(err); else resolve(value);
    }
    child.on("exit", onExit);
    rl.on("line", (line) => {
      lines.push(line);
      const value = predicate(line);
      if (value !== undefined) done(null, value);
    });
  });
}

// SIGTERM, then the exit code: a graceful shutdown exits 0, and a sanitizer report (the
// presets abort on one) shows up here as a failure.
function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 15000);
    child.once("exit", (code, signal) => { clearTimeout(timer); resolve({ code, signal }); });
    child.kill("SIGTERM");
  });
}

const PASSED_ENV = ["PATH", "ASAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS", "LSAN_OPTIONS"];

// Starts the server. `config` is extra TOML appended to a test config; `env` adds variables.
export async function startServer({ config = "", env = {} } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), "cs-e2e-server-"));
  const configPath = path.join(dir, "config.toml");
  const web = ASSETS_DIR ? `[web]\nassets_dir = ${JSON.stringify(ASSETS_DIR)}\n` : "";
  writeFileSync(configPath, `[log]\naccess_log = false\n${web}${config}\n`);
  const child = spawn(BINARY, ["serve", "--host", "127.0.0.1", "--port", "0", "--config", configPath,
    "--store", `sqlite:${path.join(dir, "sayings.db")}`], {
    env: { ...Object.fromEntries(PASSED_ENV.filter((k) => process.env[k]).map((k) => [k, process.env[k]])), HOME: dir, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await waitForLine(child, (line) => {
    try {
      const j = JSON.parse(line);
      if (j.message === "Server listening") return j.extra_fields.port;
    } catch { /* not JSON */ }
    return undefined;
  }, 20000, "cloud-sayings");
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stopped: false,
    async stop() {
      if (this.stopped) return;
      this.stopped = true;
      const { code, signal } = await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0) throw new Error(`cloud-sayings exited with ${signal || code}, not 0`);
    },
  };
}

// The fake LLM upstream (tests/fakes/fake_llm) in its own process, scriptable through
// POST /_control (docs/testing.md). `serverEnv` points the service at it with test keys.
export async function startFakeLlm() {
  if (!FAKE_LLM) throw new Error("CS_FAKE_LLM must name the fake_llm program (CTest sets it)");
  const child = spawn(FAKE_LLM, ["--host", "127.0.0.1", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await waitForLine(child, (line) => {
    try {
      const j = JSON.parse(line);
      if (j.message === "Fake LLM listening") return j.extra_fields.port;
    } catch { /* not JSON */ }
    return undefined;
  }, 20000, "fake_llm");
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    serverEnv: {
      ANTHROPIC_BASE_URL: url,
      OPENAI_BASE_URL: `${url}/v1`,
      ANTHROPIC_API_KEY: "sk-ant-test-FAKE-web-e2e",
      OPENAI_API_KEY: "sk-test-FAKE-web-e2e",
    },
    async control(script) {
      const r = await fetch(`${url}/_control`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(script) });
      if (!r.ok) throw new Error(`fake_llm /_control answered ${r.status}`);
      return r.json().catch(() => null);
    },
    async stats() {
      return (await fetch(`${url}/_control`)).json();
    },
    async stop() {
      const { code, signal } = await stopChild(child);
      if (code !== 0) throw new Error(`fake_llm exited with ${signal || code}, not 0`);
    },
  };
}

// Debian's chromium with a fresh profile directory, removed on close.
export async function launchBrowser({ viewport = { width: 1280, height: 900 } } = {}) {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/setup.sh`);
  const profile = mkdtempSync(path.join(tmpdir(), "cs-e2e-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  return {
    context,
    // A page that records console errors and CSP violations, which no page may produce.
    async page() {
      const page = await context.newPage();
      page.problems = [];
      // Failed responses are recorded with their URL (the console only says "Failed to load").
      page.on("console", (msg) => {
        if (msg.type() === "error" && !msg.text().startsWith("Failed to load resource")) page.problems.push(msg.text());
      });
      page.on("response", (r) => { if (r.status() >= 400) page.problems.push(`${r.status()} ${new URL(r.url()).pathname}`); });
      // ERR_ABORTED is the page itself cancelling (a reload or navigation while a fetch is in
      // flight), not a failure; a server that dies is caught by its exit code instead.
      page.on("requestfailed", (r) => {
        const why = r.failure()?.errorText;
        if (why !== "net::ERR_ABORTED") page.problems.push(`failed ${new URL(r.url()).pathname}: ${why}`);
      });
      page.on("pageerror", (err) => page.problems.push(`uncaught: ${err.message}`));
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page, name) {
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export async function json(url, options = {}) {
  const response = await fetch(url, options);
  return { status: response.status, headers: response.headers, body: await response.json().catch(() => null) };
}

// True once the server has the endpoint (404 means another issue has not landed it yet; the
// tests that need it skip, and run as soon as it exists).
export async function hasEndpoint(url) {
  const r = await fetch(url);
  await r.body?.cancel();
  return r.status !== 404;
}

// The before/after pair every browser suite needs, registered in the calling describe(): the
// fake LLM when `fake` (reset to `control` when given), the server pointed at it with `config`,
// then a browser with `viewport`; after the suite, stopped in the reverse order. The handles
// are the returned object's `fake`, `server`, `browser` once before() has run. A suite's own
// before() registered after this one runs after it, with everything up.
export function useStack({ fake = false, control, config = "", viewport, browser = true } = {}) {
  const stack = {};
  before(async () => {
    if (fake) {
      stack.fake = await startFakeLlm();
      if (control) await stack.fake.control(control);
    }
    stack.server = await startServer({ config, env: stack.fake?.serverEnv ?? {} });
    if (browser) stack.browser = await launchBrowser(viewport ? { viewport } : {});
  });
  after(async () => {
    await stack.browser?.close();
    await stack.server?.stop();
    await stack.fake?.stop();
  });
  return stack;
}
