// The Vigil dashboard: one page, built into vigil-server, that reads the reports API with the
// signed-in officer's token. What a user may see is decided by the server (an officer gets their
// team, a supervisor the teams they supervise, an administrator the force); the page only asks.
//
// Every piece of data reaches the page as text through el() (never as HTML), so a name or note
// holding markup is shown, not run. The token lives in sessionStorage: closing the tab signs out.
// State is in the address (#view?team=NAME&as_of=DATE), so a view can be bookmarked or shared.
"use strict";

const RISKS = ["very_high", "high", "medium", "low"];
const RISK_LABELS = { low: "Low", medium: "Medium", high: "High", very_high: "Very high" };
const AGE_BANDS = ["1-30", "31-90", "91-180", "181-365", "over_365"];
const AGE_LABELS = {
  "1-30": "1–30 days", "31-90": "31–90", "91-180": "91–180", "181-365": "181–365",
  over_365: "Over a year",
};
const KIND_LABELS = {
  visit: "Home visit", assessment: "Risk assessment", plan_review: "Plan review",
  action: "Plan action", notification: "Notification",
};
const VIEWS = ["worklist", "review", "backlog", "suspects", "compliance", "devices", "officers", "conflicts", "briefing", "nominal", "suspect", "bail"];
// The views of one record, named by ?id=REF.
const RECORD_VIEWS = ["nominal", "suspect", "bail"];
const SUBJECT_LABELS = {
  visit: "Visit", assessment: "Assessment", plan: "Plan", plan_action: "Plan action",
  breach: "Breach", change: "Rejected change",
};
const DISPOSALS = [["prison", "Prison"], ["hospital", "Hospital order"], ["hospital_restricted", "Hospital order with restrictions"],
  ["caution", "Caution"], ["conditional_discharge", "Conditional discharge"], ["other", "Other"]];
// The ranks that may authorise bail, junior first (docs/domain.md, "Pre-charge bail").
const BAIL_AUTHORITIES = [["custody_officer", "Custody officer"], ["inspector", "Inspector"], ["superintendent", "Superintendent"],
  ["assistant_chief_constable", "Assistant chief constable or commander"], ["magistrates_court", "Magistrates' court"]];
const SESSION_KEY = "vigil.session";

// ----- small helpers

// el("td", {class: "x"}, "text", child): an element with attributes and children (strings become
// text nodes; null and false are skipped).
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const SVG_NS = "http://www.w3.org/2000/svg";
function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return append(node, children);
}

const $ = (id) => document.getElementById(id);
const number = (n) => (n === null || n === undefined ? "" : Number(n).toLocaleString("en-GB"));
const percent = (share) => `${Math.round(share * 100)}%`;
const riskChip = (risk) => el("span", { class: `risk risk-${risk}` }, RISK_LABELS[risk] ?? risk);
const instant = (text) => (text ? text.replace("T", " ").replace(/:\d\dZ$/, " UTC") : "never");
const plural = (n, one, many = `${one}s`) => `${number(n)} ${n === 1 ? one : many}`;
// A nominal's reference as a link to their page (reached from every row that names one).
const recordLink = (view) => (ref) => (ref ? el("a", { href: `#${view}?id=${encodeURIComponent(ref)}`, class: "nominal-link" }, ref) : "");
const nominalLink = recordLink("nominal");
const suspectLink = recordLink("suspect");
const bailLink = recordLink("bail");
// Today in London, where the records' dates are kept (not the browser's UTC date).
const londonToday = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London" }).format(new Date());

// ----- session and API

function session() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY));
  } catch {
    return null;
  }
}

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// Calls the API with the session's token; a 401 ends the session. Throws ApiError with the
// server's own sentence.
async function api(path, { method = "GET", body } = {}) {
  const current = session();
  const headers = { Accept: "application/json" };
  if (current) headers.Authorization = `Bearer ${current.token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, "The server cannot be reached. Check the connection and try again.");
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (response.status === 401 && current) {
    signOut(json?.error === "device_revoked"
      ? "This sign-in has been revoked by a supervisor. Sign in again."
      : "Your session has ended. Sign in again.");
    throw new ApiError(401, "Signed out.");
  }
  if (!response.ok) {
    throw new ApiError(response.status, json?.message ?? `The server answered ${response.status}.`);
  }
  return json;
}

// ----- address: #view?team=NAME&as_of=DATE (and id=REF for a nominal's page)

function route() {
  const [view, query] = location.hash.replace(/^#/, "").split("?");
  const params = new URLSearchParams(query ?? "");
  return {
    view: VIEWS.includes(view) ? view : "worklist", team: params.get("team") ?? "", asOf: params.get("as_of") ?? "",
    id: params.get("id") ?? "",
  };
}

function go(changes) {
  const next = { ...route(), ...changes };
  const params = new URLSearchParams();
  if (RECORD_VIEWS.includes(next.view) && next.id) params.set("id", next.id);
  if (next.team) params.set("team", next.team);
  if (next.asOf) params.set("as_of", next.asOf);
  const query = params.toString();
  location.hash = `${next.view}${query ? `?${query}` : ""}`;
}

// The report query for the current scope and date.
function reportQuery(extra = {}) {
  const { team, asOf } = route();
  const params = new URLSearchParams(extra);
  if (team) params.set("team", team);
  if (asOf) params.set("as_of", asOf);
  const query = params.toString();
  return query ? `?${query}` : "";
}

// ----- signing in and out

async function signIn(event) {
  event.preventDefault();
  const form = event.target;
  const message = $("sign-in-error");
  message.hidden = true;
  const button = form.querySelector("button");
  button.disabled = true;
  try {
    const answer = await api("/api/v1/auth/login", {
      method: "POST",
      body: { username: form.username.value.trim(), password: form.password.value, device_name: "Dashboard", kind: "browser" },
    });
    sessionStorage.setItem(SESSION_KEY, JSON.stringify({ token: answer.token, officer: answer.officer, role: answer.role }));
    form.reset();
    await start();
  } catch (error) {
    message.textContent = sentence(error.message);
    message.hidden = false;
  } finally {
    button.disabled = false;
  }
}

// Ends the session here; when `server` is true it also ends the token on the server (signing out
// revokes this sign-in for good), else only forgets it (it has already ended there).
function signOut(reason, { server = false } = {}) {
  if (server && session()) {
    api("/api/v1/auth/logout", { method: "POST" }).catch(() => {});  // forgotten here either way
  }
  ++renderCount;  // a view still loading is not drawn over the sign-in form
  sessionStorage.removeItem(SESSION_KEY);
  $("app").hidden = true;
  $("controls").hidden = true;
  $("sign-in-view").hidden = false;
  const message = $("sign-in-error");
  message.textContent = reason ?? "";
  message.hidden = !reason;
  $("view").replaceChildren();
  document.querySelector("#sign-in input[name=username]").focus();
}

// The scope picker lists the teams the server says the caller may see (a report's scope.teams,
// asked for without a team); the caller's whole scope is the first choice.
async function loadTeams() {
  const current = session();
  if (current.teams) return current.teams;
  const trend = await api("/api/v1/reports/trend");
  current.teams = trend.scope.teams;
  current.force = trend.scope.force;
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(current));
  return current.teams;
}

async function start() {
  const current = session();
  if (!current) return signOut();
  $("sign-in-view").hidden = true;
  $("app").hidden = false;
  $("controls").hidden = false;
  $("who").textContent = `${current.officer} (${current.role})`;
  const supervisor = current.role !== "officer";
  for (const link of document.querySelectorAll("#views [data-supervisor]")) link.hidden = !supervisor;
  try {
    const teams = await loadTeams();
    const picker = $("scope");
    const whole = session().force ? "Whole force" : teams.length > 1 ? "All my teams" : teams[0] ?? "My team";
    picker.replaceChildren(el("option", { value: "" }, whole),
      ...(teams.length > 1 || session().force ? teams.map((t) => el("option", { value: t }, t)) : []));
  } catch (error) {
    if (error.status !== 401) showError(error.message);
    if (error.status === 401) return;
  }
  await render();
}

// ----- rendering a view

let renderCount = 0;

// The server's sentences start in lower case, to be quoted inside others; shown alone, each
// starts with a capital and ends with a full stop.
function sentence(text) {
  if (!text) return "";
  const capital = text[0].toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

function showError(message) {
  const box = $("error");
  box.textContent = sentence(message);
  box.hidden = !message;
}

async function render() {
  if (!session()) return signOut();
  const { view, team, asOf } = route();
  $("scope").value = team;
  if ($("scope").value !== team) {
    // A team not in the picker (typed into the address): ask anyway, and let the server decide.
    $("scope").append(el("option", { value: team }, team));
    $("scope").value = team;
  }
  $("as-of").value = asOf;
  for (const link of document.querySelectorAll("#views a")) {
    if (link.dataset.view === view) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
    link.href = `#${link.dataset.view}${reportQuery()}`;
  }
  showError("");
  const target = $("view");
  const ticket = ++renderCount;
  target.setAttribute("aria-busy", "true");
  target.replaceChildren(el("p", { class: "loading" }, "Loading…"));
  $("freshness").replaceChildren();
  try {
    const { content, report } = await VIEW_RENDERERS[view]();
    if (ticket !== renderCount) return;  // a later choice has replaced this one
    if (report) showFreshness(report);
    target.replaceChildren(content);
  } catch (error) {
    if (ticket !== renderCount) return;
    target.replaceChildren();
    if (error.status !== 401) showError(error.message);
  } finally {
    if (ticket === renderCount) target.setAttribute("aria-busy", "false");
  }
}

