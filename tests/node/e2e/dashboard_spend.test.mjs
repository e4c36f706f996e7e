// Spend on the dashboard is the ledger's, and the ledger's is what the upstream reported: after
// comparisons (the Compare page's streamed one and a JSON one) against the fake LLM, each
// model's tokens and cost on the dashboard equal /api/stats "spend", whose tokens equal the
// usage the fake upstream sent, and whose cost is those tokens at the catalog's prices.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { json, screenshot, useStack } from "./harness.mjs";

// No cache builder: every upstream call is one the test asked for, so the sums are exact.
const CONFIG = "[stats]\ncache_ttl_ms = 0\n[cache]\nenabled = false\n";
const MODELS = ["claude-haiku-4-5", "claude-sonnet-4-5", "gpt-4.1", "gpt-4.1-mini"];

const text = (page, selector) => page.locator(selector).textContent();

describe("dashboard spend", () => {
  const stack = useStack({ fake: true, control: { reset: true }, config: CONFIG, viewport: { width: 1366, height: 900 } });

  test("per model, tokens and cost shown = /api/stats spend = what the fake upstream reported", async () => {
    // A streamed comparison from the Compare page...
    const compare = await stack.browser.page();
    await compare.goto(`${stack.server.url}/compare`);
    for (const id of MODELS) await compare.getByTestId(`pick-${id}`).waitFor();
    await compare.getByRole("button", { name: "Compare", exact: true }).click();
    await compare.locator("[data-testid=compare-card][data-state=pending]").first().waitFor({ state: "detached", timeout: 20000 });
    assert.equal(await compare.locator("[data-testid=compare-card][data-state=done]").count(), MODELS.length);
    // ...and a JSON one of two models.
    const r = await fetch(`${stack.server.url}/api/compare`, { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ models: ["claude-haiku-4-5", "gpt-4.1"] }) });
    assert.equal(r.status, 200);

    const upstream = (await stack.fake.stats()).usage_by_model;
    const stats = (await json(`${stack.server.url}/api/stats`)).body;
    const catalog = (await json(`${stack.server.url}/api/models`)).body.models;
    const page = await stack.browser.page();
    await page.goto(`${stack.server.url}/dashboard`);
    await page.waitForFunction(() => document.body.dataset.state === "loaded");
    await screenshot(page, "dashboard-spend");
    const shown = (model, col) => page.locator(`#stats-table tbody tr[data-model="${model}"] td[data-col="${col}"]`);
    for (const model of MODELS) {
      const spend = stats.models.find((m) => m.model === model).spend;
      const reported = upstream[model];
      assert.equal(spend.input_tokens, reported.input_tokens, `${model} input tokens`);
      assert.equal(spend.output_tokens, reported.output_tokens, `${model} output tokens`);
      assert.equal(spend.calls, model === "claude-haiku-4-5" || model === "gpt-4.1" ? 2 : 1, `${model} calls`);
      const prices = catalog.find((m) => m.id === model);
      const cost = reported.input_tokens * prices.input_cost_per_token + reported.output_tokens * prices.output_cost_per_token;
      assert.ok(Math.abs(spend.cost_usd - cost) < 1e-9, `${model} cost ${spend.cost_usd} vs ${cost}`);
      assert.equal(spend.by_purpose.compare.cost_usd, spend.cost_usd, `${model}: all of it was comparisons`);
      assert.equal(await shown(model, "input_tokens").textContent(), reported.input_tokens.toLocaleString("en-US"));
      assert.equal(await shown(model, "output_tokens").textContent(), reported.output_tokens.toLocaleString("en-US"));
      assert.equal(Number(await shown(model, "cost").getAttribute("data-value")), spend.cost_usd);
      assert.equal(await shown(model, "calls").textContent(), String(spend.calls));
    }
    // Spend by purpose: the comparisons are everything; the cache builder cost nothing.
    const total = stats.totals.spend;
    const purpose = (p, col) => text(page, `#purpose-table tr[data-purpose="${p}"] td[data-col="${col}"]`);
    assert.equal(Number(await page.locator('#purpose-table tr[data-purpose="compare"] td[data-col="cost"]').getAttribute("data-value")), total.cost_usd);
    assert.equal(await purpose("compare", "input_tokens"), total.input_tokens.toLocaleString("en-US"));
    assert.equal(await purpose("compare", "share"), "100%");
    assert.equal(await purpose("cache_fill", "cost"), "$0");
    assert.equal(await purpose("cache_fill", "calls"), "0");
    assert.equal(await text(page, "[data-tile=tokens]"), (total.input_tokens + total.output_tokens).toLocaleString("en-US"));
    // The spend charts draw the same numbers, in each model's colour.
    const chart = await page.evaluate(() => {
      const c = globalThis.Chart.getChart("chart-cost");
      return { labels: c.data.labels, data: c.data.datasets[0].data };
    });
    for (const model of MODELS) {
      const name = catalog.find((m) => m.id === model).display_name;
      assert.equal(chart.data[chart.labels.indexOf(name)], stats.models.find((m) => m.model === model).spend.cost_usd);
    }
    assert.deepEqual([...compare.problems, ...page.problems], []);
    await page.close();
    await compare.close();
  });
});
