// The /arena page in a real browser against the real service (SQLite) and the fake LLM: a blind
// battle (no model named before the vote), the vote and its reveal, the next battle, a repeat
// vote, and the leaderboard as the API computed it.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { json, launchBrowser, screenshot, startFakeLlm, startServer, useStack } from "./harness.mjs";

// No call budget: the tests create more battles than the people's share allows in a minute.
const CONFIG = "[budget]\nmax_calls_per_minute = 0\n";
const PROVIDERS = { anthropic: "Anthropic", openai: "OpenAI" };

async function battleReady(page) {
  await page.waitForFunction(() => document.getElementById("battle").dataset.state === "battle");
  return page.locator("#battle").getAttribute("data-battle-id");
}

async function boardState(page, state) {
  await page.waitForFunction((s) => document.getElementById("leaderboard").dataset.state === s, state);
}

const isPath = (path, method) => (r) => new URL(r.url()).pathname === path && (!method || r.request().method() === method);
const battleResponse = (page) => page.waitForResponse(isPath("/api/arena/battles", "POST"));
const voteResponse = (page) => page.waitForResponse((r) => /^\/api\/arena\/battles\/[^/]+\/vote$/.test(new URL(r.url()).pathname));

describe("arena page", () => {
  const stack = useStack({ fake: true, control: { reset: true }, config: CONFIG });
  let names;  // every word that would name a model: ids, display names, providers
  let catalog;
  before(async () => {
    catalog = (await json(`${stack.server.url}/api/models`)).body.models;
    names = catalog.flatMap((m) => [m.id, m.display_name, m.provider, PROVIDERS[m.provider] || m.provider, m.upstream_model]);
  });

  // What the battle part of the page holds, markup and attributes included, plus what the tab
  // keeps: none of it may name a model before the vote.
  async function assertAnonymous(page, when) {
    const html = await page.locator("#battle").evaluate((s) => s.outerHTML);
    const kept = await page.evaluate(() => sessionStorage.getItem("cs-arena-battle") || "");
    for (const name of names) {
      const word = new RegExp(`\\b${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`, "i");
      assert.doesNotMatch(html, word, `${when}: the battle shows "${name}"`);
      assert.doesNotMatch(kept, word, `${when}: the tab keeps "${name}"`);
    }
    for (const s of ["a", "b"]) assert.equal(await page.getByTestId(`reveal-${s}`).isVisible(), false);
  }

  async function assertReveal(page, reveal) {
    for (const s of ["a", "b"]) {
      const m = catalog.find((x) => x.id === reveal[s].model);
      assert.equal(await page.getByTestId(`reveal-${s}`).getAttribute("data-model"), reveal[s].model);
      assert.equal(await page.getByTestId(`model-${s}`).textContent(), m.display_name);
      assert.equal(await page.getByTestId(`provider-${s}`).textContent(), PROVIDERS[reveal[s].provider]);
      assert.match(await page.getByTestId(`latency-${s}`).textContent(), reveal[s].latency_ms === null ? /^–$/ : /\d/);
      assert.match(await page.getByTestId(`cost-${s}`).textContent(), /^\$/);
    }
  }

  test("a battle: anonymous until the vote, the reveal names the API's two models, next loads a new battle", async () => {
    const page = await stack.browser.page();
    const first = battleResponse(page);
    await page.goto(`${stack.server.url}/arena`);
    const created = await (await first).json();
    assert.equal(await battleReady(page), created.battle_id);
    assert.equal(await page.getByTestId("text-a").textContent(), created.a.text);
    assert.equal(await page.getByTestId("text-b").textContent(), created.b.text);
    // No vote yet anywhere: the leaderboard says so (and so names no model either).
    await boardState(page, "empty");
    await page.getByTestId("notice-empty").waitFor();
    assert.equal(await page.locator("#board-data").isVisible(), false);
    await assertAnonymous(page, "before the first vote");
    await screenshot(page, "arena-battle");

    const voted = voteResponse(page);
    await page.getByRole("button", { name: "A is better" }).click();
    const reveal = await (await voted).json();
    assert.equal(reveal.counted, true);
    assert.notEqual(reveal.a.model, reveal.b.model, "two different models");
    await page.locator("#battle[data-state=revealed]").waitFor();
    await assertReveal(page, reveal);
    assert.match(await page.getByTestId("vote-result").textContent(), /^Your vote counted/);
    assert.equal(await page.getByTestId("vote-a").getAttribute("aria-pressed"), "true");
    // One's own vote is on the leaderboard at once.
    await boardState(page, "loaded");
    assert.match(await page.getByTestId("board-summary").textContent(), /^1 vote counted/);
    await screenshot(page, "arena-revealed");

    const second = battleResponse(page);
    await page.getByRole("button", { name: "Next battle" }).click();
    const next = await (await second).json();
    assert.notEqual(next.battle_id, created.battle_id);
    assert.equal(await battleReady(page), next.battle_id);
    assert.equal(await page.getByTestId("text-a").textContent(), next.a.text);
    assert.equal(await page.getByTestId("vote-a").isDisabled(), false);
    await assertAnonymous(page, "the next battle");
    assert.deepEqual(page.problems, []);
    await page.close();
  });

  test("a repeat vote on the same battle shows it was already counted, with the same reveal", async () => {
    const page = await stack.browser.page();
    await page.goto(`${stack.server.url}/arena`);
    const id = await battleReady(page);
    const firstVote = voteResponse(page);
    await page.getByRole("button", { name: "It's a tie" }).click();
    const reveal = await (await firstVote).json();
    assert.equal(reveal.counted, true);
    // A reload keeps this tab's battle (no skipping by reloading), anonymous again.
    await page.reload();
    assert.equal(await battleReady(page), id);
    await assertAnonymous(page, "after a reload");
    const repeat = voteResponse(page);
    await page.getByRole("button", { name: "B is better" }).click();
    const again = await (await repeat).json();
    assert.equal(again.counted, false);
    await page.locator("#battle[data-state=revealed]").waitFor();
    assert.match(await page.getByTestId("vote-result").textContent(), /^Already counted/);
    await assertReveal(page, reveal);
    await screenshot(page, "arena-repeat");
    assert.deepEqual(page.problems, []);
    await page.close();
  });

  test("the leaderboard shows one row per model the API returned, in its order, with its rank and interval", async () => {
    // Votes from many clients through the API. 12: the fake upstream's distinct sayings (the
    // store refuses duplicates) run out after a few dozen battles in one server's life.
    for (let i = 0; i < 12; i++) {
      const headers = { "Content-Type": "application/json", "X-Client-Id": `arena-e2e-client-${i}` };
      const battle = await json(`${stack.server.url}/api/arena/battles`, { method: "POST", headers, body: "{}" });
      assert.equal(battle.status, 201);
      const winner = ["a", "b", "tie", "a"][i % 4];
      const vote = await json(`${stack.server.url}/api/arena/battles/${battle.body.battle_id}/vote`, { method: "POST", headers, body: JSON.stringify({ winner }) });
      assert.equal(vote.status, 200);
    }
    const page = await stack.browser.page();
    await page.goto(`${stack.server.url}/arena`);
    await boardState(page, "loaded");
    const board = (await json(`${stack.server.url}/api/leaderboard`)).body;
    assert.ok(board.models.length >= 2);
    const rows = await page.$$eval("[data-testid=board-row]", (trs) => trs.map((tr) => ({
      model: tr.dataset.model,
      rank: tr.querySelector("[data-col=rank]").textContent,
      rating: tr.querySelector("[data-col=rating]").textContent,
      interval: tr.querySelector("[data-col=interval]").textContent,
      battles: tr.querySelector("[data-col=battles]").textContent,
    })));
    assert.deepEqual(rows, board.models.map((m) => ({ model: m.model, rank: String(m.rank), rating: String(Math.round(m.rating)),
      interval: `${Math.round(m.ci_low)} – ${Math.round(m.ci_high)}`, battles: String(m.battles) })));
    assert.match(await page.getByTestId("board-summary").textContent(), new RegExp(`^${board.votes} votes counted`));
    const lengthRows = await page.$$eval("[data-testid=length-row]", (trs) => trs.map((tr) => [tr.dataset.model, tr.querySelector("[data-col=place]").textContent]));
    assert.deepEqual(lengthRows, board.length_controlled.models.map((m) => [m.model, String(m.place)]));
    const bias = board.position_bias;
    assert.match(await page.getByTestId("position-bias").textContent(), bias.decisive_votes
      ? new RegExp(`saying A won ${(bias.a_win_share * 100).toFixed(1)} % of the ${bias.decisive_votes} decisive votes`) : /no decisive vote/);
    assert.match(await page.getByTestId("board-method").textContent(), new RegExp(`${board.method.resamples} bootstrap resamples`));
    // The interval chart is drawn from the same rows (Chart.js, from web/node_modules).
    assert.equal(await page.locator("#board-chart").isVisible(), true);
    const drawn = await page.evaluate(() => {
      const chart = globalThis.Chart.getChart("chart-ratings");
      return { labels: chart.data.labels.length, intervals: chart.data.datasets[0].data, ratings: chart.data.datasets[1].data };
    });
    assert.equal(drawn.labels, board.models.length);
    assert.deepEqual(drawn.intervals, board.models.map((m) => [m.ci_low, m.ci_high]));
    assert.deepEqual(drawn.ratings, board.models.map((m) => m.rating));
    await screenshot(page, "arena-leaderboard");
    assert.deepEqual(page.problems, []);
    await page.close();
  });
});

