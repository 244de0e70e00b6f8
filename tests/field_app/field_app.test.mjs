#!/usr/bin/env node
// The officer's app in a real browser: headless Chromium (Debian's /usr/bin/chromium) driven by
// playwright-core, every screen checked by axe-core (WCAG 2.1 AA) at 768x1024 portrait and
// 1280x800 landscape. The test makes its own force: the demo database, a real vigil-server, a
// tablet enrolled as pc.doyle with vigil-field, and its app served by `vigil-field serve`.
//
//   node field_app.test.mjs --bin DIR --out DIR
//
// Each check states the behaviour it protects. Screenshots of every screen go to DIR; a failing
// check also leaves one of the page as it was. Prints one line per check; exits 0 when all pass,
// 1 when any fails, 2 on bad usage.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { Checks, PASSWORD, chromiumOf, failWith, launchChromium, readOptions } from "../support/browser_test.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const SCRIPT = "field_app.test.mjs";
const TEAM = "North 1";

const options = readOptions(SCRIPT, ["bin", "out"]);
const chromium = await chromiumOf(SCRIPT, here, () => import("playwright-core"));
let axeSource;
try {
  axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
} catch (error) {
  failWith(SCRIPT)(1, `axe-core is not installed (${error.code ?? error.message}): run ` +
    `\`npm ci --no-audit --no-fund\` in ${here} (tools/dev test does it)`);
}
const bin = (program) => path.resolve(options.bin, program);
const out = options.out;
mkdirSync(out, { recursive: true });
const scratch = mkdtempSync(path.join(os.tmpdir(), "vigil-field-app-"));
const db = path.join(scratch, "demo.db");
const store = path.join(scratch, "pc-doyle.db");
const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London" }).format(new Date());

// ----- the force: programs as a force and an officer run them

function run(program, args, input) {
  return execFileSync(bin(program), args, { input, cwd: scratch, encoding: "utf8" });
}
function sql(query) {
  return execFileSync("sqlite3", ["-json", db, query], { encoding: "utf8" }).trim();
}
function rows(query) {
  const text = sql(query);
  return text ? JSON.parse(text) : [];
}

const logged = new Set();  // programs whose log this run has begun

// Starts a program that prints its address on a line of its output; resolves to [child, url].
function started(program, args, stream, pattern) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin(program), args, { cwd: scratch, stdio: ["ignore", "pipe", "pipe"] });
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`${program} did not start: ${seen}`)), 20000);
    // Everything it says is kept beside the screenshots, for a failure's cause.
    const log = createWriteStream(path.join(out, `${program}.log`), { flags: logged.has(program) ? "a" : "w" });
    logged.add(program);
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    child[stream].on("data", (chunk) => {
      seen += chunk;
      const found = seen.match(pattern);
      if (found) {
        clearTimeout(timer);
        resolve([child, found[0]]);
      }
    });
    child.on("exit", (code) => reject(new Error(`${program} stopped (${code}): ${seen}`)));
  });
}