// How fresh the data behind a report is: the tablets that have not synced may hold visits the
// report cannot see yet.
function showFreshness(report) {
  const f = report.freshness;
  const scope = report.scope.force ? "the whole force" : report.scope.teams.join(", ");
  const parts = [`As of ${report.as_of} for ${scope}; made ${instant(report.generated_at)}.`];
  if (f.devices === 0) parts.push("No tablets in this scope.");
  else {
    parts.push(`Oldest tablet sync: ${instant(f.oldest_sync)}.`);
    if (f.never_synced > 0) parts.push(`${plural(f.never_synced, "tablet")} never synced.`);
  }
  $("freshness").textContent = parts.join(" ");
  $("as-of").value = report.as_of;
}

function section(title, ...children) {
  return el("section", { class: "panel" }, el("h2", {}, title), ...children);
}

function empty(text) {
  return el("p", { class: "empty" }, text);
}

// A sortable table: columns [{key, label, value(row) -> sort key, cell(row) -> content,
// numeric}], sorted by `sort` {key, descending}. Sorting happens in place, on the rows given.
function sortableTable(id, columns, rows, sort) {
  const table = el("table", { id, class: "data" });
  const head = el("tr");
  const body = el("tbody");
  const draw = () => {
    const column = columns.find((c) => c.key === sort.key);
    const key = column.value ?? ((row) => row[column.key]);
    const sign = sort.descending ? -1 : 1;
    const ordered = rows.map((row, index) => ({ row, index }));
    ordered.sort((a, b) => {
      const x = key(a.row);
      const y = key(b.row);
      const order = x < y ? -1 : x > y ? 1 : 0;
      return order !== 0 ? sign * order : a.index - b.index;  // stable: the server's order breaks ties
    });
    body.replaceChildren(...ordered.map(({ row }) =>
      el("tr", {}, ...columns.map((c) => el("td", { class: c.className ?? c.key }, c.cell ? c.cell(row) : row[c.key])))));
    for (const th of head.children) {
      th.setAttribute("aria-sort", th.dataset.key === sort.key ? (sort.descending ? "descending" : "ascending") : "none");
    }
  };
  for (const c of columns) {
    head.append(el("th", { scope: "col", "data-key": c.key, class: c.numeric ? "numeric" : null },
      el("button", {
        type: "button",
        onclick: () => {
          sort.descending = sort.key === c.key ? !sort.descending : Boolean(c.numeric);
          sort.key = c.key;
          draw();
        },
      }, c.label)));
  }
  table.append(el("thead", {}, head), body);
  draw();
  return table;
}

function simpleTable(headings, rows) {
  return el("table", { class: "data" },
    el("thead", {}, el("tr", {}, headings.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((c) => el("td", {}, c))))));
}

// ----- views

async function worklistView() {
  const report = await api(`/api/v1/reports/overdue${reportQuery()}`);
  const s = report.summary;
  const cards = el("div", { class: "cards" },
    card("Overdue items", number(s.total)),
    card("Nominals in scope", number(s.nominals)),
    ...RISKS.map((r) => card(`${RISK_LABELS[r]} risk`, number(s.by_risk[r]), `edge-${r}`)),
    s.unscheduled > 0 ? card("Nothing to schedule from", number(s.unscheduled)) : null);

  const riskFilter = el("select", { name: "risk" }, el("option", { value: "" }, "Every risk level"),
    RISKS.map((r) => el("option", { value: r }, RISK_LABELS[r])));
  const kindFilter = el("select", { name: "kind" }, el("option", { value: "" }, "Everything overdue"),
    [...new Set(report.items.map((i) => i.kind))].map((k) => el("option", { value: k }, KIND_LABELS[k] ?? k)));
  const search = el("input", { type: "search", name: "search", placeholder: "Nominal or officer" });
  const holder = el("div", { class: "table-holder" });
  const count = el("p", { class: "count" });
  const sort = { key: "priority", descending: true };
  const columns = [
    { key: "priority", label: "Priority", numeric: true },
    { key: "nominal_ref", label: "Nominal", cell: (i) => nominalLink(i.nominal_ref) },
    { key: "kind", label: "What is late", cell: (i) => [KIND_LABELS[i.kind] ?? i.kind, i.detail ? el("div", { class: "detail" }, i.detail) : null] },
    { key: "risk_level", label: "Risk", value: (i) => RISKS.length - RISKS.indexOf(i.risk_level), cell: (i) => riskChip(i.risk_level), numeric: true },
    { key: "due", label: "Due" },
    { key: "days_overdue", label: "Days late", numeric: true, cell: (i) => number(i.days_overdue) },
    { key: "officer", label: "Officer" },
    { key: "team", label: "Team" },
    { key: "reasons", label: "Why this priority", value: (i) => i.reasons.join("; "),
      cell: (i) => el("ul", { class: "reasons" }, i.reasons.map((r) => el("li", {}, r))) },
  ];
  const draw = () => {
    const words = search.value.trim().toLowerCase();
    const rows = report.items.filter((i) =>
      (!riskFilter.value || i.risk_level === riskFilter.value) &&
      (!kindFilter.value || i.kind === kindFilter.value) &&
      (!words || `${i.nominal_ref} ${i.officer}`.toLowerCase().includes(words)));
    count.textContent = rows.length === report.items.length
      ? `${plural(rows.length, "item")}, highest priority first.`
      : `${number(rows.length)} of ${plural(report.items.length, "item")}.`;
    holder.replaceChildren(rows.length ? sortableTable("worklist", columns, rows, sort) : empty("Nothing overdue matches."));
  };
  for (const control of [riskFilter, kindFilter]) control.addEventListener("change", draw);
  search.addEventListener("input", draw);
  draw();
  return { report, content: el("div", {}, cards,
    section("Overdue worklist",
      el("p", { class: "hint" }, "Priority weighs risk, how late the item is and what else is known about the nominal; each row gives its reasons. Select a heading to sort."),
      el("div", { class: "filters" }, el("label", {}, "Risk ", riskFilter), el("label", {}, "Item ", kindFilter), el("label", {}, "Search ", search)),
      count, holder)) };
}

function card(label, value, extra) {
  return el("div", { class: `card ${extra ?? ""}` }, el("span", { class: "value" }, value), el("span", { class: "label" }, label));
}

