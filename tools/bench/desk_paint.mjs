#!/usr/bin/env node
// The desk as a supervisor sees it, for `vigil-bench desk --paint`: Debian's Chromium signs in to
// a running server's dashboard and loads the review queue and a nominal's page again and again,
// timing in the page itself (the Performance API, so none of the driver's own delay counts):
//   first paint  from the navigation's start to the first contentful paint;
//   drawn        the review queue: from the navigation's start to the first frame with its items;
//                a nominal's page: from the reason for opening it given (the page asks first) to
//                the first frame with the record.
// Prints a line per view for people, then the figures as one line of JSON. Uses the dashboard
// test's playwright-core (tests/dashboard/node_modules, which tools/dev test installs).
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { PASSWORD, chromiumOf, launchChromium, readOptions } from "../../tests/support/browser_test.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const script = "desk_paint.mjs";
const options = readOptions(script, ["base-url", "username", "nominal", "runs"]);
const dashboardTests = path.join(root, "tests/dashboard");
const chromium = await chromiumOf(script, dashboardTests,
  async () => createRequire(path.join(dashboardTests, "package.json"))("playwright-core"));
const base = options["base-url"];
const runs = Number(options.runs);

const browser = await launchChromium(chromium);
const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
await page.goto(`${base}/#review`);
await page.fill("#sign-in input[name=username]", options.username);
await page.fill("#sign-in input[name=password]", PASSWORD);
await page.click("#sign-in button[type=submit]");
await page.waitForSelector("#review-waiting");

// The first frame in which `selector` is in the page, as performance.now() (requestAnimationFrame
// polling: the frame that paints it).
const frameWith = async (selector) =>
  (await page.waitForFunction((s) => document.querySelector(s) && performance.now(), selector, { polling: "raf", timeout: 60000 })).jsonValue();
const firstPaint = () => page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? null);

const figures = { "review queue": { first_paint_ms: [], drawn_ms: [] }, "nominal's page": { first_paint_ms: [], drawn_ms: [] } };
for (let i = 0; i < runs; ++i) {
  // A load of the page (the session stays in the tab), on the queue.
  await page.reload();
  const drawn = await frameWith("#review-waiting > *");
  figures["review queue"].first_paint_ms.push(await firstPaint());
  figures["review queue"].drawn_ms.push(drawn);
}
await page.goto(`${base}/#nominal?id=${encodeURIComponent(options.nominal)}`);
for (let i = 0; i < runs; ++i) {
  await page.reload();
  await frameWith("#read-reason");
  figures["nominal's page"].first_paint_ms.push(await firstPaint());
  await page.fill("#reason", "Reviewing the team's work");
  const given = await page.evaluate(() => {
    const at = performance.now();
    document.querySelector("#read-reason button[type=submit]").click();
    return at;
  });
  figures["nominal's page"].drawn_ms.push((await frameWith(".nominal-head h2")) - given);
}
await browser.close();

// Nearest rank, so every figure was measured.
const percentile = (values, p) => {
  const sorted = values.filter((v) => v !== null).sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : null;
};
const ms = (v) => (v === null ? "none" : `${v.toFixed(0)} ms`);
for (const [view, f] of Object.entries(figures)) {
  const after = view === "nominal's page" ? " after the reason is given" : "";
  console.log(`${view} (${runs} loads): first paint p50 ${ms(percentile(f.first_paint_ms, 50))}, max ${ms(percentile(f.first_paint_ms, 100))}; ` +
    `drawn${after} p50 ${ms(percentile(f.drawn_ms, 50))}, max ${ms(percentile(f.drawn_ms, 100))}`);
}
console.log(JSON.stringify(figures));
