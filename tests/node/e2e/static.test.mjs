// How the program serves its pages: validators, cache rules, content types and the policy
// that lets only our own scripts and styles run.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "./harness.mjs";

describe("static files", () => {
  let server;
  before(async () => { server = await startServer(); });
  after(async () => { await server?.stop(); });

  test("pages are HTML with a strict policy, revalidated every time", async () => {
    for (const path of ["/", "/compare", "/dashboard", "/arena", "/help"]) {
      const r = await fetch(server.url + path);
      assert.equal(r.status, 200, path);
      assert.equal(r.headers.get("content-type"), "text/html; charset=utf-8");
      assert.equal(r.headers.get("cache-control"), "no-cache");
      const csp = r.headers.get("content-security-policy");
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /style-src 'self'(;|$)/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
      const html = await r.text();
      assert.doesNotMatch(html, /<script>(?!<\/script>)|<style|style=|onclick=/i, `${path} has no inline script or style`);
      assert.doesNotMatch(html, /\{\{ASSETS\}\}/);
    }
  });

  test("assets are fingerprinted, cached long, typed, and answer If-None-Match with 304", async () => {
    const html = await (await fetch(`${server.url}/dashboard`)).text();
    const urls = [...html.matchAll(/(?:src|href)="(\/assets\/[0-9a-f]{12}\/[^"]+)"/g)].map((m) => m[1]);
    assert.ok(urls.length >= 4, `assets referenced: ${urls}`);
    const types = { js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8", svg: "image/svg+xml" };
    for (const url of urls) {
      const r = await fetch(server.url + url);
      assert.equal(r.status, 200, url);
      assert.equal(r.headers.get("cache-control"), "public, max-age=31536000, immutable", url);
      assert.equal(r.headers.get("content-type"), types[url.split(".").pop()], url);
      const etag = r.headers.get("etag");
      assert.match(etag, /^"[0-9a-f]{16}"$/);
      const again = await fetch(server.url + url, { headers: { "If-None-Match": etag } });
      assert.equal(again.status, 304, url);
      assert.equal((await again.text()).length, 0);
    }
    // The chart library comes from npm through the build.
    assert.ok(urls.some((u) => u.endsWith("/vendor/chart.umd.min.js")));
  });

  test("a stale fingerprint still gets the file, but only with the short cache rule", async () => {
    const r = await fetch(`${server.url}/assets/000000000000/js/home.js`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("cache-control"), "no-cache");
  });

  test("unknown assets and pages are JSON 404s", async () => {
    for (const path of ["/assets/x/nope.js", "/assets/x/index.html", "/assets/", "/nope"]) {
      const r = await fetch(server.url + path);
      assert.equal(r.status, 404, path);
      assert.equal((await r.json()).error, "not_found");
    }
  });
});
