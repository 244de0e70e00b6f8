#!/usr/bin/env node
// The dashboard in a real browser: headless Chromium (Debian's /usr/bin/chromium) driven by
// playwright-core, against a running vigil-server on the demo force (started by
// tests/support/with_demo_server.sh, with the backlog snapshots of snapshots.sql).
//
//   node dashboard.test.mjs --base-url URL --out DIR --as-of YYYY-MM-DD
//
// Each check states the behaviour it protects. Screenshots of every view (desktop, tablet and
// print) and the printed briefing as PDF go to DIR; a failing check also leaves a screenshot of
// the page as it was. Prints one line per check; exits 0 when all pass, 1 when any fails, 2 on bad
// usage. The answers the page shows are compared with the API's own, fetched here with a token
// of the same officer. Every view is checked by axe-core (WCAG 2.1 A and AA).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { Checks, PASSWORD, chromiumOf, launchChromium, readOptions } from "../support/browser_test.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const options = readOptions("dashboard.test.mjs", ["base-url", "out", "as-of"]);
const chromium = await chromiumOf("dashboard.test.mjs", here, () => import("playwright-core"));
let axeSource;
try {
  axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
} catch (error) {
  console.error(`dashboard.test.mjs: axe-core is not installed (${error.code ?? error.message}): run ` +
    `\`npm ci --no-audit --no-fund\` in ${here} (tools/dev test does it)`);
  process.exit(1);
}
const base = options["base-url"];
const out = options.out;
const asOf = options["as-of"];
mkdirSync(out, { recursive: true });

// ----- the API, spoken to directly, for what the page should show

async function call(method, urlPath, { token, body } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(base + urlPath, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function login(username) {
  const answer = await call("POST", "/api/v1/auth/login", { body: { username, password: PASSWORD, device_name: "dashboard test" } });
  assert.equal(answer.status, 200, `signing ${username} in through the API`);
  return answer.body.token;
}

// ----- the browser

const browser = await launchChromium(chromium);

// Every page is watched: any request to somewhere other than the server, any error in its
// console (a Content-Security-Policy refusal included) or uncaught exception fails the run.
const outside = [];
const consoleErrors = [];
async function newPage(viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(base) && !url.startsWith("data:") && !url.startsWith("blob:")) outside.push(url);
  });
  page.on("console", (message) => {
    // A 401 or 403 the page asked for and handled, or a 400 whose sentence it showed (a change
    // the server refused, with its reason), is logged by Chromium as a failed load.
    if (message.type() === "error" && !/status of 40[013]/.test(message.text())) consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(String(error)));
  return page;
}

async function signIn(page, username, password = PASSWORD) {
  await page.goto(`${base}/#worklist?as_of=${asOf}`);
  await page.fill("#sign-in input[name=username]", username);
  await page.fill("#sign-in input[name=password]", password);
  await page.click("#sign-in button[type=submit]");
}

const shot = (page, name) => page.screenshot({ path: path.join(out, `${name}.png`), fullPage: true });

