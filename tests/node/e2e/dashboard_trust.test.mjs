// A dashboard people can trust: a model keeps its colour whatever the filter, a failed refresh
// says since when the numbers are, another view's numbers never stay under a new filter, a
// fresh store shows dashes and a friendly text (not "0%"), the table fits a laptop and is
// one card per model on a phone.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, screenshot, startServer, useStack } from "./harness.mjs";

const CONFIG = "[stats]\ncache_ttl_ms = 0\n[cache]\nenabled = false\n";
const MODELS = ["claude-haiku-4-5", "claude-sonnet-4-5", "gpt-4.1", "gpt-4.1-mini"];

const loaded = (page) => page.waitForFunction(() => document.body.dataset.state === "loaded");

// label -> colour of every bar of a per-model chart, and of each legend entry of the purpose chart.
const chartColours = (page, id) => page.evaluate((canvasId) => {
  const c = globalThis.Chart.getChart(canvasId);
  return Object.fromEntries(c.data.labels.map((l, i) => [l, c.data.datasets[0].backgroundColor[i]]));
}, id);
const legendColours = (page, id) => page.evaluate((canvasId) => {
  const c = globalThis.Chart.getChart(canvasId);
  return Object.fromEntries(c.legend.legendItems.map((item) => [item.text, item.fillStyle]));
}, id);
const swatches = (page) => page.$$eval("#stats-table tbody tr", (rows) => Object.fromEntries(rows.map((r) =>
  [r.querySelector(".name").textContent, getComputedStyle(r.querySelector(".swatch")).backgroundColor])));
const rgb = (hex) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(", ")})`;

describe("dashboard trust, with data", () => {
  const stack = useStack({ fake: true, control: { reset: true }, config: CONFIG, viewport: { width: 1366, height: 900 } });
  before(async () => {
    const r = await fetch(`${stack.server.url}/api/compare`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ models: MODELS }) });
    assert.equal(r.status, 200);
  });

  test("a model keeps its colour under a provider filter, on every chart, legend and swatch", async () => {
    const page = await stack.browser.page();
    await page.goto(`${stack.server.url}/dashboard`);
    await loaded(page);
    const all = await chartColours(page, "chart-cost");
    assert.equal(Object.keys(all).length, MODELS.length, JSON.stringify(all));
    assert.equal(new Set(Object.values(all)).size, MODELS.length, "one colour per model");
    for (const id of ["chart-success", "chart-latency", "chart-tokens"]) {
      const colours = await chartColours(page, id);
      for (const [name, colour] of Object.entries(colours)) assert.equal(colour, all[name], `${id}: ${name}`);
    }
    const legend = await legendColours(page, "chart-purpose");
    for (const [name, colour] of Object.entries(legend)) assert.equal(colour, all[name], `legend of ${name}`);
    for (const [name, colour] of Object.entries(await swatches(page))) assert.equal(colour, rgb(all[name]), `swatch of ${name}`);

    await page.getByLabel("Provider").selectOption("openai");
    await page.waitForFunction(() => globalThis.Chart.getChart("chart-cost").data.labels.length === 2);
    await loaded(page);
    const openai = await chartColours(page, "chart-cost");
    assert.deepEqual(Object.keys(openai).sort(), ["GPT-4.1", "GPT-4.1 mini"]);
    for (const [name, colour] of Object.entries(openai)) assert.equal(colour, all[name], `${name} under the filter`);
    for (const [name, colour] of Object.entries(await legendColours(page, "chart-purpose"))) assert.equal(colour, all[name]);
    for (const [name, colour] of Object.entries(await swatches(page))) assert.equal(colour, rgb(all[name]));
    assert.deepEqual(page.problems, []);
    await page.close();
  });

  test("the per-model table fits 1366 px, every figure has a definition, columns sort", async () => {
    const page = await stack.browser.page();
    await page.goto(`${stack.server.url}/dashboard`);
    await loaded(page);
    // No votes yet: the vote charts say so instead of drawing empty axes; spend is drawn.
    assert.match(await page.getByTestId("empty-chart-success").textContent(), /No votes in this view yet/);
    assert.equal(await page.locator("#chart-success").isVisible(), false);
    assert.equal(await page.getByTestId("empty-chart-cost").isVisible(), false);
    assert.equal(await page.locator("#chart-cost").isVisible(), true);
    const overflow = await page.$eval("#stats-table", (t) => t.scrollWidth - t.parentElement.clientWidth);
    assert.ok(overflow <= 0, `table is ${overflow}px wider than its box`);
    const terms = await page.$$eval("#definitions dt", (dts) => dts.map((d) => d.textContent));
    for (const tile of await page.$$eval(".tile", (ts) => ts.map((t) => [t.querySelector(".k").textContent, t.title, t.getAttribute("aria-describedby")]))) {
      assert.ok(tile[1].length > 20, `${tile[0]} has a hover definition`);
      assert.ok(await page.locator(`#${tile[2]}`).count(), `${tile[0]} points at its footnote`);
    }
    assert.ok(terms.includes("Success rate") && terms.includes("Score") && terms.includes("Model time"), terms.join());
    assert.match(await page.locator("#def-model-time + dd").textContent(), /not what people waited/);
    await page.locator("#stats-table thead button", { hasText: "Cost" }).click();
    const costs = await page.$$eval("#stats-table tbody td[data-col=cost]", (tds) => tds.map((td) => Number(td.dataset.value)));
    assert.deepEqual(costs, [...costs].sort((a, b) => b - a), "sorted by cost, largest first");
    assert.equal(await page.locator("#stats-table th[data-col=cost]").getAttribute("aria-sort"), "descending");
    await page.close();
  });

  test("a failed refresh says since when the numbers are, and keeps them", async () => {
    const page = await stack.browser.page();
    await page.clock.install();
    await page.goto(`${stack.server.url}/dashboard`);
    await loaded(page);
    const before = await page.locator("[data-tile=cost]").textContent();
    // When the numbers were loaded, as the page said then (HH:MM).
    const clock = /^Updated (\d\d:\d\d)/.exec(await page.locator("#updated").textContent())[1];
    await page.route("**/api/stats*", (route) => route.abort("connectionrefused"));
    await page.clock.fastForward(31000);
    const box = page.getByTestId("notice-stale");
    await box.waitFor();
    assert.match(await box.textContent(), new RegExp(`Could not refresh: showing data from ${clock}`));
    assert.equal(await page.locator("[data-tile=cost]").textContent(), before, "the numbers of this view stay");
    await screenshot(page, "dashboard-refresh-failed");
    // Back online: the next refresh clears the notice.
    await page.unroute("**/api/stats*");
    await page.getByRole("button", { name: "Try again" }).click();
    await box.waitFor({ state: "detached" });
    await page.close();
  });

  test("is one card per model on a phone (390 px)", async () => {
    const page = await stack.browser.context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${stack.server.url}/dashboard`);
    await loaded(page);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), "no sideways scrolling");
    assert.equal(await page.locator("#stats-table thead").isVisible(), false, "no column headers on a phone");
    const card = await page.$eval(`#stats-table tbody tr[data-model="gpt-4.1"]`, (tr) => {
      const cost = tr.querySelector("td[data-col=cost]");
      const box = tr.getBoundingClientRect();
      return { display: getComputedStyle(tr).display, label: getComputedStyle(cost, "::before").content, width: box.width,
        inside: [...tr.cells].every((c) => { const r = c.getBoundingClientRect(); return r.left >= box.left - 1 && r.right <= box.right + 1; }) };
    });
    assert.equal(card.display, "grid");
    assert.equal(card.label, '"Cost"', "each number keeps its label");
    assert.ok(card.inside && card.width <= 390, JSON.stringify(card));
    // Sorting without the hidden headers: the select above the cards.
    await page.getByLabel("Sort by").selectOption("cost");
    const costs = await page.$$eval("#stats-table tbody td[data-col=cost]", (tds) => tds.map((td) => Number(td.dataset.value)));
    assert.deepEqual(costs, [...costs].sort((a, b) => b - a), "cards sorted by cost");
    await screenshot(page, "dashboard-phone-cards");
    await page.close();
  });
});

