// The compare page never overstates: counts answers and failures apart, ranks only answers,
// marks the fastest and the cheapest by the API's own figures, says what went wrong in words
// (the raw upstream message only in a disclosure), can be cancelled, and refreshes model health
// when a comparison starts. Real service, fake LLM upstream, Chromium.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { json, launchBrowser, screenshot, startServer, useStack } from "./harness.mjs";

const MODELS = ["claude-haiku-4-5", "claude-sonnet-4-5", "gpt-4.1", "gpt-4.1-mini"];

// A loopback port nothing listens on: connecting to it fails at once ("Failed to connect").
async function closedPort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// The `result` events of a finished SSE response, as the API sent them.
function sseResults(text) {
  return text.split("\n\n").map((block) => {
    const name = /^event: (.*)$/m.exec(block)?.[1];
    const data = /^data: (.*)$/m.exec(block)?.[1];
    return name === "result" ? JSON.parse(data) : null;
  }).filter(Boolean);
}

async function openCompare(page, url) {
  await page.goto(`${url}/compare`);
  for (const id of MODELS) await page.getByTestId(`pick-${id}`).waitFor();
}

const compareButton = (page) => page.getByRole("button", { name: "Compare", exact: true });
const settled = (page) => page.locator("[data-testid=compare-card][data-state=pending]").first().waitFor({ state: "detached", timeout: 30000 });