describe("arena page on a server without keys", () => {
  test("says the arena needs models; the leaderboard is empty, not an error; every page links here", async () => {
    const server = await startServer();
    const browser = await launchBrowser();
    try {
      const page = await browser.page();
      await page.goto(`${server.url}/arena`);
      await page.getByTestId("notice-no-models").waitFor();
      assert.equal(await page.locator("#battle").getAttribute("data-state"), "error");
      for (const s of ["a", "b", "tie", "both_bad"]) assert.equal(await page.getByTestId(`vote-${s}`).isDisabled(), true);
      await boardState(page, "empty");
      // The battle's 503 is the one failed request, and the page handled it.
      assert.deepEqual(page.problems, ["503 /api/arena/battles"]);
      // Every page's navigation leads here.
      for (const path of ["/", "/compare", "/dashboard", "/help"]) {
        const from = await browser.page();
        await from.goto(`${server.url}${path}`);
        await from.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Arena" }).click();
        await from.waitForURL(/\/arena$/);
        await from.close();
      }
    } finally {
      await browser.close();
      await server.stop();
    }
  });
});

describe("arena leaderboard refresh", () => {
  test("a failed refresh keeps the rows and says since when they are", async () => {
    const fake = await startFakeLlm();
    const server = await startServer({ config: CONFIG, env: fake.serverEnv });
    const browser = await launchBrowser();
    try {
      const headers = { "Content-Type": "application/json", "X-Client-Id": "arena-e2e-refresh" };
      const battle = await json(`${server.url}/api/arena/battles`, { method: "POST", headers, body: "{}" });
      await json(`${server.url}/api/arena/battles/${battle.body.battle_id}/vote`, { method: "POST", headers, body: '{"winner":"a"}' });
      const page = await browser.page();
      await page.clock.install();
      await page.goto(`${server.url}/arena`);
      await boardState(page, "loaded");
      const rows = await page.getByTestId("board-row").allTextContents();
      const clock = /^Updated (\d\d:\d\d)$/.exec(await page.getByTestId("board-updated").textContent())[1];
      await page.route("**/api/leaderboard", (route) => route.abort("connectionrefused"));
      await page.clock.fastForward(31000);
      const box = page.getByTestId("notice-stale");
      await box.waitFor();
      assert.match(await box.textContent(), new RegExp(`Could not refresh: showing data from ${clock}`));
      assert.deepEqual(await page.getByTestId("board-row").allTextContents(), rows, "the rows stay");
      await screenshot(page, "arena-refresh-failed");
      await page.unroute("**/api/leaderboard");
      await box.getByRole("button", { name: "Try again" }).click();
      await box.waitFor({ state: "detached" });
      assert.deepEqual(page.problems.filter((p) => !p.startsWith("failed /api/leaderboard")), []);
    } finally {
      await browser.close();
      await server.stop();
      await fake.stop();
    }
  });
});