// Items by risk level and age band, as stacked bars (one per band) and as a table.
function backlogChart(items) {
  const counts = Object.fromEntries(AGE_BANDS.map((b) => [b, Object.fromEntries(RISKS.map((r) => [r, 0]))]));
  for (const item of items) counts[ageBand(item.days_overdue)][item.risk_level] += 1;
  const totals = AGE_BANDS.map((b) => RISKS.reduce((sum, r) => sum + counts[b][r], 0));
  const highest = Math.max(1, ...totals);
  const width = 640, height = 260, left = 44, bottom = 36, top = 16;
  const barWidth = (width - left - 16) / AGE_BANDS.length;
  const scale = (height - top - bottom) / highest;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img",
    "aria-label": "Overdue items by age band, stacked by risk level" });
  chart.append(svg("title", {}, "Overdue items by age band and risk level"));
  for (const tick of ticks(highest)) {
    const y = height - bottom - tick * scale;
    chart.append(svg("line", { x1: left, x2: width - 8, y1: y, y2: y, class: "grid" }),
      svg("text", { x: left - 6, y: y + 4, class: "axis", "text-anchor": "end" }, number(tick)));
  }
  AGE_BANDS.forEach((band, i) => {
    let y = height - bottom;
    const x = left + i * barWidth + 8;
    for (const risk of [...RISKS].reverse()) {
      const h = counts[band][risk] * scale;
      if (h > 0) {
        y -= h;
        chart.append(svg("rect", { x, y, width: barWidth - 16, height: h, class: `bar risk-${risk}` },
          svg("title", {}, `${AGE_LABELS[band]}: ${counts[band][risk]} ${RISK_LABELS[risk].toLowerCase()} risk`)));
      }
    }
    chart.append(svg("text", { x: x + (barWidth - 16) / 2, y: y - 4, class: "total", "text-anchor": "middle" }, number(totals[i])),
      svg("text", { x: x + (barWidth - 16) / 2, y: height - bottom + 18, class: "axis", "text-anchor": "middle" }, AGE_LABELS[band]));
  });
  const table = simpleTable(["Risk", ...AGE_BANDS.map((b) => AGE_LABELS[b]), "Total"],
    RISKS.map((r) => [riskChip(r), ...AGE_BANDS.map((b) => number(counts[b][r])), number(AGE_BANDS.reduce((s, b) => s + counts[b][r], 0))]));
  table.id = "backlog-table";
  return el("div", { class: "chart-block" }, chart, legend(), table);
}

function ageBand(days) {
  return days <= 30 ? "1-30" : days <= 90 ? "31-90" : days <= 180 ? "91-180" : days <= 365 ? "181-365" : "over_365";
}

function ticks(highest) {
  const step = Math.max(1, Math.pow(10, Math.floor(Math.log10(highest))) / (highest / Math.pow(10, Math.floor(Math.log10(highest))) < 2.5 ? 2 : 1));
  const out = [];
  for (let t = 0; t <= highest; t += step) out.push(t);
  return out;
}

function legend() {
  return el("p", { class: "legend" }, RISKS.map((r) => [riskChip(r), " "]));
}

// The nightly snapshots' totals over the last 90 days: all items, and high or very high risk.
function trendChart(trend) {
  if (trend.points.length === 0) {
    return empty(`No nightly snapshots between ${trend.from} and ${trend.as_of} yet: the trend is drawn from what each night's vigil batch run counted.`);
  }
  const width = 640, height = 220, left = 44, bottom = 30, top = 12, right = 12;
  const day = (text) => Date.parse(`${text}T00:00:00Z`) / 86400000;
  const first = day(trend.from), last = day(trend.as_of);
  const highest = Math.max(1, ...trend.points.map((p) => p.total));
  const x = (d) => left + ((day(d) - first) / Math.max(1, last - first)) * (width - left - right);
  const y = (n) => height - bottom - (n / highest) * (height - top - bottom);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img",
    "aria-label": `Overdue items each night from ${trend.from} to ${trend.as_of}` });
  chart.append(svg("title", {}, "Backlog trend"));
  for (const tick of ticks(highest)) {
    chart.append(svg("line", { x1: left, x2: width - right, y1: y(tick), y2: y(tick), class: "grid" }),
      svg("text", { x: left - 6, y: y(tick) + 4, class: "axis", "text-anchor": "end" }, number(tick)));
  }
  const line = (value, className) => {
    const points = trend.points.map((p) => `${x(p.as_of).toFixed(1)},${y(value(p)).toFixed(1)}`).join(" ");
    chart.append(svg("polyline", { points, class: `line ${className}` }));
    for (const p of trend.points) {
      chart.append(svg("circle", { cx: x(p.as_of), cy: y(value(p)), r: 2.5, class: `dot ${className}` },
        svg("title", {}, `${p.as_of}: ${value(p)}`)));
    }
  };
  line((p) => p.total, "all");
  line((p) => p.by_risk.high + p.by_risk.very_high, "high");
  chart.append(svg("text", { x: left, y: height - 8, class: "axis" }, trend.from),
    svg("text", { x: width - right, y: height - 8, class: "axis", "text-anchor": "end" }, trend.as_of));
  const latest = trend.points[trend.points.length - 1];
  return el("div", { class: "chart-block" }, chart,
    el("p", { class: "legend" }, el("span", { class: "key all" }, "All overdue items"), " ",
      el("span", { class: "key high" }, "High and very high risk")),
    el("p", {}, `${plural(trend.points.length, "night")} with a snapshot; on ${latest.as_of}, ${plural(latest.total, "item")} overdue.`));
}

async function backlogView() {
  const [report, trend] = await Promise.all([
    api(`/api/v1/reports/overdue${reportQuery()}`), api(`/api/v1/reports/trend${reportQuery()}`)]);
  const oldest = RISKS.map((r) => report.summary.oldest[r]).filter(Boolean);
  return { report, content: el("div", {},
    section("Overdue items by risk level and age", backlogChart(report.items)),
    section("Backlog over the last 90 days", trendChart(trend)),
    section("The longest overdue at each risk level",
      oldest.length ? simpleTable(["Risk", "Nominal", "What is late", "Due", "Days late", "Officer"],
        oldest.map((i) => [riskChip(i.risk_level), nominalLink(i.nominal_ref), KIND_LABELS[i.kind] ?? i.kind, i.due, number(i.days_overdue), i.officer]))
        : empty("Nothing is overdue."))) };
}

async function suspectsView() {
  const report = await api(`/api/v1/reports/suspects${reportQuery()}`);
  const r = report.rates;
  const bail = report.bail.length
    ? simpleTable(["Case", "Suspect", "Officer", "Arrested", "Bail ends", "Status", "Extension needs"],
      report.bail.map((b) => [bailLink(b.ref), b.name, b.officer, b.arrested_on, b.bail_ends,
        el("span", { class: b.ended ? "status overdue" : "status due" },
          b.ended ? `Ended ${plural(-b.days_left, "day")} ago` : b.days_left === 0 ? "Ends today" : `${plural(b.days_left, "day")} left`),
        b.extension ? `${b.extension.label}, before ${b.extension.by} (to ${b.extension.furthest} at most)` : b.ended ? "Too late to extend" : "No further extension"]))
    : empty("No bail period ends within 7 days, and none has ended unresolved.");
  const rui = report.rui_reviews.length
    ? simpleTable(["Case", "Suspect", "Officer", "Last review", "Review due", "Days late"],
      report.rui_reviews.map((x) => [bailLink(x.ref), x.name, x.officer, x.last_review ?? "none", x.due, number(x.days_overdue)]))
    : empty("No released-under-investigation review is due.");
  const suspects = report.outstanding_suspects.length
    ? sortableTable("suspects", [
      // The force's named list goes before every priority worked out, as the server orders it.
      { key: "priority", label: "Priority", numeric: true, value: (s) => (s.listed ? 1e9 : 0) + s.priority,
        cell: (s) => [number(s.priority), s.listed ? el("span", { class: "status due" }, " listed") : null] },
      { key: "ref", label: "Ref", cell: (s) => suspectLink(s.ref) },
      { key: "name", label: "Suspect" },
      { key: "offence", label: "Offence" },
      { key: "harm", label: "Harm", numeric: true, value: (s) => -s.harm },
      { key: "days_outstanding", label: "Days outstanding", numeric: true, cell: (s) => number(s.days_outstanding) },
      { key: "days_since_trace", label: "Days since trace", numeric: true,
        cell: (s) => (s.last_trace_on === null ? `${number(s.days_since_trace)} (never traced)` : number(s.days_since_trace)) },
      { key: "officer", label: "Officer" },
      { key: "reasons", label: "Why this priority", value: (s) => s.reasons.join("; "),
        cell: (s) => el("ul", { class: "reasons" }, s.reasons.map((x) => el("li", {}, x))) },
    ], report.outstanding_suspects, { key: "priority", descending: true })
    : empty("No outstanding suspects.");
  return { report, content: el("div", {},
    el("div", { class: "cards" },
      card("Arrests in the last year", number(r.arrests)),
      card("On bail now", number(r.on_bail)),
      card("Under investigation", number(r.under_investigation)),
      card("Bail per 1,000 arrests", number(r.bail_per_1000_arrests)),
      card("RUI per 1,000 arrests", number(r.rui_per_1000_arrests))),
    section("Bail ending within 7 days or ended", bail),
    section("Released under investigation: reviews due", rui),
    section("Outstanding suspects by priority", suspects)) };
}