describe("compare page when every model fails", () => {
  test("says 0 answered, 4 failed; no rank on a failed card; the raw error only in the disclosure", async () => {
    const port = await closedPort();
    const dead = `http://127.0.0.1:${port}`;
    const server = await startServer({ env: { ANTHROPIC_BASE_URL: dead, OPENAI_BASE_URL: `${dead}/v1`,
      ANTHROPIC_API_KEY: "sk-ant-test-FAKE-web-e2e", OPENAI_API_KEY: "sk-test-FAKE-web-e2e" } });
    const browser = await launchBrowser();
    try {
      const page = await browser.page();
      await openCompare(page, server.url);
      await compareButton(page).click();
      await settled(page);
      await page.getByText(/answered, .* failed in/).waitFor();
      assert.match(await page.locator("#status").textContent(), /^0 answered, 4 failed in [\d.]+ s\.$/);
      assert.equal(await page.locator("[data-testid=compare-card][data-state=error]").count(), 4);
      assert.equal(await page.getByTestId("rank").count(), 0, "no rank badge on a failed card");
      assert.equal(await page.getByTestId("rank-note").isVisible(), false);
      assert.equal(await page.getByTestId("pick-best").count(), 0);
      for (const card of await page.locator("[data-testid=compare-card]").all()) {
        assert.equal(await card.getByTestId("state-badge").textContent(), "Failed");
        assert.equal(await card.getByTestId("error-sentence").textContent(), "This server could not reach the provider.");
        // What a person sees (innerText skips a closed disclosure) has no raw upstream text.
        assert.doesNotMatch(await card.innerText(), /Failed to connect|Couldn't connect|127\.0\.0\.1|port/);
        const details = card.getByTestId("error-details");
        assert.match(await details.locator("code").textContent(), new RegExp(`^network: .*(Failed to connect|Couldn't connect).*${port}`));
        assert.equal(await details.locator("code").isVisible(), false);
      }
      const first = page.getByTestId("error-details").first();
      await first.locator("summary").click();
      assert.equal(await first.locator("code").isVisible(), true, "the detail is one click away");
      await screenshot(page, "compare-all-failed");
      assert.deepEqual(page.problems, []);
    } finally {
      await browser.close();
      await server.stop();
    }
  });
});

describe("compare page with a fake upstream", () => {
  const stack = useStack({ fake: true });

  test("ranks only answers, marks the fastest and the cheapest by the API's figures, aligns the metric rows", async () => {
    // The fastest is not the cheapest (gpt-4.1 costs most per token), and one model fails.
    await stack.fake.control({ reset: true, models: { "gpt-4.1": { latency_ms: 100 }, "gpt-4.1-mini": { latency_ms: 900 },
      "claude-haiku-4-5": { latency_ms: 500 }, "claude-sonnet-4-5": { status: 400 } } });
    const page = await stack.browser.page();
    await openCompare(page, stack.server.url);
    // The test reads the stream the page gets (passed through whole: Chromium does not keep
    // the body of a streamed fetch for the DevTools protocol).
    let streamed = "";
    await page.route("**/api/compare?*", async (route) => {
      const response = await route.fetch();
      streamed = await response.text();
      await route.fulfill({ response, body: streamed });
    });
    await compareButton(page).click();
    await settled(page);
    const results = sseResults(streamed);
    await screenshot(page, "compare-marks");
    assert.equal(results.length, 4);
    await page.getByText(/answered, .* failed in/).waitFor();
    assert.match(await page.locator("#status").textContent(), /^3 answered, 1 failed in [\d.]+ s\. Vote for the best one\.$/);

    const answers = results.filter((r) => r.ok);
    const fastest = Math.min(...answers.map((r) => r.latency_ms));
    const cheapest = Math.min(...answers.map((r) => r.cost_usd));
    const marked = async (mark) => page.$$eval(`[data-testid=compare-card]:has([data-testid=${mark}])`, (cards) => cards.map((c) => c.dataset.model).sort());
    assert.deepEqual(await marked("mark-fastest"), answers.filter((r) => r.latency_ms === fastest).map((r) => r.model).sort());
    assert.deepEqual(await marked("mark-cheapest"), answers.filter((r) => r.cost_usd === cheapest).map((r) => r.model).sort());
    assert.deepEqual(await marked("mark-fastest"), ["gpt-4.1"]);
    assert.notDeepEqual(await marked("mark-cheapest"), ["gpt-4.1"]);

    // Ranks 1..3 on the answers in the order they arrived; the failure has none.
    const ranks = Object.fromEntries(await page.$$eval("[data-testid=compare-card]", (cards) => cards.map((c) => [c.dataset.model, c.dataset.rank ?? null])));
    assert.deepEqual(ranks, Object.fromEntries(results.map((r, i) => [r.model, r.ok ? String(i + 1 - results.slice(0, i).filter((x) => !x.ok).length) : null])));
    assert.equal(ranks["claude-sonnet-4-5"], null);
    const failed = page.locator('[data-testid=compare-card][data-model="claude-sonnet-4-5"]');
    assert.equal(await failed.getByTestId("rank").count(), 0);
    assert.equal(await failed.getByTestId("error-sentence").textContent(), "The provider turned the request down.");
    assert.match(await page.getByTestId("rank-note").textContent(), /finishing order/);
    assert.equal(await page.getByTestId("rank-note").isVisible(), true);

    // Each card shows the API's own latency and cost.
    for (const r of results) {
      const card = page.locator(`[data-testid=compare-card][data-model="${r.model}"]`);
      assert.match(await card.getByTestId("latency").textContent(), /\d/);
      if (r.ok) assert.ok((await card.getByTestId("cost").textContent()).startsWith("$"));
    }
    // Side by side, the metric rows sit at the same height on every card, answer or failure.
    const tops = await page.$$eval("[data-testid=compare-card]", (cards) => cards.map((c) => ({
      card: Math.round(c.getBoundingClientRect().top),
      rows: ["latency", "tokens", "cost"].map((m) => Math.round(c.querySelector(`[data-testid=${m}]`).getBoundingClientRect().top)),
    })));
    assert.equal(new Set(tops.map((t) => t.card)).size, 1, "the four cards share one row at 1280 px");
    for (const t of tops) assert.deepEqual(t.rows, tops[0].rows);
    assert.deepEqual(page.problems, []);
    await page.close();
  });

  test("cancel stops every stopwatch and marks the cards left as cancelled", async () => {
    await stack.fake.control({ reset: true, latency_ms: 4000 });
    const page = await stack.browser.page();
    await page.clock.install();
    await openCompare(page, stack.server.url);
    await page.clock.pauseAt(Date.now() + 1000);
    await compareButton(page).click();
    const watches = page.getByTestId("stopwatch");
    await watches.first().waitFor();
    await page.clock.runFor(1500);
    assert.deepEqual(await watches.allTextContents(), MODELS.map(() => "1.5 s"), "the stopwatches run while waiting");
    const aborted = page.waitForEvent("requestfailed", (r) => new URL(r.url()).pathname === "/api/compare");
    await page.getByTestId("cancel-compare").click();
    assert.equal(await page.locator("[data-testid=compare-card][data-state=cancelled]").count(), 4);
    const stopped = await watches.allTextContents();
    await page.clock.runFor(3000);
    assert.deepEqual(await watches.allTextContents(), stopped, "no stopwatch moves after cancel");
    assert.match(await page.locator("#status").textContent(), /^Cancelled after 1\.50 s: 0 answered, 0 failed, 4 cancelled\.$/);
    assert.equal(await page.getByTestId("cancel-compare").isVisible(), false);
    for (const card of await page.locator("[data-testid=compare-card]").all())
      assert.equal(await card.getByTestId("state-badge").textContent(), "Cancelled");
    assert.equal((await aborted).failure()?.errorText, "net::ERR_ABORTED", "the stream itself was aborted");
    await screenshot(page, "compare-cancelled");
    assert.deepEqual(page.problems, []);
    await page.close();
  });

  test("model health is fetched again when a comparison starts", async () => {
    await stack.fake.control({ reset: true, models: { "gpt-4.1": { status: 500 } } });
    const page = await stack.browser.page();
    const modelCalls = [];
    page.on("request", (r) => { if (new URL(r.url()).pathname === "/api/models") modelCalls.push(r.url()); });
    await openCompare(page, stack.server.url);
    const label = page.getByTestId("health-gpt-4.1");
    assert.equal(await label.textContent(), "OpenAI", "not called yet: no health remark");
    // Between page load and compare, gpt-4.1 fails (someone else's comparison).
    const direct = await json(`${stack.server.url}/api/compare`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ models: ["gpt-4.1"] }) });
    assert.equal(direct.body.results[0].ok, false);
    const health = (await json(`${stack.server.url}/api/models`)).body.models.find((m) => m.id === "gpt-4.1").health;
    assert.ok(["degraded", "open"].includes(health), `the API says ${health}`);
    assert.equal(await label.textContent(), "OpenAI", "the page still shows what it loaded");
    // This comparison leaves gpt-4.1 out, so only a refresh on start can change its label.
    await page.getByTestId("pick-gpt-4.1").uncheck();
    await compareButton(page).click();
    await page.getByTestId("health-gpt-4.1").filter({ hasText: health === "open" ? "failing, paused" : "slow or erroring" }).waitFor();
    assert.equal(modelCalls.length, 2, "loaded once with the page, once when the comparison started");
    assert.equal(await page.getByTestId("pick-gpt-4.1").isChecked(), false, "the refresh keeps the person's choice");
    assert.equal(await page.getByTestId("pick-claude-haiku-4-5").isChecked(), true);
    await settled(page);
    assert.equal(await page.locator("[data-testid=compare-card]").count(), 3);
    assert.deepEqual(page.problems, []);
    await page.close();
  });
});
