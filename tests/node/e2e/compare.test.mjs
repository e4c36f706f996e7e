// The compare page in a real browser, against the real service and the fake LLM upstream.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, screenshot, startServer } from "./harness.mjs";

describe("compare page without keys", () => {
  test("says so to a person when no model is enabled; the operator's how-to is one link away", async () => {
    const server = await startServer();
    const browser = await launchBrowser();
    try {
      const page = await browser.page();
      await page.goto(`${server.url}/compare`);
      const box = page.getByTestId("notice-no-models");
      await box.waitFor();
      assert.match(await box.textContent(), /Models are switched off on this server/);
      assert.doesNotMatch(await box.textContent(), /API_KEY|environment/, "no developer talk on the page");
      assert.equal(await page.getByRole("button", { name: "Compare", exact: true }).isDisabled(), true);
      // Disabled models are shown greyed, with the reason.
      assert.equal(await page.locator(".model-option.disabled").count(), 4);
      assert.match(await page.locator(".model-option.disabled").first().textContent(), /no API key/);
      await screenshot(page, "compare-no-models");
      assert.deepEqual(page.problems, []);
      await box.getByRole("link", { name: /How to turn models on/ }).click();
      await page.waitForURL(/\/help$/);
      assert.match(await page.locator("main").textContent(), /ANTHROPIC_API_KEY/);
    } finally {
      await browser.close();
      await server.stop();
    }
  });
});