async function complianceView() {
  const report = await api(`/api/v1/reports/compliance${reportQuery()}`);
  // The pre-arranged share by officer and month: a rise is how backlog-clearing shows.
  const months = [...new Set(report.announced_share.map((a) => a.month))].sort();
  const officers = [...new Set(report.announced_share.map((a) => a.officer))].sort();
  const share = new Map(report.announced_share.map((a) => [`${a.officer} ${a.month}`, a]));
  const shareTable = officers.length
    ? simpleTable(["Officer", ...months], officers.map((o) => [o, ...months.map((m) => {
      const a = share.get(`${o} ${m}`);
      return a ? el("span", { class: a.share >= 0.5 ? "status overdue" : null, title: `${a.announced} of ${a.visits} visits pre-arranged` }, percent(a.share)) : "—";
    })]))
    : empty("No visits in the period.");
  return { report, content: el("div", {},
    el("p", { class: "hint" }, `From ${report.from} to ${report.as_of}.`),
    section("Visits with fewer officers than the plan required",
      report.under_crewed_visits.length
        ? simpleTable(["Nominal", "Officer", "When", "Officers present", "Plan required"],
          report.under_crewed_visits.map((v) => [nominalLink(v.nominal_ref), v.officer, instant(v.occurred_at), number(v.attendees), number(v.required)]))
        : empty("Every visit had the crew its plan required.")),
    section("Pre-arranged visits, by officer and month", shareTable),
    section("Plan defects",
      report.plan_defects.length
        ? simpleTable(["Nominal", "Plan started", "Problem", "Action"],
          report.plan_defects.map((d) => [nominalLink(d.nominal_ref), d.plan_started_on, d.problem, d.action]))
        : empty("No plan is missing actions, owners or due dates.")),
    section("Caseloads against 1:50",
      simpleTable(["Officer", "Team", "Nominals", "Limit", ""],
        report.caseloads.map((c) => [c.officer, c.team, number(c.nominals), number(c.limit),
          el("span", { class: c.over ? "status overdue" : "status ok" }, c.over ? "Over" : "Within")]))),
    section("The same officer alone at the same nominal, again and again",
      report.repeated_solo_visits.length
        ? simpleTable(["Officer", "Nominal", "Visits alone", "Last"],
          report.repeated_solo_visits.map((v) => [v.officer, nominalLink(v.nominal_ref), number(v.visits), instant(v.last_at)]))
        : empty("No officer visited one nominal alone three or more times."))) };
}

async function devicesView() {
  const report = await api(`/api/v1/reports/devices${reportQuery()}`);
  return { report, content: section("Tablets",
    el("p", { class: "hint" }, `${plural(report.summary.devices, "device")}; ${number(report.summary.silent_over_24h)} silent for over 24 hours, ${number(report.summary.silent_with_changes)} of them holding changes.`),
    report.items.length
      ? simpleTable(["Device", "Officer", "Team", "Last contact", "Changes pending then", "Oldest waiting since", "Clock skew", ""],
        report.items.map((d) => [d.name, d.officer, d.team, instant(d.last_contact_at),
          d.pending_changes === null ? "—" : number(d.pending_changes),
          d.oldest_pending_at === null ? "—" : instant(d.oldest_pending_at),
          d.clock_skew_ms === null ? "—" : `${(d.clock_skew_ms / 1000).toFixed(1)} s`,
          el("span", { class: d.silent_over_24h ? "status overdue" : "status ok" },
            d.silent_with_changes ? "Silent over 24 h, holding changes" : d.silent_over_24h ? "Silent over 24 h" : "In contact")]))
      : empty("No tablets in this scope.")) };
}

async function conflictsView() {
  const list = await api("/api/v1/conflicts");
  const supervisor = session().role !== "officer";
  const items = list.items;
  const holder = el("div", { class: "conflicts" });
  if (items.length === 0) holder.append(empty("No open conflicts."));
  // A conflict on a nominal names them for the supervisor who decides it: reading who they are
  // is an audited read, made only by someone who may decide.
  const nominals = new Map();
  const named = supervisor ? items.filter((c) => c.entity === "nominal").map((c) => c.entity_id) : [];
  await Promise.all([...new Set(named)].map(async (id) => {
    try {
      nominals.set(id, await api(`/api/v1/nominals/${encodeURIComponent(id)}?reason=${encodeURIComponent("deciding a conflict")}`));
    } catch (error) {
      if (error.status === 401) throw error;  // else the card shows the record's id alone
    }
  }));
  for (const c of items) holder.append(conflictCard(c, supervisor, nominals.get(c.entity_id)));
  return { content: section("Open conflicts",
    el("p", { class: "hint" }, "Two tablets changed the same field from the same starting value. The later change is in force until a supervisor decides."),
    holder) };
}

function conflictCard(c, supervisor, nominal) {
  const value = (v) => (v === null || v === "" ? el("em", {}, "empty") : v);
  const what = nominal ? `${nominal.ref} ${nominal.surname}, ${nominal.forenames}` : c.entity.replace(/_/g, " ");
  const card = el("article", { class: "conflict", "data-conflict": c.id },
    el("h3", {}, `${what}: ${c.field.replace(/_/g, " ")}`),
    el("dl", {},
      el("dt", {}, "In force"), el("dd", { class: "winning" }, value(c.winning_value)),
      el("dt", {}, "Set aside"), el("dd", { class: "losing" }, value(c.losing_value)),
      el("dt", {}, "Detected"), el("dd", {}, instant(c.detected_at)),
      el("dt", {}, "Record"), el("dd", { class: "id" }, c.entity_id)));
  if (!supervisor) return card;
  const status = el("p", { class: "result", role: "status" });
  const form = el("form", { class: "decide" },
    el("fieldset", {},
      el("legend", {}, "Decision"),
      el("label", {}, el("input", { type: "radio", name: "keep", value: "winning", checked: true }), " Keep the value in force"),
      el("label", {}, el("input", { type: "radio", name: "keep", value: "losing" }), " Use the set-aside value")),
    el("label", {}, "Note ", el("input", { name: "note", maxlength: 500 })),
    el("button", { type: "submit" }, "Decide"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      const body = { keep: form.keep.value };
      if (form.note.value.trim()) body.note = form.note.value.trim();
      await api(`/api/v1/conflicts/${encodeURIComponent(c.id)}/decision`, { method: "POST", body });
      form.remove();
      card.classList.add("decided");
      status.textContent = body.keep === "winning" ? "Decided: the value in force stays." : "Decided: the set-aside value is now in force.";
    } catch (error) {
      status.textContent = sentence(error.message);
      status.classList.add("error");
      button.disabled = false;
    }
  });
  card.append(form, status);
  return card;
}

// The review queue: what officers did that waits for the supervisor, the visits short of their
// crew or pre-arranged against the plan first; each signed off or returned with a comment. A
// decision is a fact that reaches the officer's tablet at its next sync.
async function reviewView() {
  const { team } = route();
  const queue = await api(`/api/v1/review-queue${team ? `?team=${encodeURIComponent(team)}` : ""}`);
  const s = queue.summary;
  const cards = el("div", { class: "cards" },
    el("div", { class: "card" }, el("span", { class: "figure" }, number(s.waiting)), el("span", {}, "waiting for review")),
    el("div", { class: "card" }, el("span", { class: "figure" }, number(s.first)), el("span", {}, "short of crew or pre-arranged")),
    el("div", { class: "card" }, el("span", { class: "figure" }, number(s.oldest_days)), el("span", {}, "days, the longest wait")),
    el("div", { class: "card" }, el("span", { class: "figure" }, number(s.returned)), el("span", {}, "returned, with the officer")));
  const older = Object.entries(queue.older_unreviewed).filter(([, n]) => n > 0);
  const olderNote = older.length === 0 ? null : el("p", { class: "hint older" },
    `Older than ${queue.window_days} days and never reviewed (not listed): ${older.map(([k, n]) => `${number(n)} ${(SUBJECT_LABELS[k] ?? k).toLowerCase()}${n === 1 ? "" : "s"}`).join(", ")}.`);
  // What to show: every kind, or one.
  const kinds = [...new Set(queue.waiting.map((i) => i.subject))];
  const filter = el("select", { id: "review-kind", name: "kind" },
    el("option", { value: "" }, `Everything (${queue.waiting.length})`),
    kinds.map((k) => el("option", { value: k }, `${SUBJECT_LABELS[k] ?? k} (${queue.waiting.filter((i) => i.subject === k).length})`)));
  const waiting = el("div", { class: "review-items", id: "review-waiting" });
  const draw = () => {
    const shown = queue.waiting.filter((i) => !filter.value || i.subject === filter.value);
    waiting.replaceChildren(...(shown.length ? shown.map((item) => reviewCard(item, true)) : [empty("Nothing waits for review.")]));
  };
  filter.addEventListener("change", draw);
  draw();
  const returned = el("div", { class: "review-items", id: "review-returned" });
  if (queue.returned.length === 0) returned.append(empty("Nothing is with an officer."));
  // A returned item can be signed off too: what the officer cannot change again (an assessment,
  // a rejected change) is closed so.
  for (const item of queue.returned) returned.append(reviewCard(item, true, true));
  return { content: el("div", {},
    section("Review queue",
      el("p", { class: "hint" }, `Visits short of their crew or pre-arranged against the plan come first, with the officer's reasons; ${queue.sample_percent}% of visits are drawn at random for dip sampling.`),
      cards, olderNote,
      el("div", { class: "filters" }, el("label", { for: "review-kind" }, "Show "), filter),
      waiting),
    section("Returned to officers", returned)) };
}