// axe-core in the page (evaluated through the browser's debugging protocol, which the page's
// Content-Security-Policy does not govern): no WCAG 2.1 A or AA violation on the view shown.
async function accessible(page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
  const violations = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`);
  assert.deepEqual(violations, [], `axe-core found violations on ${name}`);
}

let current = null;  // the page a failed check leaves a screenshot of
const checks = new Checks(async (number) => {
  if (current) await shot(current, `failed-${number}`);
});
const check = (name, body) => checks.check(name, body);

// Two of pc.doyle's tablets change one North 1 nominal's area from the same starting value: the
// server keeps the later and lists the other as an open conflict, which this returns.
let conflictsMade = 0;
async function makeConflict(supervisorToken) {
  const tablets = [await login("pc.doyle"), await login("pc.doyle")];
  const list = await call("GET", "/api/v1/nominals?team=North%201", { token: tablets[0] });
  const nominal = list.body.items.filter((n) => !n.no_fixed_abode)[conflictsMade++];
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const values = ["Moved to Riverside (tablet A)", "Moved to Quayside (tablet B)"];
  for (let i = 0; i < 2; ++i) {
    const pushed = await call("POST", "/api/v1/sync/push", {
      token: tablets[i],
      body: {
        changes: [{
          change_id: randomUUID(), entity: "nominal", entity_id: nominal.id, operation: "update",
          fields: { area: values[i] }, base: { area: nominal.area },
          clock: `${String(Date.now() + i).padStart(16, "0")}.00000`, device_time: now,
        }],
        pending: 0, device_time: now,
      },
    });
    assert.equal(pushed.body.outcomes[0].outcome, i === 0 ? "applied" : "conflict");
  }
  const open = await call("GET", "/api/v1/conflicts", { token: supervisorToken });
  const conflict = open.body.items.find((c) => c.entity_id === nominal.id && c.field === "area");
  assert.ok(conflict, "the server lists the conflict");
  return { conflict, nominal };
}

const cellTexts = (page, selector) => page.$$eval(selector, (cells) => cells.map((c) => c.textContent.trim()));
const numbers = (texts) => texts.map((t) => Number(t.replace(/,/g, "")));

// ----- a supervisor's morning

const supervisorToken = await login("sgt.north");
const page = await newPage();
current = page;

await check("a wrong password is refused with the server's sentence, and nothing is shown", async () => {
  await signIn(page, "sgt.north", "not-the-password");
  await page.waitForSelector("#sign-in-error:not([hidden])");
  assert.match(await page.textContent("#sign-in-error"), /username or password is wrong/);
  assert.equal(await page.isVisible("#app"), false);
});

await check("a supervisor signs in and sees the seeded overdue items, highest priority first", async () => {
  await signIn(page, "sgt.north");
  await page.waitForSelector("#worklist tbody tr");
  const expected = await call("GET", `/api/v1/reports/overdue?as_of=${asOf}`, { token: supervisorToken });
  assert.equal(expected.status, 200);
  assert.ok(expected.body.items.length > 10, "the demo force has a backlog to show");
  const refs = await cellTexts(page, "#worklist tbody td.nominal_ref");
  const priorities = numbers(await cellTexts(page, "#worklist tbody td.priority"));
  assert.deepEqual(refs, expected.body.items.map((i) => i.nominal_ref), "the rows are the report's items in its order");
  assert.deepEqual(priorities, expected.body.items.map((i) => i.priority));
  for (let i = 1; i < priorities.length; ++i) assert.ok(priorities[i - 1] >= priorities[i], `row ${i + 1} outranks row ${i}`);
  const reasons = await cellTexts(page, "#worklist tbody tr:first-child td.reasons li");
  assert.deepEqual(reasons, expected.body.items[0].reasons, "the first row shows the reasons behind its priority");
  assert.match(await page.textContent("#freshness"), new RegExp(`As of ${asOf} for North 1`));
  await shot(page, "supervisor-worklist");
  await accessible(page, "supervisor-worklist");
});

await check("the worklist sorts by a column and back, and filters by risk", async () => {
  await page.click("#worklist th[data-key=days_overdue] button");
  let days = numbers(await cellTexts(page, "#worklist tbody td.days_overdue"));
  assert.deepEqual(days, [...days].sort((a, b) => b - a), "days late, most first");
  assert.equal(await page.getAttribute("#worklist th[data-key=days_overdue]", "aria-sort"), "descending");
  await page.click("#worklist th[data-key=days_overdue] button");
  days = numbers(await cellTexts(page, "#worklist tbody td.days_overdue"));
  assert.deepEqual(days, [...days].sort((a, b) => a - b), "days late, fewest first");
  await page.selectOption("select[name=risk]", "very_high");
  const risks = await cellTexts(page, "#worklist tbody td.risk_level");
  assert.ok(risks.length > 0 && risks.every((r) => r === "Very high"), `only very high risk rows: ${risks}`);
  await page.selectOption("select[name=risk]", "");
});

await check("the backlog chart draws items by risk level and age band, and the trend the nightly snapshots", async () => {
  await page.click("#views a[data-view=backlog]");
  await page.waitForSelector("#backlog-table");
  const expected = await call("GET", `/api/v1/reports/overdue?as_of=${asOf}`, { token: supervisorToken });
  // Rows very high to low: each risk level's total and each age band's are the report's own.
  const totals = numbers(await cellTexts(page, "#backlog-table tbody td:last-child"));
  const s = expected.body.summary;
  assert.deepEqual(totals, ["very_high", "high", "medium", "low"].map((r) => s.by_risk[r]));
  const bands = ["1-30", "31-90", "91-180", "181-365", "over_365"];
  for (let b = 0; b < bands.length; ++b) {
    const column = numbers(await cellTexts(page, `#backlog-table tbody td:nth-child(${b + 2})`));
    assert.equal(column.reduce((x, y) => x + y, 0), s.by_age_band[bands[b]], `the ${bands[b]} band`);
  }
  const bars = await page.$$("svg.chart rect.bar");
  assert.ok(bars.length >= 5, `the chart has bars (${bars.length})`);
  // snapshots.sql stored North 1's nights as 9, 6 and 4 items; the trend shows North 1's alone.
  const dots = await page.$$eval("svg.chart circle.dot.all title", (titles) => titles.map((t) => t.textContent));
  assert.deepEqual(dots, ["2026-11-19: 9", "2026-11-20: 6", "2026-11-21: 4"]);
  await shot(page, "supervisor-backlog");
  await accessible(page, "supervisor-backlog");
});

