// The home page in a real browser: Get Saying, keyboard use, phone width, and the friendly
// state when the service is gone.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, screenshot, startServer, useStack } from "./harness.mjs";

describe("home page", () => {
  const stack = useStack();

  test("Get Saying shows a saying with its model badge, source and numbers", async () => {
    const page = await stack.browser.page();
    await page.goto(`${stack.server.url}/`);
    await page.getByRole("button", { name: "Get Saying" }).click();
    const card = page.getByTestId("saying-card");
    await card.waitFor();
    const text = await page.getByTestId("saying-text").textContent();
    assert.ok(text.length > 20, `saying text: ${text}`);
    assert.match(await page.getByTestId("model-badge").textContent(), /\S/);
    assert.equal(await page.getByTestId("source-badge").textContent(), "From the store");
    assert.match(await page.getByTestId("latency").textContent(), /ms|s$/);
    // A second press replaces the card (one card at a time).
    await card.evaluate((node) => { node.dataset.old = "yes"; });
    await page.getByRole("button", { name: "Get Saying" }).click();
    await page.locator("[data-testid=saying-card]:not([data-old])").waitFor();
    assert.equal(await page.getByTestId("saying-card").count(), 1);
    await screenshot(page, "home");
    assert.deepEqual(page.problems, [], "no console errors or CSP violations");
    await page.close();
  });

  test("works from the keyboard alone", async () => {
    const page = await stack.browser.page();
    await page.goto(`${stack.server.url}/`);
    // Tab from the top: skip link, brand, three nav links, then the button.
    let focused = "";
    for (let i = 0; i < 10 && focused !== "get-saying"; i++) {
      await page.keyboard.press("Tab");
      focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
    }
    assert.equal(focused, "get-saying", "the Get Saying button is reachable with Tab");
    await page.keyboard.press("Enter");
    await page.getByTestId("saying-card").waitFor();
    // Focus stays on the button (a busy button is not disabled, which would drop focus).
    assert.equal(await page.evaluate(() => document.activeElement.id), "get-saying");
    // The vote buttons follow in tab order.
    for (let i = 0; i < 10 && focused !== "vote-up"; i++) {
      await page.keyboard.press("Tab");
      focused = await page.evaluate(() => document.activeElement && document.activeElement.dataset.testid);
    }
    assert.equal(focused, "vote-up", "the vote buttons are reachable with Tab");
    await page.close();
  });

  test("is readable at phone width (no sideways scrolling)", async () => {
    const phone = await stack.browser.context.newPage();
    await phone.setViewportSize({ width: 375, height: 740 });
    await phone.goto(`${stack.server.url}/`);
    await phone.getByRole("button", { name: "Get Saying" }).click();
    await phone.getByTestId("saying-card").waitFor();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
    const fontSize = await phone.getByTestId("saying-text").evaluate((n) => parseFloat(getComputedStyle(n).fontSize));
    assert.ok(fontSize >= 16, `saying font size ${fontSize}px`);
    await screenshot(phone, "home-phone");
    await phone.close();
  });
});

describe("home page with the service stopped", () => {
  test("shows the friendly unreachable state instead of breaking", async () => {
    const server = await startServer();
    const browser = await launchBrowser();
    try {
      const page = await browser.page();
      await page.goto(`${server.url}/`, { waitUntil: "networkidle" });  // the model list is in
      await server.stop();
      await page.getByRole("button", { name: "Get Saying" }).click();
      const noticeBox = page.getByTestId("notice-unreachable");
      await noticeBox.waitFor();
      assert.match(await noticeBox.textContent(), /can't reach the service/);
      assert.equal(await page.getByRole("button", { name: "Try again" }).count(), 1);
      assert.equal(await page.getByRole("button", { name: "Get Saying" }).isEnabled(), true);
      await screenshot(page, "home-unreachable");
      const unexpected = page.problems.filter((p) => !/^failed \/api\/sayings: net::ERR_CONNECTION_REFUSED$/.test(p));
      assert.deepEqual(unexpected, []);
    } finally {
      await browser.close();
      await server.stop();
    }
  });
});