function reviewCard(item, decide, withOfficer = false) {
  const waited = `${plural(item.days_waiting, "day")} ${withOfficer ? "with the officer" : "waiting"}`;
  const card = el("article", { class: item.first ? "review first" : "review", "data-subject": item.subject_id },
    el("h3", {}, `${SUBJECT_LABELS[item.subject] ?? item.subject}${item.nominal_ref ? ` for ${item.nominal_ref}` : ""}: ${item.summary}`),
    item.nominal_ref ? el("p", { class: "meta" }, nominalLink(item.nominal_ref), " — the whole record") : null,
    el("p", { class: "meta" }, `${item.officer ?? "No officer named"}, ${item.team}; ${waited} (since ${instant(item.since)}).`),
    el("ul", { class: "reasons" }, item.reasons.map((r) => el("li", {}, r))),
    item.returned ? el("p", { class: "returned" }, `Returned by ${item.returned.reviewer}: “${item.returned.comment}”`) : null);
  if (!decide) return card;
  if (item.own) {
    card.append(el("p", { class: "hint own" }, "Your own work: another supervisor of the team, or an administrator, decides it."));
    return card;
  }
  const status = el("p", { class: "result", role: "status" });
  const label = `review-comment-${item.subject_id}`;
  const form = el("form", { class: "decide" },
    el("label", { for: label }, "Comment (needed to return it)"),
    el("textarea", { id: label, name: "comment", rows: 2, maxlength: 2000 }),
    el("div", { class: "buttons" },
      el("button", { type: "submit", value: "signed_off" }, "Sign off"),
      el("button", { type: "submit", value: "returned" }, "Return to the officer")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const decision = event.submitter?.value ?? "signed_off";
    const comment = form.comment.value.trim();
    if (decision === "returned" && !comment) {
      status.textContent = "Say what the officer is to do before returning it.";
      status.classList.add("error");
      form.comment.focus();
      return;
    }
    for (const button of form.querySelectorAll("button")) button.disabled = true;
    try {
      const body = { team: item.team, subject: item.subject, subject_id: item.subject_id, decision };
      if (comment) body.comment = comment;
      await api("/api/v1/reviews", { method: "POST", body });
      form.remove();
      card.classList.add("decided");
      status.classList.remove("error");
      status.textContent = decision === "returned" ? "Returned to the officer; their tablet shows it at its next sync." : "Signed off.";
    } catch (error) {
      status.textContent = sentence(error.message);
      status.classList.add("error");
      for (const button of form.querySelectorAll("button")) button.disabled = false;
    }
  });
  card.append(form, status);
  return card;
}

async function briefingView() {
  const { team } = route();
  const list = await api(`/api/v1/nominals?briefing=true${team ? `&team=${encodeURIComponent(team)}` : ""}`);
  const byArea = new Map();
  for (const n of list.items) {
    const area = n.area || (n.no_fixed_abode ? `${n.team}: no fixed abode, area not recorded` : `${n.team}: housed (address on file)`);
    if (!byArea.has(area)) byArea.set(area, []);
    byArea.get(area).push(n);
  }
  const rank = (n) => RISKS.indexOf(n.current_risk_level);
  // The areas where people of no fixed abode are known to stay first, then each team's housed.
  const housed = (area) => byArea.get(area).every((n) => !n.no_fixed_abode);
  const areas = [...byArea.keys()].sort((a, b) => housed(a) - housed(b) || a.localeCompare(b, "en-GB"));
  const current = session();
  const scope = team || (current.force ? "the whole force" : (current.teams ?? []).join(", "));
  const printed = new Date().toLocaleString("en-GB", { timeZone: "Europe/London", dateStyle: "long", timeStyle: "short" });
  return { content: el("article", { class: "briefing" },
    el("header", {},
      el("h2", {}, "Neighbourhood briefing"),
      el("p", {}, `${scope}: records as they stand at ${printed}. Restricted: for police briefing only; do not leave unattended.`),
      el("button", { type: "button", class: "print", onclick: () => window.print() }, "Print")),
    list.items.length === 0 ? empty("No nominal of no fixed abode or high risk in this scope.") : null,
    areas.map((area) => el("section", { class: "area" },
      el("h3", {}, `${area} (${byArea.get(area).length})`),
      simpleTable(["Nominal", "Name", "Risk", "Kind", "No fixed abode", "Officer"],
        byArea.get(area).sort((a, b) => rank(a) - rank(b) || a.ref.localeCompare(b.ref)).map((n) => [
          nominalLink(n.ref), `${n.surname}, ${n.forenames}`, riskChip(n.current_risk_level), n.kind.toUpperCase(),
          n.no_fixed_abode ? "Yes" : "No", n.officer ?? "unassigned"]))))) };
}

// A nominal's page: the reason for opening it first (each read is audited with it), then the
// whole record, its timeline, and for a supervisor who opened it and why.
const READ_REASONS = ["Supervisory review", "Case management", "Morning meeting", "Risk assessment"];
// A record's page first asks why it is opened: the read is audited with the reason. Each opening
// asks again (and is audited again); a page read again after a write there keeps its reason.
// { reason, written } once given (`written(what)` says it is recorded and reads the page again),
// else { content }: the question.
function openingReason(view, id, title) {
  const key = `${view}:${id}`;
  const reason = readReason.get(key);
  if (reason) {
    readReason.delete(key);
    const written = (what) => { readReason.set(key, reason); setTimeout(render, 800); return `${what} recorded.`; };
    return { reason, written };
  }
  const form = el("form", { id: "read-reason", class: "decide" },
    el("label", { for: "reason" }, `Why are you opening ${id}'s record? It is recorded in the audit log.`),
    el("input", { id: "reason", name: "reason", list: "reasons", required: true, maxlength: 200, value: READ_REASONS[0] }),
    el("datalist", { id: "reasons" }, READ_REASONS.map((r) => el("option", { value: r }))),
    el("button", { type: "submit" }, "Open the record"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    readReason.set(key, form.reason.value.trim());
    render();
  });
  return { content: section(`${title} ${id}`, form) };
}

// A change to a record at the desk: only the fields whose values differ from the record's, each
// with the value it replaces (the base), so a change made meanwhile on a tablet is a conflict the
// supervisor sees, never silently overwritten. null when nothing differs.
function recordUpdate(entity, record, values) {
  const fields = {};
  const base = {};
  for (const [name, value] of Object.entries(values)) {
    const now = record[name] ?? null;
    const next = value === "" ? null : value;
    if (now === next) continue;
    fields[name] = next;
    base[name] = now;
  }
  if (!Object.keys(fields).length) return null;
  return { entity, operation: "update", entity_id: record.id, fields, base };
}
const writeRecord = (body) => api("/api/v1/records", { method: "POST", body });

// A record's page opened: { id, written, data } once the reason is given and the record read with
// it from `path`/id, else { content }: the question (openingReason).
async function openRecord(view, title, path) {
  const { id } = route();
  if (!id) throw new ApiError(400, `No ${title.toLowerCase()} was named.`);
  const opening = openingReason(view, id, title);
  if (!opening.reason) return opening;
  const data = await api(`${path}/${encodeURIComponent(id)}?reason=${encodeURIComponent(opening.reason)}`);
  return { id, written: opening.written, data };
}

