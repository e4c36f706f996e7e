// The home page as a person sees it: the vote they chose looks chosen, and a server without
// keys says so in plain words (not "written by different LLMs", not environment variables).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, screenshot, startServer } from "./harness.mjs";

const look = (locator) => locator.evaluate((b) => {
  const s = getComputedStyle(b);
  return { opacity: s.opacity, background: s.backgroundColor, pressed: b.getAttribute("aria-pressed") };
});

describe("home page without keys", () => {
  test("speaks to a person, serves the collection, and the chosen vote looks chosen", async () => {
    const server = await startServer();
    const browser = await launchBrowser();
    try {
      const page = await browser.page();
      await page.goto(`${server.url}/`);
      await page.getByTestId("models-off").waitFor();
      const lead = await page.locator("#lead").textContent();
      assert.match(lead, /Models are switched off on this server, so here are sayings from the collection/);
      assert.doesNotMatch(lead, /written by different LLMs/);
      assert.equal(await page.locator("#lead a").getAttribute("href"), "/help");

      await page.getByRole("button", { name: "Get Saying" }).click();
      await page.getByTestId("saying-card").waitFor();
      const before = await look(page.getByTestId("vote-up"));
      await page.getByRole("button", { name: /^Yes/ }).click();  // the accessible name starts with the visible word
      await page.getByTestId("vote-thanks").waitFor();
      const chosen = await look(page.getByTestId("vote-up"));
      const other = await look(page.getByTestId("vote-down"));
      assert.equal(chosen.pressed, "true");
      assert.equal(other.pressed, "false");
      assert.equal(chosen.opacity, "1", "the chosen vote is not dimmed");
      assert.ok(Number(other.opacity) < 1, "the other one is");
      assert.notEqual(chosen.background, before.background, "the chosen vote is filled");
      await screenshot(page, "home-voted-no-keys");
      assert.deepEqual(page.problems, []);
    } finally {
      await browser.close();
      await server.stop();
    }
  });
});