await check("the suspects and bail board, compliance and devices views show their reports", async () => {
  const expected = await call("GET", `/api/v1/reports/suspects?as_of=${asOf}`, { token: supervisorToken });
  await page.click("#views a[data-view=suspects]");
  await page.waitForSelector("#suspects tbody tr");
  const refs = await cellTexts(page, "#suspects tbody td.ref");
  assert.deepEqual(refs, expected.body.outstanding_suspects.map((s) => s.ref), "outstanding suspects by priority");
  assert.match(await page.textContent("#view"), /Bail ending within 7 days or ended/);
  await shot(page, "supervisor-suspects");
  await accessible(page, "supervisor-suspects");
  const compliance = await call("GET", `/api/v1/reports/compliance?as_of=${asOf}`, { token: supervisorToken });
  await page.click("#views a[data-view=compliance]");
  await page.waitForSelector("text=Caseloads against 1:50");
  const officers = await page.$$eval("#view .panel", (panels) => [...panels
    .find((p) => p.querySelector("h2").textContent.startsWith("Caseloads"))
    .querySelectorAll("tbody tr td:first-child")].map((td) => td.textContent));
  assert.deepEqual(officers, compliance.body.caseloads.map((c) => c.officer), "a caseload row per officer");
  await shot(page, "supervisor-compliance");
  await accessible(page, "supervisor-compliance");
  // The devices view lists tablets: the test's API sign-ins, not the dashboard's own.
  await page.click("#views a[data-view=devices]");
  await page.waitForSelector("#view h2:text('Tablets')");
  const names = await cellTexts(page, "#view tbody tr td:first-child");
  assert.ok(names.includes("dashboard test"), `tablets listed: ${names}`);
  assert.ok(!names.includes("Dashboard"), "a dashboard sign-in is not a tablet");
  await accessible(page, "supervisor-devices");
});

// Two visits pc.doyle made alone, pushed from a tablet: each waits in the review queue.
async function visitsAlone(count) {
  const tablet = await login("pc.doyle");
  const list = await call("GET", "/api/v1/nominals?team=North%201", { token: tablet });
  // Nominals whose plan in force asks for two officers, from the end of the list (the conflicts
  // take theirs from the start).
  const chosen = [];
  for (const nominal of [...list.body.items].reverse()) {
    const record = await call("GET", `/api/v1/nominals/${nominal.id}?reason=review%20test`, { token: tablet });
    if (record.body.plans[0]?.double_crewed) chosen.push(nominal);
    if (chosen.length === count) break;
  }
  assert.equal(chosen.length, count, "North 1 has nominals whose plans ask for two officers");
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const ids = [];
  const changes = chosen.map((nominal, i) => {
    const id = randomUUID();
    ids.push(id);
    return {
      change_id: randomUUID(), entity: "visit", entity_id: id, operation: "append",
      fields: {
        nominal_id: nominal.id, occurred_at: now, recorded_at: now, announced: "no", outcome: "seen",
        attendees: "pc.doyle", crew_reason: `Colleague called away (${i + 1})`, not_as_planned: "staff_shortage",
      },
      clock: `${String(Date.now()).padStart(16, "0")}.${String(i).padStart(5, "0")}`, device_time: now,
    };
  });
  const pushed = await call("POST", "/api/v1/sync/push", { token: tablet, body: { changes, pending: 0, device_time: now } });
  assert.deepEqual(pushed.body.outcomes.map((o) => o.outcome), changes.map(() => "applied"));
  return ids;
}