async function nominalView() {
  const opened = await openRecord("nominal", "Nominal", "/api/v1/nominals");
  if (!opened.data) return opened;
  const { id, written, data: n } = opened;
  const r = n.record;
  const actionsOf = (planId) => r.actions.filter((a) => a.plan_id === planId);
  const conditionsOf = (orderId) => r.conditions.filter((c) => c.order_id === orderId);
  const followUpsOf = (breachId) => r.follow_ups.filter((f) => f.breach_id === breachId);
  const amendmentsOf = (visitId) => r.amendments.filter((m) => m.visit_id === visitId);
  // Everything that happened, newest first.
  const events = [
    ...r.visits.map((v) => ({ at: v.occurred_at, what: "Visit", detail: `${v.outcome.replace(/_/g, " ")}, ${v.announced === "yes" ? "pre-arranged" : "unannounced"}, by ${(v.attendees ?? "").replace(/;/g, ", ")}${amendmentsOf(v.id).length ? `; amended ${plural(amendmentsOf(v.id).length, "time")}` : ""}${v.risk_change ? `; risk change: ${v.risk_change}` : ""}` })),
    ...r.failed_entries.map((f) => ({ at: f.attempted_at, what: "Failed entry", detail: f.reason ?? "" })),
    ...r.assessments.map((a) => ({ at: a.assessed_on, what: "Risk assessment", detail: `${RISK_LABELS[a.risk_level] ?? a.risk_level} risk` })),
    ...r.plans.map((p) => ({ at: p.started_on, what: "Plan started", detail: `${p.visit_every_months ? `visit every ${p.visit_every_months} months` : "visits as often as the policy sets for the risk level"}${p.double_crewed === "yes" ? ", double-crewed" : ""}` })),
    ...r.breaches.map((b) => ({ at: b.occurred_at, what: "Breach", detail: `${b.condition_text ?? ""}${followUpsOf(b.id).length ? `; ${plural(followUpsOf(b.id).length, "follow-up")}` : "; not followed up"}` })),
    ...r.notifications.map((x) => ({ at: x.notified_on ?? x.event_on, what: "Notification", detail: `${(x.kind ?? "").replace(/_/g, " ")} of ${x.event_on}` })),
    ...n.transfers.map((t) => ({ at: t.at, what: "Moved", detail: [t.to_team ? `to ${t.to_team}${t.from_team ? ` from ${t.from_team}` : ""}` : null, t.to_officer !== null || t.from_officer !== null ? `officer ${t.to_officer ?? "none"}${t.from_officer ? ` (was ${t.from_officer})` : ""}` : null].filter(Boolean).join("; ") + ` by ${t.by}` })),
    ...n.conflicts.map((c) => ({ at: c.detected_at, what: "Conflict", detail: `${c.field.replace(/_/g, " ")}: ${c.status === "open" ? "open" : `decided by ${c.decided_by} (${c.decision})`}` })),
    ...n.reviews.map((v) => ({ at: v.at, what: v.decision === "returned" ? "Returned" : "Signed off", detail: `${SUBJECT_LABELS[v.subject] ?? v.subject} by ${v.reviewer}${v.comment ? `: ${v.comment}` : ""}` })),
  ].filter((e) => e.at).sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  const header = el("header", { class: "nominal-head" },
    el("h2", {}, `${n.ref} ${n.surname}, ${n.forenames}`),
    el("p", {}, riskChip(n.current_risk_level), ` ${n.kind.toUpperCase()}, ${n.status}; ${n.officer ?? "no officer"}, ${n.team}${n.area ? `; ${n.area}` : ""}${n.no_fixed_abode ? "; no fixed abode" : ""}.`),
    n.same_person.suspects.length || n.same_person.bail_cases.length
      ? el("p", { class: "hint" }, `The same person: ${[...n.same_person.suspects.map((x) => `suspect ${x}`), ...n.same_person.bail_cases.map((x) => `bail case ${x}`)].join(", ")}.`)
      : null);
  const plans = r.plans.length
    ? r.plans.map((p) => el("div", { class: "plan" },
      el("h3", {}, `Plan from ${p.started_on}${p.last_reviewed_on ? `, reviewed ${p.last_reviewed_on}` : ""}`),
      actionsOf(p.id).length
        ? simpleTable(["Action", "Owner", "Due", "Status", "Partner agency"],
          actionsOf(p.id).map((a) => [a.description, a.owner ?? "none", a.due_on ?? "none", a.status ?? "open", a.partner_agency ?? ""]))
        : empty("No actions.")))
    : [empty("No plan.")];
  const orders = r.orders.length
    ? r.orders.map((o) => el("div", { class: "order" },
      el("h3", {}, `${(o.kind ?? "").toUpperCase()} made ${o.made_on}${o.ends_on ? `, ends ${o.ends_on}` : ""}`),
      el("ul", {}, conditionsOf(o.id).map((c) => el("li", {}, `${c.text}${c.ends_on ? ` (to ${c.ends_on})` : ""}`)))))
    : [empty("No orders.")];
  const supervisor = session().role !== "officer";
  const today = londonToday();
  // The plan in force (the latest started by today) and the latest assessment, by their dates:
  // the record lists them in the order they were stored.
  const byDate = (key) => (a, b) => (a[key] < b[key] ? 1 : a[key] > b[key] ? -1 : 0);
  const current = [...r.plans].filter((p) => p.started_on <= today).sort(byDate("started_on"))[0];
  const latestAssessment = [...r.assessments].sort(byDate("assessed_on"))[0];
  const deskForms = [
    supervisor ? deskForm(`plan-form`, "Write a new plan", [
      { name: "visit_every_months", label: "Visit every (months)", type: "number", min: 1, max: 120, value: current?.visit_every_months ?? 3 },
      { name: "double_crewed", label: "Two officers at each visit", type: "checkbox", checked: true },
      { name: "unannounced_required", label: "Unannounced visits", type: "checkbox", checked: true },
    ], "Write the plan", async (values) => {
      await writeRecord({ entity: "plan", operation: "create", fields: {
        nominal_id: n.id, started_on: today, visit_every_months: values.visit_every_months,
        double_crewed: values.double_crewed, unannounced_required: values.unannounced_required,
        ...(latestAssessment ? { assessment_id: latestAssessment.id } : {}),
      } });
      return written("The plan is");
    }) : null,
    current ? deskForm(`action-form`, `Add an action to the plan from ${current.started_on}`, [
      { name: "description", label: "Action", required: true },
      { name: "owner", label: "Owner (username)", required: true, value: n.officer ?? "" },
      { name: "due_on", label: "Due", type: "date", required: true },
      { name: "partner_agency", label: "Partner agency (if any)" },
    ], "Add the action", async (values) => {
      const fields = { plan_id: current.id, description: values.description, owner: values.owner, due_on: values.due_on, status: "open" };
      if (values.partner_agency) fields.partner_agency = values.partner_agency;
      await writeRecord({ entity: "plan_action", operation: "create", fields });
      return written("The action is");
    }) : null,
    deskForm(`assessment-form`, "Record a risk assessment", [
      { name: "risk_level", label: "Risk level", type: "select", options: RISKS.map((k) => [k, RISK_LABELS[k]]), value: n.current_risk_level },
      { name: "risk_factors", label: "Risk factors", type: "textarea" },
      { name: "protective_factors", label: "Protective factors", type: "textarea" },
    ], "Record the assessment", async (values) => {
      await writeRecord({ entity: "assessment", operation: "append", fields: {
        nominal_id: n.id, assessed_on: today, risk_level: values.risk_level, risk_factors: values.risk_factors, protective_factors: values.protective_factors,
      } });
      return written("The assessment is");
    }),
    // A move: the old team's tablets purge the nominal at their next sync, the new team's take it.
    // Any team of the force (a transfer out of area goes to a team the supervisor cannot see).
    supervisor ? deskForm("move-form", "Move to another officer or team", [
      { name: "team", label: "Team", required: true, value: r.nominal.team, list: "my-teams" },
      { name: "officer", label: "Officer (username; empty for none)", value: r.nominal.officer ?? "" },
    ], "Move", async (values) => {
      // The record as the page has it carries no id of its own: the nominal's is the page's.
      const change = recordUpdate("nominal", { ...r.nominal, id: n.id }, values);
      if (!change) return "Nothing to change.";
      await writeRecord(change);
      return written("The move is");
    }) : null,
    // What starts and bounds a registered sex offender's notification period (one set each).
    supervisor && n.kind === "rso" ? deskForm("requirement-form", r.notification_requirement ? "Change the notification requirements" : "Record the notification requirements", [
      { name: "relevant_date", label: "Relevant date (conviction, finding or caution)", type: "date", required: true, value: r.notification_requirement?.relevant_date ?? "" },
      { name: "disposal", label: "Disposal", type: "select", options: DISPOSALS, value: r.notification_requirement?.disposal ?? "prison" },
      { name: "months", label: "Sentence or discharge (months, if it has one)", type: "number", min: 0, max: 1200, value: r.notification_requirement?.months ?? "" },
      { name: "age_at_relevant", label: "Age on the relevant date", type: "number", min: 0, max: 150, value: r.notification_requirement?.age_at_relevant ?? "" },
    ], "Record the requirements", async (values) => {
      if (r.notification_requirement) {
        const change = recordUpdate("notification_requirement", r.notification_requirement, values);
        if (!change) return "Nothing to change.";
        await writeRecord(change);
      } else {
        const fields = { nominal_id: n.id };
        for (const [name, value] of Object.entries(values)) if (value !== "") fields[name] = value;
        await writeRecord({ entity: "notification_requirement", operation: "create", fields });
      }
      return written("The notification requirements are");
    }) : null,
  ];
  return { content: el("div", { class: "nominal-page" },
    section("Nominal", header),
    section("Case management", el("div", { class: "desk-forms" }, deskForms)),
    section("Timeline", events.length
      ? simpleTable(["When", "What", "Detail"], events.map((e) => [e.at.length > 10 ? instant(e.at) : e.at, e.what, e.detail]))
      : empty("Nothing recorded yet.")),
    section("Plans and actions", plans),
    section("Orders and conditions", orders),
    section("Addresses", r.addresses.length
      ? simpleTable(["Kind", "Address", "From", "To"], r.addresses.map((a) => [a.kind, [a.line1, a.line2, a.town, a.postcode].filter(Boolean).join(", "), a.from_date ?? "", a.to_date ?? ""]))
      : empty("No address recorded.")),
    n.read_audit === null ? null : section("Who opened this record, and why",
      n.read_audit.length
        ? simpleTable(["When", "Officer", "Why", "Device"], n.read_audit.map((x) => [instant(x.at), x.officer, x.reason, x.device]))
        : empty("No reads recorded."))) };
}
const readReason = new Map();  // the reason given for opening a record, until it is opened