describe("dashboard trust, without data or service", () => {
  test("a fresh store: dashes and a friendly text, not 0 %; a stopped service: no old numbers under a new filter", async () => {
    const server = await startServer({ config: CONFIG });
    const browser = await launchBrowser({ viewport: { width: 1366, height: 900 } });
    try {
      const page = await browser.page();
      await page.goto(`${server.url}/dashboard?range=all`);
      await loaded(page);
      await page.getByTestId("notice-empty").waitFor();
      assert.equal(await page.locator("[data-tile=success]").textContent(), "–");
      assert.equal(await page.locator("[data-tile=score]").textContent(), "–");
      assert.equal(await page.locator("[data-tile=cost]").textContent(), "–");
      assert.ok(await page.locator("#charts").isHidden(), "no empty axes");
      await screenshot(page, "dashboard-fresh-store");
      assert.deepEqual(page.problems, []);

      // A vote-free request still gives the view numbers; then the service stops.
      await fetch(`${server.url}/api/sayings`);
      await page.getByRole("radio", { name: "24 h" }).check({ force: true });
      await page.waitForFunction(() => document.querySelector("[data-tile=invocations]").textContent === "1");
      await server.stop();
      await page.locator(".range label", { hasText: "7 d" }).click();
      await page.getByTestId("notice-unreachable").waitFor();
      assert.equal(await page.locator("[data-tile=invocations]").textContent(), "–", "the 24 h numbers are gone");
      assert.equal(await page.locator("#stats-table tbody tr").count(), 0);
      assert.match(await page.getByTestId("notice-unreachable").textContent(), /No numbers are shown for these filters/);
      await screenshot(page, "dashboard-unreachable");
    } finally {
      await browser.close();
      await server.stop();
    }
  });
});