await check("a supervisor signs off one visit made alone and returns another in the review queue", async () => {
  const [signed, returned] = await visitsAlone(2);
  await page.click("#views a[data-view=review]");
  const signedCard = page.locator(`article[data-subject="${signed}"]`);
  const returnedCard = page.locator(`article[data-subject="${returned}"]`);
  await signedCard.waitFor();
  const expected = await call("GET", "/api/v1/review-queue?team=North%201", { token: supervisorToken });
  const item = expected.body.waiting.find((i) => i.subject_id === signed);
  assert.ok(item, "the server's queue holds the visit");
  assert.ok(item.first, "a visit short of its crew is listed first");
  assert.deepEqual(await signedCard.locator(".reasons li").allTextContents(), item.reasons, "the card gives the server's reasons");
  assert.ok(item.reasons.some((r) => r.includes("Colleague called away (1)")), "the officer's own words are among them");
  await shot(page, "supervisor-review");
  await accessible(page, "supervisor-review");
  // A return without a comment is stopped in the page, before anything is sent.
  await returnedCard.locator("button[value=returned]").click();
  await returnedCard.locator(".result").filter({ hasText: "Say what the officer is to do" }).waitFor();
  await returnedCard.locator("textarea").fill("Book the next visit double-crewed");
  await returnedCard.locator("button[value=returned]").click();
  await returnedCard.locator(".result").filter({ hasText: "Returned to the officer" }).waitFor();
  await signedCard.locator("button[value=signed_off]").click();
  await signedCard.locator(".result").filter({ hasText: "Signed off" }).waitFor();

  const after = await call("GET", "/api/v1/review-queue?team=North%201", { token: supervisorToken });
  assert.equal(after.body.waiting.some((i) => i.subject_id === signed || i.subject_id === returned), false, "neither waits for the supervisor");
  const back = after.body.returned.find((i) => i.subject_id === returned);
  assert.ok(back, "the returned visit is listed as with the officer");
  assert.equal(back.returned.comment, "Book the next visit double-crewed");
  assert.equal(back.returned.reviewer, "sgt.north");
  await page.reload();
  await page.locator(`#view article[data-subject="${returned}"] .returned`).waitFor();
  assert.equal(await page.locator(`#view article[data-subject="${signed}"]`).count(), 0, "the signed-off visit is gone");
});

await check("a supervisor's own work is marked in their queue, with nothing there for them to decide", async () => {
  const [visit] = await visitsAlone(1);
  // The sergeant corrects the visit: it is then their work too, and another decides it.
  const amended = await call("POST", "/api/v1/records", {
    token: supervisorToken,
    body: {
      entity: "visit_amendment", operation: "append",
      fields: {
        visit_id: visit, reason: "The door was not answered after all",
        changes: JSON.stringify({ outcome: "no_answer" }),
        amended_at: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      },
    },
  });
  assert.equal(amended.status, 201, JSON.stringify(amended.body));
  const queue = await call("GET", "/api/v1/review-queue?team=North%201", { token: supervisorToken });
  assert.equal(queue.body.waiting.find((i) => i.subject_id === visit)?.own, true, "the server marks it the sergeant's own");
  await page.click("#views a[data-view=review]");
  await page.reload();
  const card = page.locator(`#view article[data-subject="${visit}"]`);
  await card.locator(".own").filter({ hasText: "Your own work" }).waitFor();
  assert.equal(await card.locator("button").count(), 0, "no Sign off nor Return for their own work");
  await shot(page, "supervisor-review-own");
  await accessible(page, "supervisor-review-own");
});

