// The home card's money in a real browser, against the real service and the fake LLM: what this
// request cost (the model call it made, else $0) apart from what generating the saying cost,
// each exactly as the API answered; a model that cannot answer is a clear sentence, not a
// broken card; a marked store fallback says so.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { screenshot, startServer, useStack } from "./harness.mjs";

// "$" and every digit of the API's nano-dollar figure.
function usdText(v) {
  return v === 0 ? "$0" : `$${v.toFixed(9).replace(/0+$/, "").replace(/\.$/, "")}`;
}

describe("home card costs", () => {
  const stack = useStack({
    fake: true,
    // gpt-4.1-mini always fails (500), and one failure is enough to show the notice.
    control: { reset: true, models: { "gpt-4.1-mini": { status: 500 } } },
    // One batch fills a pool, so the second press is served from the cache.
    config: "[cache]\nlow_water = 1\nhigh_water = 2\n[llm]\nmax_attempts = 1\n",
  });

  async function press(page) {
    const answer = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/sayings");
    await page.getByRole("button", { name: "Get Saying" }).click();
    const response = await answer;
    return { status: response.status(), body: await response.json() };
  }

  test("the card shows this request's cost and the saying's cost as the API returned them", async () => {
    const page = await stack.browser.page();
    await page.goto(`${stack.server.url}/`);
    await page.locator('#model-select option[value="claude-haiku-4-5"]').waitFor({ state: "attached" });
    await page.locator("#model-select").selectOption("claude-haiku-4-5");

    const made = await press(page);
    assert.equal(made.status, 200);
    assert.equal(made.body.source, "llm");
    assert.ok(made.body.request_cost_usd > 0, JSON.stringify(made.body));
    assert.ok(made.body.saying_cost_usd > 0 && made.body.saying_cost_usd < made.body.request_cost_usd);
    await page.locator(`[data-testid=saying-card][data-saying-id="${made.body.id}"]`).waitFor();
    const requestCost = await page.getByTestId("request-cost").textContent();
    const sayingCost = await page.getByTestId("saying-cost").textContent();
    assert.equal(requestCost, usdText(made.body.request_cost_usd));
    assert.equal(sayingCost, usdText(made.body.saying_cost_usd));
    assert.equal(Number(requestCost.slice(1)), made.body.request_cost_usd, "no digit rounded away");
    await screenshot(page, "home-cost-made");

    const cached = await press(page);
    assert.equal(cached.body.source, "cache");
    assert.equal(cached.body.request_cost_usd, 0);
    await page.locator(`[data-testid=saying-card][data-saying-id="${cached.body.id}"]`).waitFor();
    assert.equal(await page.getByTestId("request-cost").textContent(), "$0");
    assert.equal(await page.getByTestId("saying-cost").textContent(), usdText(cached.body.saying_cost_usd));
    assert.deepEqual(page.problems, [], "no console errors or CSP violations");
    await page.close();
  });

  test("a model that cannot answer is one clear sentence naming it, not a card", async () => {
    const page = await stack.browser.page();
    await page.goto(`${stack.server.url}/`);
    await page.locator('#model-select option[value="gpt-4.1-mini"]').waitFor({ state: "attached" });
    await page.locator("#model-select").selectOption("gpt-4.1-mini");
    const failed = await press(page);
    assert.equal(failed.status, 503);
    assert.equal(failed.body.error, "upstream_error");
    assert.equal(failed.body.model, "gpt-4.1-mini");
    const box = page.getByTestId("notice-model");
    await box.waitFor();
    const text = await box.textContent();
    assert.match(text, /No saying from .+ this time/);
    assert.match(text, /could not give us a saying right now\./);
    assert.equal(await page.getByTestId("saying-card").count(), 0);
    assert.equal(await page.getByRole("button", { name: "Try again" }).count(), 1);
    await screenshot(page, "home-model-error");
    assert.deepEqual(page.problems, ["503 /api/sayings"], "only the expected 503");
    await page.close();
  });

  test("a marked store fallback says so on the card", async () => {
    // This instance never generates on request: ?model= is answered from the store, marked.
    const store = await startServer({ env: stack.fake.serverEnv, config: "[cache]\nenabled = false\n" });
    try {
      const page = await stack.browser.page();
      await page.goto(`${store.url}/`);
      await page.locator('#model-select option[value="gpt-4.1"]').waitFor({ state: "attached" });
      await page.locator("#model-select").selectOption("gpt-4.1");
      const answer = await press(page);
      assert.equal(answer.status, 200);
      assert.equal(answer.body.requested_model, "gpt-4.1");
      assert.equal(answer.body.fallback_reason, "generation_disabled");
      await page.locator(`[data-testid=saying-card][data-saying-id="${answer.body.id}"]`).waitFor();
      const note = await page.getByTestId("fallback-note").textContent();
      assert.match(note, /^You asked for GPT-4\.1, but this server does not generate sayings on request, so this saying comes from our store instead\.$/);
      assert.equal(await page.getByTestId("source-badge").textContent(), "From the store");
      assert.equal(await page.getByTestId("request-cost").textContent(), "$0");
      assert.deepEqual(page.problems, []);
      await page.close();
    } finally {
      await store.stop();
    }
  });
});