// A suspect's page: the actions set to find them, the supervisors' reviews, the trace enquiries
// and the cases about them. A suspect with an open action is closed only by a supervisor, with a
// reason for leaving it open (the server checks it: core's check_suspect_close).
async function suspectView() {
  const opened = await openRecord("suspect", "Suspect", "/api/v1/suspects");
  if (!opened.data) return opened;
  const { id, written, data: d } = opened;
  const s = d.suspect;
  const supervisor = session().role !== "officer";
  const today = londonToday();
  const closed = s.status === "closed";
  const header = el("header", { class: "nominal-head" },
    el("h2", {}, `${s.ref} ${s.surname}, ${s.forenames}`),
    el("p", {}, `${s.offence}, harm ${s.harm}; ${(s.status ?? "outstanding").replace(/_/g, " ")} since ${s.outstanding_since}; ${s.officer ?? "no officer"}, ${s.team}.`),
    d.priority_list ? el("p", { class: "status due" }, `On the ${d.priority_list} list.`) : null,
    el("p", {}, closed ? `Closed${s.close_reason ? ` with actions open: ${s.close_reason}` : "."}` : `Next review due ${d.review_due}.`));
  const actionRows = d.actions.map((a) => {
    const status = el("span", { role: "status", class: "result" });
    const open = (a.status ?? "open") === "open";
    const done = open ? el("button", { type: "button", class: "small", "data-action": a.id, onclick: async (event) => {
      event.currentTarget.disabled = true;
      try {
        await writeRecord(recordUpdate("suspect_action", a, { status: "done", completed_on: today }));
        status.textContent = written("Done");
      } catch (error) {
        status.textContent = sentence(error.message);
        event.target.disabled = false;
      }
    } }, "Mark done") : null;
    return [a.description, a.owner ?? "none", a.due_on ?? "none", a.status ?? "open", [done, status]];
  });
  const forms = closed ? [] : [
    deskForm("suspect-action-form", "Add an action", [
      { name: "description", label: "Action", required: true },
      { name: "owner", label: "Owner (username)", required: true, value: s.officer ?? "" },
      { name: "due_on", label: "Due", type: "date", required: true },
    ], "Add the action", async (values) => {
      await writeRecord({ entity: "suspect_action", operation: "create", fields: { suspect_id: s.id, ...values, status: "open" } });
      return written("The action is");
    }),
    supervisor ? deskForm("suspect-review-form", "Record a review", [
      { name: "note", label: "What the review found and decided", type: "textarea", required: true },
    ], "Record the review", async (values) => {
      await writeRecord({ entity: "suspect_review", operation: "append", fields: { suspect_id: s.id, reviewed_on: today, note: values.note } });
      return written("The review is");
    }) : null,
    // Closing: with every action done or cancelled by anyone; with one open, by a supervisor
    // giving the reason (the server refuses it otherwise, and says why).
    deskForm("close-form", "Close the suspect", [
      ...(d.open_actions && supervisor ? [{ name: "close_reason", label: `Why close with ${plural(d.open_actions, "action")} open`, type: "textarea", required: true }] : []),
    ], "Close", async (values) => {
      // close_reason is always sent (empty when none is needed), so a reason left from an
      // earlier closing never stands for this one.
      await writeRecord(recordUpdate("suspect", s, { status: "closed", close_reason: values.close_reason ?? "" }));
      return written("The closing is");
    }),
  ];
  return { content: el("div", { class: "nominal-page" },
    section("Suspect", header),
    forms.length ? section("Case management", el("div", { class: "desk-forms" }, forms),
      d.open_actions && !supervisor ? el("p", { class: "hint" }, `${plural(d.open_actions, "action")} open: complete or cancel each before closing, or ask a supervisor.`) : null) : null,
    section("Actions", actionRows.length ? simpleTable(["Action", "Owner", "Due", "Status", ""], actionRows) : empty("No actions.")),
    section("Reviews", d.reviews.length ? simpleTable(["Reviewed", "By", "Found"], d.reviews.map((x) => [x.reviewed_on, x.reviewer, x.note])) : empty("Not reviewed yet.")),
    section("Trace enquiries", d.traces.length ? simpleTable(["When", "Note"], [...d.traces].sort((a, b) => (a.occurred_at < b.occurred_at ? 1 : -1)).map((t) => [instant(t.occurred_at), t.note])) : empty("No trace enquiries recorded.")),
    section("Bail cases", d.bail_cases.length ? el("ul", {}, d.bail_cases.map((c) => el("li", {}, bailLink(c.ref), ` (${c.status})`))) : empty("None."))) };
}