await check("a supervisor decides a conflict in the page, and the decision holds on the server", async () => {
  const { conflict, nominal } = await makeConflict(supervisorToken);

  await page.click("#views a[data-view=conflicts]");
  const card = page.locator(`article[data-conflict="${conflict.id}"]`);
  await card.waitFor();
  assert.match(await card.locator("h3").textContent(), new RegExp(`^${nominal.ref} ${nominal.surname}, .*: area$`), "the card names the nominal");
  assert.equal(await card.locator(".winning").textContent(), conflict.winning_value);
  assert.equal(await card.locator(".losing").textContent(), conflict.losing_value);
  await shot(page, "supervisor-conflicts");
  await accessible(page, "supervisor-conflicts");
  await card.locator("input[value=losing]").check();
  await card.locator("input[name=note]").fill("Confirmed with the offender manager");
  await card.locator("button[type=submit]").click();
  await card.locator(".result").filter({ hasText: "Decided" }).waitFor();

  const all = await call("GET", "/api/v1/conflicts?status=all", { token: supervisorToken });
  const decided = all.body.items.find((c) => c.id === conflict.id);
  assert.equal(decided.status, "decided");
  assert.equal(decided.decided_by, "sgt.north");
  assert.equal(decided.decision, "losing: Confirmed with the offender manager");
  const record = await call("GET", `/api/v1/nominals/${nominal.id}`, { token: supervisorToken });
  assert.equal(record.body.area, conflict.losing_value, "the set-aside value is now the record's");
  await page.reload();
  await page.waitForSelector("#view .panel");
  assert.equal(await page.locator(`article[data-conflict="${conflict.id}"]`).count(), 0, "no longer listed as open");
});

await check("a nominal's page opens from a worklist row once a reason is given, and shows the record, its timeline and who read it", async () => {
  await page.click("#views a[data-view=worklist]");
  await page.waitForSelector("#worklist tbody tr");
  const link = page.locator("#worklist tbody tr:first-child td.nominal_ref a");
  const ref = (await link.textContent()).trim();
  await link.click();
  await page.waitForSelector("#read-reason");
  await accessible(page, "nominal-reason");
  await page.fill("#reason", "Checking the backlog at the morning meeting");
  await page.click("#read-reason button[type=submit]");
  await page.waitForSelector(".nominal-head h2");
  assert.match(await page.textContent(".nominal-head h2"), new RegExp(`^${ref} `));
  const expected = await call("GET", `/api/v1/nominals/${encodeURIComponent(ref)}?reason=dashboard%20test`, { token: supervisorToken });
  assert.equal(expected.status, 200);
  assert.equal(expected.body.ref, ref, "the page and the API name the same nominal");
  assert.ok(expected.body.read_audit.some((x) => x.officer === "sgt.north" && x.reason === "Checking the backlog at the morning meeting"),
    "the page's read is in the audit with its reason");
  const rows = await page.locator("#view .panel").filter({ hasText: "Timeline" }).locator("tbody tr").count();
  assert.ok(rows >= expected.body.record.visits.length, `the timeline has a row per visit at least (${rows})`);
  assert.ok(await page.isVisible("text=Who opened this record, and why"), "a supervisor sees the read audit");
  await shot(page, "supervisor-nominal");
  await accessible(page, "supervisor-nominal");
});

await check("a supervisor adds an action to a plan that has none, on the nominal's page, and the compliance defect goes", async () => {
  const before = await call("GET", "/api/v1/reports/compliance?team=North%201", { token: supervisorToken });
  const defect = before.body.plan_defects.find((d) => d.problem === "no actions");
  assert.ok(defect, "the demo force has a plan with no actions in North 1");
  await page.goto(`${base}/#nominal?id=${encodeURIComponent(defect.nominal_ref)}&team=North%201`);
  await page.fill("#reason", "Setting the plan's actions");
  await page.click("#read-reason button[type=submit]");
  await page.waitForSelector("#action-form");
  await page.fill("#action-form-description", "Visit with the probation officer");
  await page.fill("#action-form-owner", "pc.doyle");
  await page.fill("#action-form-due_on", "2027-01-31");
  await page.fill("#action-form-partner_agency", "Probation");
  await accessible(page, "supervisor-case-management");
  await page.click("#action-form button[type=submit]");
  // Once recorded the page is read again and shows the action under its plan (the line that said
  // so goes with the old page, so the new page is what is waited for).
  await page.locator(".nominal-page .plan td", { hasText: "Visit with the probation officer" }).waitFor();
  const after = await call("GET", "/api/v1/reports/compliance?team=North%201", { token: supervisorToken });
  assert.equal(after.body.plan_defects.some((d) => d.nominal_ref === defect.nominal_ref && d.problem === "no actions"), false,
    "the plan has an action now");
  await shot(page, "supervisor-case-management");
});

