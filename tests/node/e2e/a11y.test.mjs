// Accessibility in CI: axe-core (pinned in tests/node/package.json) on every page, in light and
// dark, at 1366x900 and 390x844, in the states people see (a saying voted on, a comparison
// with a pick, one with a failed model, a dashboard with data, the arena's battle, reveal with a
// leaderboard, empty leaderboard and error states, the no-keys pages). Any serious or critical
// violation fails, with the rule, the nodes and how to fix it in the message.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { launchBrowser, screenshot, startFakeLlm, startServer } from "./harness.mjs";

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const MODES = [
  { name: "light-desktop", scheme: "light", viewport: { width: 1366, height: 900 } },
  { name: "dark-desktop", scheme: "dark", viewport: { width: 1366, height: 900 } },
  { name: "light-phone", scheme: "light", viewport: { width: 390, height: 844 } },
  { name: "dark-phone", scheme: "dark", viewport: { width: 390, height: 844 } },
];
// No call budget: every mode runs its comparisons (the default people's share is 30 a minute).
const CONFIG = "[stats]\ncache_ttl_ms = 0\n[budget]\nmax_calls_per_minute = 0\n";
let fakeLlm;  // started in before(); the failed-comparison state scripts a failure with it

// Runs axe in the page (evaluated through the DevTools protocol, so the pages' CSP stays on).
async function serious(page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(" ")}: ${n.failureSummary.replace(/\n/g, " ")}`).join("\n")}`);
}

// Each page in the state a person sees it in.
const PAGES = {
  home: async (page, url) => {
    await page.goto(`${url}/`);
    await page.getByRole("button", { name: "Get Saying" }).click();
    await page.getByTestId("saying-card").waitFor();
    await page.getByTestId("vote-up").click();
    await page.getByTestId("vote-thanks").waitFor();
  },
  compare: async (page, url) => {
    await page.goto(`${url}/compare`);
    await page.getByTestId("pick-gpt-4.1").waitFor();
    await page.getByRole("button", { name: "Compare", exact: true }).click();
    await page.locator("[data-testid=compare-card][data-state=pending]").first().waitFor({ state: "detached", timeout: 20000 });
    await page.getByTestId("pick-best").first().click();
    await page.getByText(/Your vote went to that answer only/).waitFor();
  },
  // One model fails: its card says so in words, the technical detail disclosed; the others are
  // ranked and marked fastest and cheapest.
  "compare-failed": async (page, url) => {
    await fakeLlm.control({ models: { "claude-sonnet-4-5": { status: 400 } } });
    await page.goto(`${url}/compare`);
    await page.getByTestId("pick-gpt-4.1").waitFor();
    await page.getByRole("button", { name: "Compare", exact: true }).click();
    await page.locator("[data-testid=compare-card][data-state=pending]").first().waitFor({ state: "detached", timeout: 20000 });
    await page.getByTestId("error-details").first().locator("summary").click();
    await page.getByTestId("mark-fastest").first().waitFor();
    await fakeLlm.control({ reset: true });
  },
  // The arena: a battle over an empty leaderboard, then the reveal with the leaderboard drawn.
  "arena-battle": async (page, url) => {
    await page.goto(`${url}/arena`);
    await page.locator("#battle[data-state=battle]").waitFor();
    await page.locator("#leaderboard[data-state=empty], #leaderboard[data-state=loaded]").waitFor();
  },
  "arena-revealed": async (page, url) => {
    await page.goto(`${url}/arena`);
    await page.locator("#battle[data-state=battle]").waitFor();
    await page.getByRole("button", { name: "A is better" }).click();
    await page.locator("#battle[data-state=revealed]").waitFor();
    await page.locator("#leaderboard[data-state=loaded]").waitFor();
  },
  // Neither the battle nor the leaderboard can be fetched.
  "arena-error": async (page, url) => {
    await page.route("**/api/arena/battles", (route) => route.abort("connectionrefused"));
    await page.route("**/api/leaderboard", (route) => route.abort("connectionrefused"));
    await page.goto(`${url}/arena`);
    await page.locator("#battle[data-state=error]").waitFor();
    await page.locator("#leaderboard[data-state=error]").waitFor();
  },
  dashboard: async (page, url) => {
    await page.goto(`${url}/dashboard`);
    await page.waitForFunction(() => document.body.dataset.state === "loaded");
  },
  help: async (page, url) => {
    await page.goto(`${url}/help`);
    await page.getByRole("heading", { level: 1 }).waitFor();
  },
};
const NO_KEYS = {
  "home-no-keys": async (page, url) => {
    await page.goto(`${url}/`);
    await page.getByTestId("models-off").waitFor();
    await page.getByRole("button", { name: "Get Saying" }).click();
    await page.getByTestId("saying-card").waitFor();
  },
  "compare-no-keys": async (page, url) => {
    await page.goto(`${url}/compare`);
    await page.getByTestId("notice-no-models").waitFor();
  },
  // No models: the arena says so; the leaderboard is empty.
  "arena-no-keys": async (page, url) => {
    await page.goto(`${url}/arena`);
    await page.getByTestId("notice-no-models").waitFor();
    await page.locator("#leaderboard[data-state=empty]").waitFor();
  },
  "dashboard-empty": async (page, url) => {
    await page.goto(`${url}/dashboard?range=1h&model=gpt-4.1`);  // no keys: no call, no saying of it
    await page.getByTestId("notice-empty").waitFor();
  },
};

async function check(browser, url, pages, t) {
  const found = [];
  for (const mode of MODES) {
    for (const [name, open] of Object.entries(pages)) {
      const page = await browser.context.newPage();
      await page.setViewportSize(mode.viewport);
      await page.emulateMedia({ colorScheme: mode.scheme });
      await open(page, url);
      await screenshot(page, `a11y-${name}-${mode.name}`);
      for (const v of await serious(page)) found.push(`${name} ${mode.name}: ${v}`);
      await page.close();
    }
  }
  t.diagnostic(`${Object.keys(pages).length * MODES.length} page states checked`);
  assert.deepEqual(found, [], found.join("\n\n"));
}

describe("accessibility (axe-core)", () => {
  let fake;
  let server;
  let bare;
  let browser;
  before(async () => {
    fake = await startFakeLlm();
    fakeLlm = fake;
    await fake.control({ reset: true });
    server = await startServer({ config: CONFIG, env: fake.serverEnv });
    bare = await startServer({ config: CONFIG });
    // Some numbers for the dashboard's charts and table.
    await fetch(`${server.url}/api/compare`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await bare?.stop();
    await server?.stop();
    await fake?.stop();
  });

  test("no serious or critical violation on any page, light and dark, desktop and phone", async (t) => {
    await check(browser, server.url, PAGES, t);
  });

  test("nor on the pages of a server without keys, nor the empty dashboard", async (t) => {
    await check(browser, bare.url, NO_KEYS, t);
  });
});