// A bail case's page: when bail ends and who must extend it, its extensions, conditions and
// reviews under investigation. An extension is checked by the server against the law's ranks
// and periods, and refused with the reason.
async function bailView() {
  const opened = await openRecord("bail", "Bail case", "/api/v1/bail-cases");
  if (!opened.data) return opened;
  const { id, written, data: d } = opened;
  const c = d.bail_case;
  const p = d.bail_period;
  const supervisor = session().role !== "officer";
  const today = londonToday();
  const period = c.status !== "bail" ? null : !p || p.ends === null ? "No statutory limit (arrested before 3 April 2017)."
    : `Bail ends ${p.ends} (${p.days_left < 0 ? `ended ${plural(-p.days_left, "day")} ago` : `${plural(p.days_left, "day")} left`}). ${p.next_extension ? `${p.next_extension.label[0].toUpperCase()}${p.next_extension.label.slice(1)} may extend it to ${p.next_extension.furthest} at most, before it ends.` : p.days_left < 0 ? "Too late to extend." : "No further extension."}`;
  const header = el("header", { class: "nominal-head" },
    el("h2", {}, `${c.ref} ${c.surname}, ${c.forenames}`),
    el("p", {}, `${c.offence}; arrested ${c.arrested_on}; ${c.status === "rui" ? "released under investigation" : c.status}; ${c.officer ?? "no officer"}, ${c.team}.`),
    d.suspect_ref ? el("p", {}, "The suspect: ", suspectLink(d.suspect_ref)) : null,
    period ? el("p", { class: p && p.days_left !== null && p.days_left <= 7 ? "status overdue" : null }, period) : null,
    d.rui_review_due ? el("p", {}, `Next review under investigation due ${d.rui_review_due}${c.expected_finish_on ? `; expected to finish ${c.expected_finish_on}` : ""}.`) : null);
  const forms = [
    supervisor && c.status === "bail" ? deskForm("extension-form", "Record an extension", [
      { name: "extended_to", label: "Extended to", type: "date", required: true, value: p?.next_extension?.furthest ?? "" },
      { name: "authority", label: "Authorised by the rank of", type: "select", options: BAIL_AUTHORITIES, value: p?.next_extension?.authority ?? "inspector" },
      { name: "authorised_by", label: "Name of who authorised it", required: true },
      { name: "authorised_on", label: "Authorised on", type: "date", required: true, value: today },
      { name: "representations_considered", label: "The suspect's representations were considered", type: "checkbox", checked: false },
    ], "Record the extension", async (values) => {
      await writeRecord({ entity: "bail_extension", operation: "append", fields: { bail_case_id: c.id, ...values } });
      return written("The extension is");
    }) : null,
    c.status === "rui" ? deskForm("rui-review-form", "Record a review under investigation", [
      { name: "expected_finish_on", label: "Expected to finish", type: "date", value: c.expected_finish_on ?? "" },
      { name: "note", label: "What the review found", type: "textarea" },
    ], "Record the review", async (values) => {
      const fields = { bail_case_id: c.id, reviewed_on: today };
      for (const [name, value] of Object.entries(values)) if (value !== "") fields[name] = value;
      await writeRecord({ entity: "rui_review", operation: "append", fields });
      return written("The review is");
    }) : null,
  ].filter(Boolean);
  return { content: el("div", { class: "nominal-page" },
    section("Bail case", header),
    forms.length ? section("Case management", el("div", { class: "desk-forms" }, forms)) : null,
    section("Extensions", d.extensions.length
      ? simpleTable(["Extended to", "Rank", "By", "On", "Representations"], d.extensions.map((e) => [e.extended_to, BAIL_AUTHORITIES.find(([k]) => k === e.authority)?.[1] ?? e.authority, e.authorised_by, e.authorised_on, e.representations_considered === "yes" ? "considered" : "not considered"]))
      : empty("No extensions.")),
    section("Conditions", d.conditions.length ? simpleTable(["Condition", "Detail", "Victim's views"], d.conditions.map((x) => [x.kind.replace(/_/g, " "), x.detail ?? "", x.victim_views ?? ""])) : empty("No conditions.")),
    section("Reviews under investigation", d.rui_reviews.length ? simpleTable(["Reviewed", "Expected finish", "Note"], d.rui_reviews.map((x) => [x.reviewed_on, x.expected_finish_on ?? "", x.note ?? ""])) : empty("None recorded."))) };
}

// A small form of the desk: labelled fields (text, number, date, checkbox, select, textarea), one
// button, and a status line with the server's sentence when it refuses. `send` gets the values
// (checkboxes as "yes"/"no") and returns what to say when it is done.
function deskForm(id, title, fields, button, send) {
  const status = el("p", { class: "result", role: "status" });
  const inputs = fields.map((f) => {
    const fieldId = `${id}-${f.name}`;
    const control = f.type === "select"
      ? el("select", { id: fieldId, name: f.name }, f.options.map(([value, label]) => el("option", { value, selected: value === f.value }, label)))
      : f.type === "textarea"
        ? el("textarea", { id: fieldId, name: f.name, rows: 2, maxlength: 2000, required: f.required })
        : el("input", { id: fieldId, name: f.name, type: f.type ?? "text", required: f.required, min: f.min, max: f.max, value: f.type === "checkbox" ? null : f.value ?? "", checked: f.checked, list: f.list });
    return f.type === "checkbox"
      ? el("label", { class: "check" }, control, ` ${f.label}`)
      : el("div", { class: "field" }, el("label", { for: fieldId }, f.label), control);
  });
  // A field with `list` suggests the caller's teams.
  const suggestions = fields.some((f) => f.list) ? el("datalist", { id: "my-teams" }, (session().teams ?? []).map((t) => el("option", { value: t }))) : null;
  const form = el("form", { id, class: "decide desk" }, el("h3", {}, title), inputs, suggestions, el("button", { type: "submit" }, button), status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = {};
    for (const f of fields) {
      const control = form.elements[f.name];
      values[f.name] = f.type === "checkbox" ? (control.checked ? "yes" : "no") : control.value.trim();
    }
    form.querySelector("button").disabled = true;
    try {
      status.classList.remove("error");
      status.textContent = await send(values);
    } catch (error) {
      status.textContent = sentence(error.message);
      status.classList.add("error");
      form.querySelector("button").disabled = false;
    }
  });
  return form;
}

// Officers and their tablets: who may sign in, on what, and when each device was last in touch.
// A supervisor disables an officer of their team (every device of theirs is revoked, and a tablet
// wipes itself at its next contact) or revokes one device; an administrator any but their own.
async function officersView() {
  const list = await api("/api/v1/officers");
  const me = session();
  const mayChange = (o) => o.username !== me.officer && (me.role === "admin" || o.role === "officer");
  const rows = list.items.map((o) => {
    const status = el("span", { role: "status", class: "result" });
    const toggle = mayChange(o) ? el("button", {
      type: "button", class: o.active ? "danger" : null, "data-officer": o.username,
      onclick: async (event) => {
        const button = event.currentTarget;
        const enable = !o.active;
        if (!enable && !window.confirm(`Disable ${o.username}? They cannot sign in, and each of their ${plural(o.devices.filter((d) => !d.revoked_at).length, "device")} is revoked: a tablet wipes itself at its next contact.`)) return;
        button.disabled = true;
        try {
          const answer = await api(`/api/v1/officers/${encodeURIComponent(o.id)}/${enable ? "enable" : "disable"}`, { method: "POST", body: {} });
          status.textContent = enable ? `${o.username} may sign in again.` : `${o.username} disabled; ${plural(answer.devices_revoked, "device")} revoked.`;
          setTimeout(render, 1500);
        } catch (error) {
          status.textContent = sentence(error.message);
          button.disabled = false;
        }
      },
    }, o.active ? "Disable" : "Enable") : null;
    const devices = o.devices.length
      ? el("ul", { class: "devices" }, o.devices.map((d) => el("li", {},
        `${d.name} (${d.kind === "browser" ? "dashboard" : "tablet"}): last contact ${instant(d.last_contact_at)}`,
        d.revoked_at ? el("span", { class: "status overdue" }, ` revoked ${instant(d.revoked_at)}`)
          : me.role !== "admin" && o.role === "admin" ? null : el("button", {
            type: "button", class: "small", "data-device": d.id,
            onclick: async (event) => {
              const button = event.currentTarget;
              button.disabled = true;
              try {
                await api(`/api/v1/devices/${encodeURIComponent(d.id)}/revoke`, { method: "POST", body: { reason: "revoked at the desk" } });
                button.replaceWith(el("span", { class: "status overdue" }, " revoked"));
              } catch (error) {
                status.textContent = sentence(error.message);
                button.disabled = false;
              }
            },
          }, "Revoke"))))
      : "No devices";
    return [o.username, o.name, o.role, o.team,
      el("span", { class: o.active ? "status ok" : "status overdue" }, o.active ? "May sign in" : "Disabled"),
      devices, [toggle, status]];
  });
  return { content: section("Officers and tablets",
    el("p", { class: "hint" }, "Disabling an officer stops their sign-in and revokes every device of theirs: a tablet wipes itself at its next contact."),
    rows.length ? simpleTable(["Officer", "Name", "Role", "Team", "Access", "Devices and last contact", ""], rows) : empty("No officers in this scope.")) };
}

const VIEW_RENDERERS = {
  worklist: worklistView, review: reviewView, backlog: backlogView, suspects: suspectsView, compliance: complianceView,
  devices: devicesView, officers: officersView, conflicts: conflictsView, briefing: briefingView,
  nominal: nominalView, suspect: suspectView, bail: bailView,
};

// ----- wiring

document.addEventListener("DOMContentLoaded", () => {
  $("sign-in").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", () => signOut("Signed out.", { server: true }));
  $("scope").addEventListener("change", (event) => go({ team: event.target.value }));
  $("as-of").addEventListener("change", (event) => go({ asOf: event.target.value }));
  $("controls").addEventListener("submit", (event) => event.preventDefault());
  window.addEventListener("hashchange", () => session() && render());
  if (session()) start();
  else signOut();
});