await check("a supervisor moves a nominal to another officer from its page, and the record says so", async () => {
  // From the middle of North 1's list (the conflicts and the visits alone take theirs from the
  // ends).
  const list = await call("GET", "/api/v1/nominals?team=North%201", { token: supervisorToken });
  const nominal = list.body.items[Math.floor(list.body.items.length / 2)];
  const before = await call("GET", `/api/v1/nominals/${nominal.id}?reason=dashboard%20test`, { token: supervisorToken });
  const to = before.body.officer === "pc.jones" ? "pc.doyle" : "pc.jones";
  await page.goto(`${base}/#nominal?id=${encodeURIComponent(nominal.ref)}&team=North%201`);
  await page.fill("#reason", "Balancing caseloads");
  await page.click("#read-reason button[type=submit]");
  await page.waitForSelector("#move-form");
  assert.equal(await page.inputValue("#move-form-team"), "North 1", "the form starts from the nominal's team");
  await page.fill("#move-form-officer", to);
  await page.click("#move-form button[type=submit]");
  await page.locator(".nominal-head", { hasText: to }).waitFor();
  const after = await call("GET", `/api/v1/nominals/${nominal.id}?reason=dashboard%20test`, { token: supervisorToken });
  assert.equal(after.body.officer, to, "the nominal is now the other officer's");
  assert.equal(after.body.team, "North 1", "and still North 1's");
});

await check("a bail extension by too junior a rank is refused on the case's page with the law's reason; the right rank records it", async () => {
  // A case arrested ten days ago (today in London): the custody officer's three months run, and
  // an extension past them needs an inspector.
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London" }).format(new Date());
  const arrested = new Date(Date.parse(`${today}T12:00:00Z`) - 10 * 86400000).toISOString().slice(0, 10);
  const ref = `BAIL-T-${randomUUID().slice(0, 8)}`;
  const made = await call("POST", "/api/v1/records", { token: supervisorToken, body: { entity: "bail_case", operation: "create", fields: {
    ref, surname: "Ashdown", forenames: "Lee", offence: "assault", arrested_on: arrested, case_type: "standard", status: "bail", team: "North 1",
  } } });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  await page.goto(`${base}/#bail?id=${encodeURIComponent(ref)}&team=North%201`);
  await page.fill("#reason", "Bail deadline at the morning meeting");
  await page.click("#read-reason button[type=submit]");
  await page.waitForSelector("#extension-form");
  const expected = await call("GET", `/api/v1/bail-cases/${ref}?reason=dashboard%20test`, { token: supervisorToken });
  const next = expected.body.bail_period.next_extension;
  assert.equal(next.authority, "inspector");
  assert.match(await page.textContent(".nominal-head"), new RegExp(`Bail ends ${expected.body.bail_period.ends}`), "the page says when bail ends");
  assert.equal(await page.inputValue("#extension-form-extended_to"), next.furthest, "the form offers the furthest the next rank may go");
  await page.selectOption("#extension-form-authority", "custody_officer");
  await page.fill("#extension-form-authorised_by", "PS Hale");
  await page.check("#extension-form-representations_considered");
  await accessible(page, "supervisor-bail-case");
  await page.click("#extension-form button[type=submit]");
  const refusal = page.locator("#extension-form .result.error");
  await refusal.waitFor();
  assert.match(await refusal.textContent(), /must be authorised by an inspector or a more senior officer, not a custody officer/);
  await shot(page, "supervisor-bail-extension-refused");
  assert.equal((await call("GET", `/api/v1/bail-cases/${ref}`, { token: supervisorToken })).body.extensions.length, 0, "nothing was recorded");
  await page.selectOption("#extension-form-authority", "inspector");
  await page.fill("#extension-form-authorised_by", "Insp Grey");
  await page.click("#extension-form button[type=submit]");
  await page.locator(".nominal-page td", { hasText: "Insp Grey" }).waitFor();
  assert.match(await page.textContent(".nominal-head"), new RegExp(`Bail ends ${next.furthest}`), "bail now ends where the extension took it");
});

