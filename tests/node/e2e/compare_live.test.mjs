// The compare page in a real browser, against the real service and the fake LLM upstream.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { hasEndpoint, screenshot, useStack } from "./harness.mjs";

// Four models with clearly different latencies; the order they were asked in is not the
// order they finish in.
// Finishing order is asserted: gaps of 600 ms keep it the latencies' order under a loaded CI machine
// (200 ms once let a busy scheduler swap the two fastest).
const LATENCY = { "gpt-4.1": 1950, "claude-haiku-4-5": 150, "gpt-4.1-mini": 1350, "claude-sonnet-4-5": 750 };

describe("compare page", () => {
  const stack = useStack({
    fake: true,
    control: { reset: true, models: Object.fromEntries(Object.entries(LATENCY).map(([m, ms]) => [m, { latency_ms: ms }])) },
  });
  let available = false;
  before(async () => {
    available = await hasEndpoint(`${stack.server.url}/api/compare?models=none`);
  });

  test("four models: cards fill in as each finishes, in finishing order", async (t) => {
    if (!available) return t.skip("GET /api/compare is not there yet (issue 4)");
    const page = await stack.browser.page();
    await page.goto(`${stack.server.url}/compare`);
    for (const id of Object.keys(LATENCY)) await page.getByTestId(`pick-${id}`).waitFor();
    // Record when each card leaves its waiting state, as the browser sees it.
    await page.evaluate(() => {
      window.filled = [];
      new MutationObserver(() => {
        for (const card of document.querySelectorAll("[data-testid=compare-card]"))
          if (card.dataset.state !== "pending" && !window.filled.includes(card.dataset.model)) window.filled.push(card.dataset.model);
      }).observe(document.getElementById("cards"), { subtree: true, attributes: true, childList: true });
    });
    await page.getByRole("button", { name: "Compare", exact: true }).click();
    // While the slowest model still works, the fastest one is already shown.
    await page.locator('[data-model="claude-haiku-4-5"][data-state="done"]').waitFor();
    assert.equal(await page.locator('[data-model="gpt-4.1"]').getAttribute("data-state"), "pending");
    await page.locator('[data-testid=compare-card][data-state="pending"]').first().waitFor({ state: "detached", timeout: 15000 });
    const expected = Object.entries(LATENCY).sort((a, b) => a[1] - b[1]).map(([m]) => m);
    assert.deepEqual(await page.evaluate(() => window.filled), expected);
    const ranks = await page.$$eval("[data-testid=compare-card]", (cards) => cards.map((c) => [c.dataset.model, c.dataset.rank]));
    assert.deepEqual(Object.fromEntries(ranks), Object.fromEntries(expected.map((m, i) => [m, String(i + 1)])));
    for (const m of expected) {
      const card = page.locator(`[data-testid=compare-card][data-model="${m}"]`);
      assert.ok((await card.getByTestId("saying-text").count()) >= 1, `${m} shows its saying`);
      assert.match(await card.getByTestId("latency").textContent(), /\d/);
    }
    await page.getByText(/^4 answered, 0 failed in [\d.]+ s\./).waitFor();  // failures are counted apart
    await screenshot(page, "compare");
    assert.deepEqual(page.problems, []);
    await page.close();
  });

  test("voting for the best answer records an up-vote for that saying only", async (t) => {
    if (!available) return t.skip("GET /api/compare is not there yet (issue 4)");
    const page = await stack.browser.page();
    await page.goto(`${stack.server.url}/compare`);
    await page.getByTestId("pick-gpt-4.1").uncheck();
    await page.getByTestId("pick-claude-sonnet-4-5").uncheck();
    await page.getByRole("button", { name: "Compare", exact: true }).click();
    await page.locator("[data-testid=compare-card][data-state=pending]").first().waitFor({ state: "detached", timeout: 15000 });
    const feedback = [];
    page.on("request", (r) => { if (r.url().endsWith("/api/feedback")) feedback.push(r.postDataJSON()); });
    const card = page.locator('[data-testid=compare-card][data-model="claude-haiku-4-5"]');
    await card.getByTestId("pick-best").first().click();
    await page.getByText(/Your vote went to that answer only/).waitFor();
    assert.equal(feedback.length, 1);
    assert.equal(feedback[0].vote, "up");
    assert.equal(await card.getAttribute("class"), "card picked");
    assert.deepEqual(page.problems, []);
    await page.close();
  });
});