// What a program has written to its log once it says `pattern` (its output reaches the file a
// moment after it is written), or all of it after five seconds.
async function logSaying(program, pattern) {
  const file = path.join(out, `${program}.log`);
  for (let waited = 0; ; waited += 100) {
    const text = readFileSync(file, "utf8");
    if (pattern.test(text) || waited >= 5000) return text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let server;
let serverUrl;
let serverPort = 0;
async function startServer() {
  [server, serverUrl] = await started("vigil-server", ["--db", db, "--listen", `127.0.0.1:${serverPort}`], "stderr", /http:\/\/127\.0\.0\.1:\d+/);
  serverPort = Number(new URL(serverUrl).port);
}
// Resolves once the server has stopped; at once when it already had (a check that failed
// between stopping and starting it leaves it stopped for the next).
function stopServer() {
  return new Promise((resolve) => {
    if (server.exitCode !== null || server.signalCode !== null) return resolve();
    server.once("exit", resolve);
    server.kill("SIGTERM");
  });
}

run("vigil", ["seed", "--db", db, "--profile", "demo", "--as-of", "2026-11-22"]);
await startServer();
run("vigil-field", ["--store", store, "enrol", "--server", serverUrl, "--username", "pc.doyle", "--device-name", "app test"], `${PASSWORD}\n`);
run("vigil-field", ["--store", store, "lock"]);
const [app, launchUrl] = await started("vigil-field", ["--store", store, "serve", "--port", "0"], "stdout", /http:\/\/127\.0\.0\.1:\d+\/\?launch=[0-9a-f]+/);
const appOrigin = new URL(launchUrl).origin;

// A request as any other process on the tablet could send it, with whatever headers it likes.
function raw(method, target, headers = {}, body = "") {
  return new Promise((resolve, reject) => {
    const request = http.request(`${appOrigin}${target}`, { method, headers }, (response) => {
      let text = "";
      response.on("data", (chunk) => { text += chunk; });
      response.on("end", () => resolve({ status: response.statusCode, headers: response.headers, body: text }));
    });
    request.on("error", reject);
    request.end(body);
  });
}

// ----- the browser

const browser = await launchChromium(chromium);
const outside = [];
const consoleErrors = [];
const context = await browser.newContext({ viewport: { width: 768, height: 1024 } });
const page = await context.newPage();
page.on("request", (request) => { if (!request.url().startsWith(appOrigin)) outside.push(request.url()); });
page.on("console", (message) => {
  // The app's own refusals (a wrong password, a locked tablet) are answers it shows, not errors.
  if (message.type() === "error" && !/status of (40[013]|423|503)/.test(message.text())) consoleErrors.push(message.text());
});
page.on("pageerror", (error) => consoleErrors.push(String(error)));

const checks = new Checks(async (number) => {
  await page.screenshot({ path: path.join(out, `failed-${number}.png`), fullPage: true }).catch(() => {});
  // The next check starts with the server up, whatever this one left.
  if (server.exitCode !== null || server.signalCode !== null) await startServer();
});
const check = (name, body) => checks.check(name, body);

// axe-core in the page (evaluated through the browser's debugging protocol, which the page's
// Content-Security-Policy does not govern), WCAG 2.1 A and AA; then screenshots at both sizes and
// at 200% text, where nothing may need sideways scrolling.
async function screenChecked(name) {
  // A value the script failed to have (a part left out, a member missing) shows as a word.
  const leaked = await page.evaluate(() => [...document.querySelectorAll("main *, main")].flatMap((e) => [...e.childNodes])
    .filter((n) => n.nodeType === Node.TEXT_NODE && /\b(null|undefined|NaN)\b|\[object \w+\]/.test(n.textContent)).map((n) => n.textContent));
  assert.deepEqual(leaked, [], `${name} shows what the script failed to have`);
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
  const violations = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`);
  assert.deepEqual(violations, [], `axe-core found violations on ${name}`);
  for (const [label, viewport] of [["portrait", { width: 768, height: 1024 }], ["landscape", { width: 1280, height: 800 }]]) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: path.join(out, `${name}-${label}.png`), fullPage: true });
  }
  await page.evaluate(() => { document.documentElement.style.fontSize = "200%"; });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.screenshot({ path: path.join(out, `${name}-200-percent.png`), fullPage: true });
  await page.evaluate(() => { document.documentElement.style.fontSize = ""; });
  await page.setViewportSize({ width: 768, height: 1024 });
  assert.ok(overflow <= 0, `${name} at 200% text needs ${overflow}px of sideways scrolling`);
  const small = await page.evaluate(() => [...document.querySelectorAll("button, a.button, .tabs a, .caseload a, input[type=radio], input[type=checkbox]")]
    .filter((e) => e.offsetParent !== null)
    .map((e) => {
      const box = (e.closest("label.choice") ?? e).getBoundingClientRect();
      return { what: e.id || e.textContent.trim().slice(0, 30), width: box.width, height: box.height };
    })
    .filter((b) => b.width < 44 || b.height < 44));
  assert.deepEqual(small, [], `touch targets under 44 px on ${name}`);
}

// A form the officer opens by its link: the form #NAME-form, checked as the screen NAME, filled
// by `fill` and sent; resolves once the app shows `then`, where sending it leads.
async function formSent(link, name, fill, then) {
  await page.click(link);
  await page.waitForSelector(`#${name}-form`);
  await screenChecked(name);
  await fill();
  await page.click(`#${name}-form button[type=submit]`);
  await page.waitForSelector(then);
}

try {
  await check("the launch address opens the app once; without its cookie, or from another Host or Origin, nothing answers", async () => {
    assert.equal((await raw("GET", "/api/status")).status, 401);
    assert.equal((await raw("GET", "/", { Host: "evil.example" })).status, 403);
    await page.goto(launchUrl);
    assert.equal(new URL(page.url()).search, "", "the launch token leaves the address bar");
    const cookies = await context.cookies();
    assert.equal(cookies.length, 1);
    assert.equal(cookies[0].httpOnly, true);
    assert.equal(cookies[0].sameSite, "Strict");
    const session = `${cookies[0].name}=${cookies[0].value}`;
    assert.equal((await raw("GET", new URL(launchUrl).pathname + new URL(launchUrl).search)).status, 403, "a second launch is refused");
    assert.equal((await raw("POST", "/api/lock", { Cookie: session, Origin: "http://evil.example", "Content-Type": "application/json" }, "{}")).status, 403);
    assert.equal((await raw("GET", "/api/status", { Cookie: session, Host: "localhost:1" })).status, 403);
    const log = await logSaying("vigil-field", /refused POST \/api\/lock/);
    assert.match(log, /refused POST \/api\/lock \(403, Host 127\.0\.0\.1:\d+, Origin http:\/\/evil\.example\)/, "each refusal is in the app's log");
    assert.ok(!log.includes(session.split("=")[1]), "the log never holds the session");
    const own = await raw("GET", "/api/status", { Cookie: session });
    assert.equal(own.status, 200);
    assert.match(own.headers["content-security-policy"], /script-src 'self'/);
  });

  await check("a locked tablet shows the unlock screen; a wrong password is said, the right one unlocks", async () => {
    await page.waitForSelector("#screen-unlock:not([hidden])");
    await screenChecked("unlock");
    await page.fill("#unlock-password", "not the password");
    await page.click("#unlock-form button[type=submit]");
    await page.waitForFunction(() => document.querySelector("#unlock-error").textContent.includes("not the password"));
    await page.fill("#unlock-password", PASSWORD);
    await page.click("#unlock-form button[type=submit]");
    await page.waitForSelector("#caseload li");
  });

  await check("today: the caseload equals `vigil report overdue --team` for the same team and date, notifications included", async () => {
    const report = JSON.parse(run("vigil", ["report", "overdue", "--db", db, "--as-of", today, "--team", TEAM, "--format", "json"]));
    const highest = new Map();
    for (const item of report.items) highest.set(item.nominal_ref, Math.max(highest.get(item.nominal_ref) ?? 0, item.priority));
    assert.ok([...report.items].some((item) => item.kind === "notification"), "the demo force has a late notification to compare");
    const shown = await page.$$eval("#caseload li", (items) => items.map((li) => ({ ref: li.dataset.ref, priority: Number(li.querySelector(".priority").textContent.replace("priority ", "")) })));
    const inScope = rows(`SELECT n.ref FROM nominals n JOIN teams t ON t.id = n.team_id WHERE t.name = '${TEAM}'`).map((r) => r.ref);
    assert.equal(shown.length, inScope.length, "every nominal of the team is on the tablet");
    for (const row of shown) assert.equal(row.priority, highest.get(row.ref) ?? 0, `priority of ${row.ref}`);
    const order = shown.map((row) => row.priority);
    assert.deepEqual(order, [...order].sort((a, b) => b - a), "highest priority first");
    await screenChecked("today");
  });

  await check("today: filters and search narrow the list", async () => {
    const all = await page.$$eval("#caseload li", (items) => items.length);
    await page.check("#filter-overdue");
    const overdue = await page.$$eval("#caseload li", (items) => items.length);
    assert.ok(overdue > 0 && overdue < all, `overdue only: ${overdue} of ${all}`);
    await page.uncheck("#filter-overdue");
    const first = await page.$eval("#caseload li", (li) => li.dataset.ref);
    await page.fill("#filter-search", first);
    assert.deepEqual(await page.$$eval("#caseload li", (items) => items.map((li) => li.dataset.ref)), [first]);
    await page.fill("#filter-search", "");
  });

  let ref;
  await check("a nominal: nothing is shown before the reason; the read is audited with it", async () => {
    ref = await page.$eval("#caseload li", (li) => li.dataset.ref);
    const surname = rows(`SELECT surname FROM nominals WHERE ref = '${ref}'`)[0].surname;
    await page.click(`#caseload li[data-ref="${ref}"] a`);
    await page.waitForSelector("#why-form");
    assert.ok(!(await page.textContent("main")).includes(surname), "the surname is not shown before the reason");
    await screenChecked("nominal-why");
    await page.click("#why-form button[type=submit]");
    assert.match(await page.textContent("#why-error"), /Pick why/);
    await page.check("#why-0");
    await page.fill("#why-text", "door knock this afternoon");
    await page.click("#why-form button[type=submit]");
    await page.waitForSelector("#record-visit");
    assert.ok((await page.textContent("main")).includes(surname));
    await screenChecked("nominal");
    await page.click("#sync-now");
    await page.waitForFunction(() => /^Online · 0 changes wait/.test(document.querySelector("#link-state").textContent));
    const audit = JSON.parse(run("vigil", ["audit", "show", "--db", db, "--officer", "pc.doyle", "--json"]));
    const reads = (audit.items ?? audit).filter((event) => String(event.reason ?? "").includes("door knock this afternoon"));
    assert.equal(reads.length, 1, "one read in the audit chain, with its reason");
    assert.match(run("vigil", ["audit", "verify", "--db", db]), /whole|intact|ok/i);
  });

  await check("record a visit: single crewing warns and needs its reason; it is saved offline and reaches the server once", async () => {
    await stopServer();
    await page.click("#record-visit");
    await page.waitForSelector("#visit-form");
    await screenChecked("visit");
    await page.click("#save-visit");
    await page.waitForSelector('#visit-warnings .warning[data-kind="short_crew"]');
    await screenChecked("visit-warnings");
    await page.click("#save-visit");
    await page.waitForFunction(() => document.querySelector("#visit-error").textContent.includes("Say why"));
    await page.fill("#crew_reason", "Second officer sent to an emergency");
    await page.click("#save-visit");
    await page.waitForSelector("#saved-notice");
    await screenChecked("visit-saved");
    await page.click("#sync-now");
    await page.waitForFunction(() => document.querySelector("#link-state").textContent.startsWith("Offline"));
    assert.match(await page.textContent("#link-state"), /1 change waits/, "the visit waits, kept on the tablet");
    await startServer();
    await page.click("#sync-now");
    await page.waitForFunction(() => document.querySelector("#link-state").textContent.startsWith("Online"));
    assert.match(await page.textContent("#link-state"), /0 changes wait/);
    const visits = rows("SELECT count(*) AS n FROM visits WHERE crew_reason = 'Second officer sent to an emergency'");
    assert.equal(visits[0].n, 1, "the visit reached the server exactly once");
  });

  await check("the second failed entry warns of the warrant threshold", async () => {
    for (let attempt = 1; attempt <= 2; ++attempt) {
      await page.goto(`${appOrigin}/#visit/${encodeURIComponent(ref)}`);
      await page.waitForSelector("#visit-form");
      await page.check("#outcome-no_answer");
      await page.selectOption("#not-as-planned", "offender_not_present");
      await page.check("#attendee-1");
      await page.click("#save-visit");
      if (attempt === 2) {
        await page.waitForSelector('#visit-warnings .warning[data-kind="warrant"]');
        await page.click("#save-visit");
      }
      await page.waitForSelector("#saved-notice");
    }
  });

  await check("a rejected change is shown with its reason, corrected and accepted", async () => {
    // A nominal of the team with an order of two conditions, one never breached: the court varies
    // the order (that condition goes) while the tablet, offline, records a breach of it.
    const [target] = rows(`SELECT n.ref, o.id AS order_id, c.id AS gone, c.text AS gone_text, k.id AS kept, k.text AS kept_text
      FROM nominals n JOIN teams t ON t.id = n.team_id JOIN orders o ON o.nominal_id = n.id
      JOIN order_conditions c ON c.order_id = o.id JOIN order_conditions k ON k.order_id = o.id AND k.id <> c.id
      WHERE t.name = '${TEAM}' AND NOT EXISTS (SELECT 1 FROM breaches b WHERE b.condition_id = c.id)
      ORDER BY n.ref, c.id, k.id LIMIT 1`);
    assert.ok(target, "the demo force's team has an order with two conditions");
    await stopServer();
    await page.goto(`${appOrigin}/#nominal/${encodeURIComponent(target.ref)}`);
    await page.waitForSelector("#why-form");
    await page.check("#why-2");
    await page.click("#why-form button[type=submit]");
    // Sent, it leads back to the record, read again for the same reason, with the breach on it.
    await formSent(`a[href="#breach/${encodeURIComponent(target.ref)}"]`, "breach", async () => {
      await page.selectOption("#breach-condition", `${target.order_id}|${target.gone}`);
      await page.fill("#breach-action", "Arrested at the address");
    }, "#record-visit");
    assert.match(await page.textContent("main"), /Arrested at the address/);
    sql(`DELETE FROM order_conditions WHERE id = '${target.gone}'`);
    await startServer();
    await page.click("#tab-sync");
    await page.click("#sync-page-now");
    const item = "#rejected li";
    await page.waitForSelector(item);
    assert.match(await page.textContent(item), new RegExp(`Breach — ${target.ref}`));
    assert.match(await page.textContent(item), /there is no order condition/, "the server's reason is shown");
    assert.match(await page.textContent(item), /Arrested at the address/, "what the officer recorded is shown");
    await screenChecked("sync-rejected");
    assert.equal(rows("SELECT count(*) AS n FROM breaches WHERE action_taken = 'Arrested at the address'")[0].n, 0);

    await page.click(`${item} a:has-text("Correct")`);
    // The breach names a condition of the nominal's orders, from its record: still open (for the
    // reason given above), it is read again, as its page would be.
    await page.waitForSelector("#correct-form");
    assert.match(await page.textContent("#correct-form"), /there is no order condition/);
    await screenChecked("correct");
    await page.selectOption("#correct-condition", `${target.order_id}|${target.kept}`);
    await page.click("#correct-form button[type=submit]");
    await page.waitForSelector("#sync-summary");
    await page.waitForFunction(() => /^Online · 0 changes wait/.test(document.querySelector("#link-state").textContent));
    assert.ok(!(await page.textContent("#link-state")).includes("rejected"), "nothing is left rejected");
    const breaches = rows(`SELECT condition_id, condition_text FROM breaches WHERE action_taken = 'Arrested at the address'`);
    assert.deepEqual(breaches, [{ condition_id: target.kept, condition_text: target.kept_text }], "the corrected breach reached the server once");

    // The breach is then followed up from the nominal's record, and the follow-up reaches the server.
    const [breach] = rows(`SELECT id FROM breaches WHERE action_taken = 'Arrested at the address'`);
    await page.goto(`${appOrigin}/#nominal/${encodeURIComponent(target.ref)}`);
    const shown = await page.waitForSelector("#why-form, #record-visit");
    if (await shown.evaluate((node) => node.id === "why-form")) {
      await page.check("#why-2");
      await page.click("#why-form button[type=submit]");
    }
    const followUp = `a[href="#follow-up/${encodeURIComponent(target.ref)}/${encodeURIComponent(breach.id)}"]`;
    await page.waitForSelector(followUp);
    assert.match(await page.textContent("#breaches"), /Not followed up yet/);
    await formSent(followUp, "follow-up", async () => {
      await page.fill("#follow-up-action", "Charged with the breach; remanded");
      await page.selectOption("#follow-up-status", "closed");
    }, "#record-visit");
    assert.match(await page.textContent("#breaches"), /Charged with the breach; remanded \(closed\)/);
    assert.equal(await page.$(followUp), null, "a closed breach offers no further follow-up");
    await page.click("#tab-sync");
    await page.click("#sync-page-now");
    await page.waitForFunction(() => /^Online · 0 changes wait/.test(document.querySelector("#link-state").textContent));
    assert.deepEqual(rows(`SELECT breach_id, action_taken, status FROM breach_follow_ups WHERE breach_id = '${breach.id}'`),
      [{ breach_id: breach.id, action_taken: "Charged with the breach; remanded", status: "closed" }]);
  });

  // The officer keeps the new username afterwards: the server and the tablet both know it so.
  await check("a rejected visit is corrected field by field, its stamped times kept", async () => {
    // While the tablet is offline the second attendee's username changes on the server, which then
    // knows no such officer.
    await stopServer();
    await page.goto(`${appOrigin}/#visit/${encodeURIComponent(ref)}`);
    await page.waitForSelector("#visit-form");
    await page.check("#attendee-1");
    const second = await page.$eval("#attendee-1", (box) => box.value);
    await page.click("#save-visit");
    const warned = await page.waitForSelector("#saved-notice, #visit-warnings .warning", { timeout: 10000 });
    if (!(await warned.evaluate((node) => node.id === "saved-notice"))) {
      for (const field of await page.$$eval("#visit-warnings textarea", (boxes) => boxes.map((b) => b.id))) await page.fill(`#${field}`, "Agreed with the sergeant");
      await page.click("#save-visit");
      await page.waitForSelector("#saved-notice");
    }
    sql(`UPDATE officers SET username = '${second}.renamed' WHERE username = '${second}'`);
    await startServer();
    await page.click("#tab-sync");
    await page.click("#sync-page-now");
    const item = "#rejected li";
    await page.waitForSelector(item);
    assert.match(await page.textContent(item), new RegExp(`no officer has the username '${second.replace(".", "\\.")}'`));
    await page.click(`${item} a:has-text("Correct")`);
    await page.waitForSelector("#correct-form");
    await screenChecked("correct-visit");
    const attendees = page.locator('#correct-form [data-field="attendees"]');
    assert.equal(await attendees.inputValue(), `pc.doyle;${second}`);
    assert.equal(await page.$('#correct-form [data-field="recorded_at"]'), null, "the time it was recorded is not the officer's to correct");
    await attendees.fill(`pc.doyle;${second}.renamed`);
    await page.click("#correct-form button[type=submit]");
    await page.waitForSelector("#sync-summary");
    await page.waitForFunction(() => /^Online · 0 changes wait/.test(document.querySelector("#link-state").textContent));
    assert.ok(!(await page.textContent("#link-state")).includes("rejected"), "nothing is left rejected");
    const reached = rows(`SELECT count(*) AS n FROM visit_attendees a JOIN officers o ON o.id = a.officer_id WHERE o.username = '${second}.renamed'`);
    assert.ok(reached[0].n >= 1, "the corrected visit reached the server with the officer's new username");
  });

  await check("a pre-arranged visit where the plan asks for unannounced ones needs its reason; amend, assess and move an action on, each reaching the server", async () => {
    const [target] = rows(`SELECT n.ref, a.id AS action FROM nominals n JOIN teams t ON t.id = n.team_id
      JOIN plans p ON p.nominal_id = n.id JOIN plan_actions a ON a.plan_id = p.id
      WHERE t.name = '${TEAM}' AND p.unannounced_required = 1 AND a.status = 'open'
        AND p.started_on = (SELECT max(started_on) FROM plans q WHERE q.nominal_id = n.id)
      ORDER BY n.ref, a.id LIMIT 1`);
    assert.ok(target, "the demo force's team has a nominal whose plan asks for unannounced visits, with an open action");
    const open = encodeURIComponent(target.ref);
    await page.goto(`${appOrigin}/#nominal/${open}`);
    await page.waitForSelector("#why-form");
    await page.check("#why-3");
    await page.click("#why-form button[type=submit]");
    await page.click("#record-visit");
    await page.waitForSelector("#visit-form");
    await page.check("#attendee-1");  // the plan's crew of two
    await page.check("#announced-yes");
    await page.click("#save-visit");
    await page.waitForSelector('#visit-warnings .warning[data-kind="pre_arranged"]');
    assert.equal(await page.$$eval("#visit-warnings .warning", (w) => w.length), 1, "only the pre-arranged warning");
    await page.click("#save-visit");
    await page.waitForFunction(() => document.querySelector("#visit-error").textContent.includes("Say why"));
    await page.fill("#announced_reason", "Appointment made to see the new partner");
    await page.click("#save-visit");
    await page.waitForSelector("#saved-notice");

    // Back on the record (read again for the same reason): the visit just saved is there to amend.
    await page.goto(`${appOrigin}/#nominal/${open}`);
    await page.waitForSelector("#visits");
    assert.match(await page.textContent("#visits li:first-child"), /Appointment made to see the new partner/);
    await page.click("#visits li:first-child a");
    await page.waitForSelector("#amend-form");
    await screenChecked("amend");
    await page.click("#amend-form button[type=submit]");
    assert.ok(await page.$("#amend-form"), "no amendment is saved without its reason");
    await page.fill("#amend-reason", "The partner was there too");
    await page.fill("#amend-observations", "Partner present; both seen");
    await page.click("#amend-form button[type=submit]");
    await page.waitForSelector("#visits");
    assert.match(await page.textContent("#visits li:first-child"), /Amended .*: The partner was there too/);

    await formSent(`a[href="#assessment/${open}"]`, "assessment", async () => {
      await page.selectOption("#assessment-risk", "very_high");
      await page.fill("#assessment-risk-factors", "New partner has two young children");
    }, "#visits");
    assert.match(await page.textContent("main"), /Very high — risk: New partner has two young children/);

    await page.selectOption(`#action-${target.action}`, "done");
    await page.waitForFunction((id) => document.querySelector(`#action-${id}`).parentElement.querySelector("[role=status]").textContent.startsWith("Saved"), target.action);

    await page.click("#sync-now");
    await page.waitForFunction(() => /^Online · 0 changes wait/.test(document.querySelector("#link-state").textContent));
    const reached = rows(`SELECT
      (SELECT count(*) FROM visits WHERE announced = 1 AND announced_reason = 'Appointment made to see the new partner') AS visits,
      (SELECT count(*) FROM visit_amendments WHERE reason = 'The partner was there too') AS amendments,
      (SELECT count(*) FROM assessments WHERE risk_level = 'very_high' AND risk_factors = 'New partner has two young children') AS assessments,
      (SELECT count(*) FROM plan_actions WHERE id = '${target.action}' AND status = 'done') AS actions`)[0];
    assert.deepEqual(reached, { visits: 1, amendments: 1, assessments: 1, actions: 1 });
  });

  await check("suspects in scope, most harmful first (harm 1), with their trace enquiries", async () => {
    await page.click("#tab-suspects");
    await page.waitForSelector('#screen-title:has-text("Suspects")');
    const expected = rows(`SELECT s.ref FROM suspects s JOIN teams t ON t.id = s.team_id WHERE t.name = '${TEAM}' ORDER BY s.harm, s.outstanding_since, s.ref`).map((r) => r.ref);
    assert.ok(expected.length > 0, "the demo force's team has suspects to show");
    const shown = await page.$$eval("#suspects > li", (items) => items.map((li) => li.dataset.ref));
    assert.deepEqual(shown, expected);
    await screenChecked("suspects");
    const first = expected[0];
    await page.fill(`#suspects > li[data-ref="${first}"] input`, "Not at the last known address");
    await page.click(`#suspects > li[data-ref="${first}"] button`);
    await page.waitForFunction((ref) => document.querySelector(`#suspects > li[data-ref="${ref}"] [role=status]`).textContent.startsWith("Saved"), first);
    await page.click("#tab-today");
    await page.waitForSelector("#caseload li");
    await page.click("#tab-suspects");
    await page.waitForSelector(`#suspects > li[data-ref="${first}"]`);
    assert.match(await page.textContent(`#suspects > li[data-ref="${first}"]`), /Not at the last known address/, "the enquiry is listed with the suspect");
  });

  await check("an encounter with a young person is recorded by number, and reaches the server", async () => {
    await page.click("#tab-suspects");
    await formSent("#record-encounter", "encounter", async () => {
      await page.fill("#encounter-number", "YP-APP-1");
      await page.fill("#encounter-place", "Railway station");
      await page.check("#encounter-criminal");
      await page.fill("#encounter-markers", "Travelling out of area alone");
    }, '#screen-title:has-text("Suspects")');
    await page.click("#tab-sync");
    await page.click("#sync-page-now");
    await page.waitForFunction(() => /^Online · 0 changes wait/.test(document.querySelector("#link-state").textContent));
    assert.deepEqual(rows(`SELECT y.number, t.name AS team, e.place, e.criminal_exploitation, e.sexual_exploitation FROM encounters e
      JOIN young_people y ON y.id = e.young_person_id JOIN teams t ON t.id = y.team_id WHERE y.number = 'YP-APP-1'`),
      [{ number: "YP-APP-1", team: TEAM, place: "Railway station", criminal_exploitation: 1, sexual_exploitation: 0 }]);
  });

  await check("a visit the supervisor returns is shown on Today, with the comment, after the next sync", async () => {
    const [visit] = rows("SELECT id FROM visits WHERE crew_reason = 'Second officer sent to an emergency'");
    const api = async (method, target, body, token) => {
      const response = await fetch(serverUrl + target, {
        method, body: JSON.stringify(body),
        headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      });
      return { status: response.status, body: await response.json() };
    };
    // A sync by hand first: the app's own sync comes a minute after the last, so none can bring
    // the return before the check below. A save in the step before may have asked for a sync
    // half a second on (syncSoon); on a busy machine the hand sync can end before that one
    // starts, so it is let run and end too before the return is made.
    await page.click("#sync-now");
    await page.waitForFunction(() => document.querySelector("#link-state").textContent.startsWith("Online"));
    await page.waitForTimeout(600);
    await page.waitForFunction(() => document.querySelector("#link-state").textContent.startsWith("Online"));
    const signedIn = await api("POST", "/api/v1/auth/login", { username: "sgt.north", password: PASSWORD, device_name: "app test desk", kind: "browser" });
    assert.equal(signedIn.status, 200);
    const returned = await api("POST", "/api/v1/reviews", { team: TEAM, subject: "visit", subject_id: visit.id, decision: "returned", comment: "Book the next visit with a colleague" }, signedIn.body.token);
    assert.equal(returned.status, 201, JSON.stringify(returned.body));
    await page.click("#tab-today");
    await page.waitForSelector("#caseload li");
    assert.equal(await page.locator("#returned").count(), 0, "nothing shows before the tablet has synced");
    await page.click("#sync-now");
    await page.waitForFunction(() => document.querySelector("#link-state").textContent.startsWith("Online"));
    await page.click("#tab-today");
    await page.waitForSelector(`#returned li[data-subject="${visit.id}"]`);
    assert.match(await page.textContent(`#returned li[data-subject="${visit.id}"]`), /Book the next visit with a colleague/);
    await screenChecked("today-returned");
  });

  await check("sync: what waits, what was rejected, what lost a conflict", async () => {
    await page.click("#tab-sync");
    await page.waitForSelector("#sync-summary");
    await screenChecked("sync");
  });

  await check("locking hides everything", async () => {
    await page.click("#lock-now");
    await page.waitForSelector("#screen-unlock:not([hidden])");
    const text = await page.textContent("body");
    const names = rows(`SELECT surname FROM nominals n JOIN teams t ON t.id = n.team_id WHERE t.name = '${TEAM}'`).map((r) => r.surname);
    assert.deepEqual(names.filter((name) => text.includes(name)), [], "no surname left on the page");
    assert.equal(await page.$$eval("#screen-app *", (nodes) => nodes.length), 0);
  });

  await check("the app loaded nothing from anywhere else and logged no error", async () => {
    assert.deepEqual(outside, []);
    assert.deepEqual(consoleErrors, []);
  });
} finally {
  await browser.close();
  app.kill("SIGTERM");
  server.kill("SIGTERM");
  rmSync(scratch, { recursive: true, force: true });
}

checks.finish();