await check("a suspect with an open action cannot be closed by an officer; a supervisor closes it with a reason, kept", async () => {
  const report = await call("GET", `/api/v1/reports/suspects?team=North%201&as_of=${asOf}`, { token: supervisorToken });
  const suspect = report.body.outstanding_suspects[0];
  assert.ok(suspect, "North 1 has an outstanding suspect");
  // From the suspects report, on the supervisor's page: an action is set.
  await page.goto(`${base}/#suspects?team=North%201&as_of=${asOf}`);
  await page.locator("#suspects a.nominal-link", { hasText: suspect.ref }).first().click();
  await page.fill("#reason", "Reviewing outstanding suspects");
  await page.click("#read-reason button[type=submit]");
  await page.waitForSelector("#suspect-action-form");
  await page.fill("#suspect-action-form-description", "Check the sister's address in Northtown");
  await page.fill("#suspect-action-form-due_on", "2027-01-15");
  await page.click("#suspect-action-form button[type=submit]");
  await page.locator(".nominal-page td", { hasText: "Check the sister's address in Northtown" }).waitFor();
  await accessible(page, "supervisor-suspect");
  await shot(page, "supervisor-suspect");

  // The officer's own page: closing is refused while the action is open, with the reason.
  const officerPage = await newPage();
  await signIn(officerPage, "pc.doyle");
  await officerPage.goto(`${base}/#suspect?id=${encodeURIComponent(suspect.ref)}`);
  await officerPage.fill("#reason", "Closing the case");
  await officerPage.click("#read-reason button[type=submit]");
  await officerPage.waitForSelector("#close-form");
  assert.equal(await officerPage.locator("#close-form-close_reason").count(), 0, "an officer is not offered the override");
  assert.equal(await officerPage.locator("#suspect-review-form").count(), 0, "nor a supervisor's review");
  await officerPage.click("#close-form button[type=submit]");
  const refused = officerPage.locator("#close-form .result.error");
  await refused.waitFor();
  assert.match(await refused.textContent(), /The suspect has 1 open action/);
  await officerPage.screenshot({ path: path.join(out, "officer-suspect-close-refused.png"), fullPage: true });
  await officerPage.context().close();
  let now = await call("GET", `/api/v1/suspects/${encodeURIComponent(suspect.ref)}`, { token: supervisorToken });
  assert.equal(now.body.suspect.status ?? "outstanding", "outstanding");

  // The supervisor overrides with a reason: the suspect is closed and the reason kept.
  await page.fill("#close-form-close_reason", "Charged by the neighbouring force; the action is theirs now");
  await page.click("#close-form button[type=submit]");
  await page.locator(".nominal-head", { hasText: "Closed with actions open" }).waitFor();
  now = await call("GET", `/api/v1/suspects/${encodeURIComponent(suspect.ref)}`, { token: supervisorToken });
  assert.equal(now.body.suspect.status, "closed");
  assert.equal(now.body.suspect.close_reason, "Charged by the neighbouring force; the action is theirs now");
});

await check("a supervisor disables an officer of their team at the desk: sign-in is refused and their tablets revoked; enabling lets them back", async () => {
  const tablet = await login("pc.jones");
  page.once("dialog", (dialog) => dialog.accept());
  await page.click("#views a[data-view=officers]");
  const toggle = page.locator('button[data-officer="pc.jones"]');
  await toggle.waitFor();
  await accessible(page, "supervisor-officers");
  await shot(page, "supervisor-officers");
  assert.equal(await page.locator('button[data-officer="sgt.north"]').count(), 0, "no button to disable oneself");
  await toggle.click();
  // The page is read again once it is done: the button then offers to enable.
  await page.locator('button[data-officer="pc.jones"]', { hasText: "Enable" }).waitFor();
  assert.equal((await call("POST", "/api/v1/auth/login", { body: { username: "pc.jones", password: PASSWORD, device_name: "x" } })).status, 401, "sign-in refused");
  const revoked = await call("GET", "/api/v1/sync/pull?since=0", { token: tablet });
  assert.equal(revoked.status, 401);
  assert.equal(revoked.body.wipe, true, "the tablet is told to wipe");
  await page.click('button[data-officer="pc.jones"]');
  await page.locator('button[data-officer="pc.jones"]', { hasText: "Disable" }).waitFor();
  assert.equal((await call("POST", "/api/v1/auth/login", { body: { username: "pc.jones", password: PASSWORD, device_name: "x" } })).status, 200);
});

await check("the neighbourhood briefing lists no-fixed-abode and high-risk nominals by area, and prints without controls", async () => {
  await page.click("#views a[data-view=briefing]");
  await page.waitForSelector(".briefing .area");
  const expected = await call("GET", "/api/v1/nominals?briefing=true", { token: supervisorToken });
  assert.ok(expected.body.items.length > 0);
  assert.ok(expected.body.items.every((n) => n.no_fixed_abode || ["high", "very_high"].includes(n.current_risk_level)));
  const refs = await cellTexts(page, ".briefing .area tbody tr td:first-child");
  assert.deepEqual([...refs].sort(), expected.body.items.map((n) => n.ref).sort(), "every nominal the briefing should list, once");
  const areas = await cellTexts(page, ".briefing .area h3");
  for (const n of expected.body.items.filter((x) => x.area)) {
    assert.ok(areas.some((a) => a.startsWith(`${n.area} (`)), `an area heading for ${n.area}`);
  }
  await accessible(page, "briefing");
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.isVisible("#views"), false, "the navigation does not print");
  assert.equal(await page.isVisible(".briefing .print"), false, "the print button does not print");
  assert.equal(await page.isVisible(".briefing .area"), true);
  await shot(page, "briefing-print");
  await page.pdf({ path: path.join(out, "briefing.pdf"), format: "A4" });
  await page.emulateMedia({ media: "screen" });
});

await check("on a tablet's screen the page fits its width", async () => {
  const tablet = await newPage({ width: 768, height: 1024 });
  current = tablet;
  await signIn(tablet, "sgt.north");
  await tablet.waitForSelector("#worklist tbody tr");
  const overflow = await tablet.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
  await shot(tablet, "tablet-worklist");
  await tablet.context().close();
  current = page;
});

// ----- an officer who is not a supervisor

await check("an officer sees only their own team, and cannot reach another team's data", async () => {
  const officer = await newPage();
  current = officer;
  await signIn(officer, "pc.doyle");
  await officer.waitForSelector("#worklist tbody tr");
  const teams = await cellTexts(officer, "#worklist tbody td.team");
  assert.ok(teams.length > 0 && teams.every((t) => t === "North 1"), "every row is North 1's");
  const choices = await officer.$$eval("#scope option", (options) => options.map((o) => o.textContent));
  assert.deepEqual(choices, ["North 1"], "the scope picker offers the officer's team only");
  assert.equal(await officer.isVisible("#views a[data-view=devices]"), false, "no devices view");
  assert.equal(await officer.isVisible("#views a[data-view=review]"), false, "no review queue");
  assert.equal(await officer.isVisible("#views a[data-view=officers]"), false, "no officers' access");

  for (const view of ["worklist", "suspects", "briefing"]) {
    const refused = officer.waitForResponse((r) =>
      decodeURIComponent(r.url().replace(/\+/g, " ")).includes("team=South 1") && r.status() === 403);
    await officer.goto(`${base}/#${view}?team=South%201&as_of=${asOf}`);
    await refused;
    await officer.waitForSelector("#error:not([hidden])");
    assert.match(await officer.textContent("#error"), /not one whose records you may see/, `${view} for South 1`);
    assert.equal(await officer.locator("#view table").count(), 0, `no ${view} rows for South 1`);
    assert.doesNotMatch(await officer.textContent("#view"), /South 1/);
  }
  await shot(officer, "officer-denied");
  const { conflict } = await makeConflict(supervisorToken);
  await officer.goto(`${base}/#conflicts?as_of=${asOf}`);
  await officer.locator(`article[data-conflict="${conflict.id}"]`).waitFor();
  assert.equal(await officer.locator("form.decide").count(), 0, "an officer is given no form to decide conflicts");
  await officer.context().close();
  current = page;
});

await check("signing out ends the token on the server and forgets it here", async () => {
  await page.goto(`${base}/#worklist?as_of=${asOf}`);
  await page.waitForSelector("#worklist tbody tr");
  const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem("vigil.session")).token);
  assert.equal((await call("GET", "/api/v1/conflicts", { token })).status, 200);
  const loggedOut = page.waitForResponse((r) => r.url().endsWith("/api/v1/auth/logout"));
  await page.click("#sign-out");
  assert.equal((await loggedOut).status(), 204);
  await page.waitForSelector("#sign-in-view:not([hidden])");
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  assert.equal((await call("GET", "/api/v1/conflicts", { token })).status, 401, "the token no longer works");
  await page.goto(`${base}/#worklist`);
  assert.equal(await page.isVisible("#app"), false);
});

await check("the page made no request outside the server and logged no error", async () => {
  assert.deepEqual(outside, []);
  assert.deepEqual(consoleErrors, []);
});

await browser.close();
checks.finish(`; screenshots in ${out}`);
