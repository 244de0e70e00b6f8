// The officer's app: screens over the tablet's local API (mobile/src/field_app.cpp). Everything it
// shows comes from the tablet, offline or not; nothing is kept in the browser. Text from records is
// only ever set as text (never as HTML), and the page runs no inline script (its
// Content-Security-Policy forbids it).
"use strict";

const state = {
  status: null,       // the last /api/status
  caseload: null,     // the last /api/caseload
  officers: null,     // the force's officers, the tablet's own first
  record: null,       // the nominal on screen, once opened with a reason
  filters: { area: "", risk: "", overdueOnly: false, search: "" },
};

const RISK_WORDS = { low: "Low", medium: "Medium", high: "High", very_high: "Very high" };
const OUTCOMES = [["seen", "Seen"], ["no_answer", "No answer"], ["refused", "Entry refused"], ["not_at_address", "Not at the address"]];
const NOT_AS_PLANNED = [["", "It went as planned"], ["staff_shortage", "Staff shortage"], ["no_vehicle", "No vehicle"], ["offender_not_present", "Offender not present"], ["other", "Other"]];
const RISK_CHANGES = ["Relationship breakdown", "Job loss", "New contact with children", "Substance misuse"];
const READ_REASONS = ["Visit preparation", "Visit at the door", "Risk assessment", "Plan review", "Intelligence check", "Supervisor's request"];
const SYNC_EVERY_MS = 60000;
const SYNC_TICK_MS = 5000;
const STATUS_EVERY_MS = 10000;

// ----- the page's parts

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const $ = (id) => document.getElementById(id);

function screen() {
  return $("screen-app");
}

// Shows one of the app's screens; its heading takes the focus, so a screen reader says where it is.
function show(title, ...content) {
  const target = screen();
  // What a screen leaves out (a null or false part) is not drawn: replaceChildren would write it.
  target.replaceChildren(el("h1", { id: "screen-title", tabindex: "-1", text: title }), ...content.flat().filter((part) => part !== null && part !== undefined && part !== false));
  target.setAttribute("aria-labelledby", "screen-title");
  target.hidden = false;
  $("screen-unlock").hidden = true;
  $("tabs").hidden = false;
  $("sync-now").hidden = false;
  $("lock-now").hidden = false;
  $("screen-title").focus();
  for (const tab of document.querySelectorAll("#tabs a")) {
    if (location.hash.startsWith(tab.getAttribute("href"))) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
}

// ----- the tablet's API

class Problem extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind;
  }
}

// Counts the page's locks: an answer to a request sent before the last lock is dropped, so a
// record read while a sync held the tablet never reaches the screen after Lock.
let lockGeneration = 0;

async function api(method, path, body) {
  const generation = lockGeneration;
  const options = { method, headers: {}, credentials: "same-origin" };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (error) {
    lockScreen("The app on this tablet is not answering: start it again.");
    throw new Problem("app_gone", "The app on this tablet is not answering: start it again.");
  }
  const answer = await response.json().catch(() => ({}));
  if (generation !== lockGeneration && path !== "/api/unlock") throw new Problem("locked", "Locked.");
  if (!response.ok) {
    const problem = new Problem(answer.problem || "failed", answer.error || `The tablet answered ${response.status}.`);
    // Locked, wiped, or no longer this page's session: nothing of the store stays on screen.
    if (["locked", "wiped", "no_session"].includes(problem.kind)) lockScreen(problem.message);
    throw problem;
  }
  return answer;
}

// ----- locked and unlocked

// Everything shown goes: what was on screen is not left behind the unlock form.
function lockScreen(message) {
  ++lockGeneration;
  history.replaceState(null, "", "/");  // no nominal's reference left in the address bar
  // Of the last status only whose tablet it is stays (not what was rejected, nor its references).
  const officer = state.status?.tablet?.officer;
  if (state.status) state.status = { tablet: { enrolled: true, locked: true, officer } };
  state.filters = { area: "", risk: "", overdueOnly: false, search: "" };
  state.caseload = null;
  state.record = null;
  state.officers = null;
  screen().replaceChildren();
  screen().hidden = true;
  $("tabs").hidden = true;
  $("sync-now").hidden = true;
  $("lock-now").hidden = true;
  $("screen-unlock").hidden = false;
  $("unlock-error").textContent = message || "";
  const who = state.status?.tablet;
  $("unlock-who").textContent = who?.officer ? `This tablet is ${who.officer}'s.` : "";
  $("unlock-password").value = "";
  $("unlock-password").focus();
}

async function unlock(event) {
  event.preventDefault();
  const password = $("unlock-password").value;
  $("unlock-password").value = "";
  try {
    await api("POST", "/api/unlock", { password });
  } catch (error) {
    if (error.kind !== "locked") $("unlock-error").textContent = error.message;
    return;
  }
  $("unlock-error").textContent = "";
  await refreshStatus();
  if (!location.hash || location.hash === "#unlock") location.hash = "#today";
  else route();
  syncSoon();
}

async function lockNow() {
  lockScreen("Locked.");  // at once, even while a sync holds the tablet
  await api("POST", "/api/lock").catch(() => {});
}

// ----- the banner: online or offline, what waits, the last sync

async function refreshStatus() {
  let status;
  try {
    status = await api("GET", "/api/status");
  } catch (error) {
    $("link-state").textContent = error.message;
    return null;
  }
  state.status = status;
  const tablet = status.tablet;
  if (!tablet.enrolled) {
    $("link-state").textContent = "This tablet is not enrolled.";
  } else if (tablet.locked) {
    if ($("screen-unlock").hidden) lockScreen("The tablet is locked.");
    $("link-state").textContent = "Locked";
    $("unlock-who").textContent = `This tablet is ${tablet.officer}'s.`;
  } else {
    const line = [];
    line.push(status.online === false ? "Offline" : status.online === true ? "Online" : "Not synced yet");
    line.push(`${tablet.pending} ${tablet.pending === 1 ? "change waits" : "changes wait"}`);
    line.push(tablet.last_sync_at ? `last sync ${when(tablet.last_sync_at)}` : "never synced");
    if (tablet.rejected.length) line.push(`${tablet.rejected.length} rejected`);
    $("link-state").textContent = line.join(" · ");
    $("link-state").classList.toggle("offline", status.online === false);
  }
  return status;
}

function when(instant) {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return instant;
  return date.toLocaleString("en-GB", { timeZone: "Europe/London", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}

let syncing = false;
let lastSyncStarted = 0;
// `background`: the page's own timer asked, not the officer; the tablet does not count it as use,
// and the screen on show is left as it is (redrawing it would be use too).
async function syncNow(background = false) {
  if (syncing || !state.status || state.status.tablet.locked) return null;
  syncing = true;
  lastSyncStarted = Date.now();
  $("link-state").textContent = "Syncing…";
  let report = null;
  try {
    report = await api("POST", "/api/sync", background === true ? { background: "yes" } : {});
  } catch (error) {
    report = { error: error.message };
  } finally {
    syncing = false;
  }
  // What the sync brought may rename, add or disable officers: the list is asked for again.
  if (report && !report.error && report.received > 0) state.officers = null;
  await refreshStatus();
  if (background === true) return report;
  if (location.hash.startsWith("#sync")) renderSync(report);
  else if (location.hash.startsWith("#today") && !report.error) renderToday();
  return report;
}

let syncTimer = null;
function syncSoon() {
  clearTimeout(syncTimer);
  syncTimer = setTimeout(syncNow, 500);
}

// ----- Today: the caseload

async function renderToday() {
  const [answer, returned] = await Promise.all([api("GET", "/api/caseload"), api("GET", "/api/returned")]);
  state.caseload = answer;
  const items = answer.items;
  const areas = [...new Set(items.map((item) => item.area).filter(Boolean))].sort();
  const f = state.filters;
  const search = el("input", { id: "filter-search", type: "search", value: f.search, autocomplete: "off" });
  const area = el("select", { id: "filter-area" }, el("option", { value: "", text: "Every area" }), areas.map((a) => el("option", { value: a, text: a, selected: a === f.area })));
  const risk = el("select", { id: "filter-risk" }, el("option", { value: "", text: "Every risk level" }), Object.entries(RISK_WORDS).map(([value, word]) => el("option", { value, text: word, selected: value === f.risk })));
  const overdue = el("input", { id: "filter-overdue", type: "checkbox", checked: f.overdueOnly });
  const list = el("ul", { class: "caseload", id: "caseload", "aria-live": "polite" });
  const count = el("p", { id: "caseload-count", class: "muted" });
  const draw = () => {
    f.search = search.value.trim();
    f.area = area.value;
    f.risk = risk.value;
    f.overdueOnly = overdue.checked;
    const needle = f.search.toLowerCase();
    const shown = items.filter((item) =>
      (!f.area || item.area === f.area) &&
      (!f.risk || item.risk_level === f.risk) &&
      (!f.overdueOnly || item.priority > 0) &&
      (!needle || item.name.toLowerCase().includes(needle) || item.nominal_ref.toLowerCase().includes(needle)));
    list.replaceChildren(...shown.map(caseloadRow));
    count.textContent = `${shown.length} of ${items.length} nominals, highest priority first, as of ${answer.as_of}.`;
  };
  for (const control of [search, area, risk, overdue]) control.addEventListener("input", draw);
  show("Today",
    returnedPanel(returned.items),
    el("div", { class: "filters" },
      el("div", {}, el("label", { for: "filter-search", text: "Search by name or reference" }), search),
      el("div", {}, el("label", { for: "filter-area", text: "Area" }), area),
      el("div", {}, el("label", { for: "filter-risk", text: "Risk" }), risk),
      el("div", {}, el("label", { class: "choice", for: "filter-overdue" }, overdue, "Overdue only"))),
    count, list);
  draw();
}

// What a supervisor returned with a comment: the officer's own first, each leading to its nominal.
const SUBJECT_WORDS = { visit: "Visit", assessment: "Assessment", plan: "Plan", plan_action: "Action", breach: "Breach", change: "Rejected change" };
function returnedPanel(items) {
  if (items.length === 0) return null;
  return el("section", { class: "returned", id: "returned", "aria-labelledby": "returned-title" },
    el("h3", { id: "returned-title", text: `Returned by your supervisor (${items.length})` }),
    el("ul", {}, items.map((r) => el("li", { "data-subject": r.subject_id },
      el("strong", { text: `${SUBJECT_WORDS[r.subject] ?? r.subject}${r.nominal_ref ? ` for ${r.nominal_ref}` : ""}${r.mine ? "" : " (your team's)"}` }),
      el("p", { text: r.comment }),
      el("p", { class: "muted", text: `Returned ${when(r.decided_at)}` }),
      r.nominal_ref ? el("a", { href: `#nominal/${encodeURIComponent(r.nominal_ref)}`, text: "Open the record" }) : null))));
}

function caseloadRow(item) {
  const due = item.next_visit_due
    ? item.days_overdue > 0
      ? el("span", { class: "overdue", text: `visit ${item.days_overdue} days overdue` })
      : el("span", { text: `visit due ${item.next_visit_due}` })
    : el("span", { class: "muted", text: "no visit scheduled" });
  return el("li", { "data-ref": item.nominal_ref },
    el("a", { href: `#nominal/${encodeURIComponent(item.nominal_ref)}` },
      el("span", { class: "row-head" },
        el("strong", { text: item.name }),
        el("span", { text: item.nominal_ref }),
        el("span", { class: "risk", text: `${RISK_WORDS[item.risk_level]} risk` }),
        due,
        el("span", { class: "priority", text: `priority ${item.priority}` }),
        item.no_fixed_abode ? el("span", { class: "overdue", text: `No fixed abode${item.area ? `, ${item.area}` : ""}` }) : item.area ? el("span", { class: "muted", text: item.area }) : null,
        item.double_crewed ? el("span", { text: "double-crewed" }) : null),
      item.reasons.length ? el("p", { class: "reasons", text: item.reasons.join("; ") }) : null));
}

// ----- A nominal: why first, then the record

function renderAskWhy(ref) {
  const form = el("form", { id: "why-form", novalidate: true },
    el("fieldset", {},
      el("legend", { text: `Why are you opening ${ref}'s record? Every look is recorded.` }),
      READ_REASONS.map((reason, i) => el("label", { class: "choice", for: `why-${i}` },
        el("input", { type: "radio", name: "why", id: `why-${i}`, value: reason, required: true }), reason))),
    el("label", { for: "why-text", text: "More detail (optional)" }),
    el("input", { id: "why-text", type: "text", autocomplete: "off" }),
    el("p", { id: "why-error", class: "error", role: "alert" }),
    el("div", { class: "actions" }, el("button", { type: "submit", text: "Open the record" }), el("a", { href: "#today", class: "button secondary", text: "Back" })));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const picked = form.querySelector("input[name=why]:checked");
    const detail = $("why-text").value.trim();
    if (!picked) {
      $("why-error").textContent = "Pick why you are opening the record.";
      return;
    }
    try {
      const reason = detail ? `${picked.value}: ${detail}` : picked.value;
      state.record = await api("POST", "/api/show", { ref, reason });
      Object.assign(state.record, { ref, reason });
      route();  // the screen that asked for the record: the record itself, or a form over it
    } catch (error) {
      if (error.kind !== "locked") $("why-error").textContent = error.message;
    }
  });
  state.record = null;
  show(`Open ${ref}`, form);
}

function facts(pairs) {
  return el("dl", { class: "facts" }, pairs.filter(([, value]) => value !== null && value !== undefined && value !== "").flatMap(([name, value]) => [el("dt", { text: name }), el("dd", { text: value })]));
}

function renderNominal() {
  const r = state.record;
  const n = r.nominal;
  const plan = r.plans[r.plans.length - 1];
  const due = r.due[0];
  const sections = [
    facts([["Reference", n.ref], ["Risk level", RISK_WORDS[n.risk_level]], ["MAPPA level", n.mappa_level], ["Area", n.area], ["No fixed abode", n.no_fixed_abode], ["Officer", n.officer]]),
    due ? el("p", { class: due.priority > 0 ? "overdue" : "", text: due.next_visit_due ? `Next visit due ${due.next_visit_due}${due.days_overdue > 0 ? `, ${due.days_overdue} days overdue` : ""}. Priority ${due.priority}.` : "No visit scheduled." }) : null,
    due && due.reasons.length ? el("p", { class: "reasons", text: due.reasons.join("; ") }) : null,
    el("div", { class: "actions" },
      el("a", { href: `#visit/${encodeURIComponent(r.ref)}`, class: "button", id: "record-visit", text: "Record a visit" }),
      el("a", { href: `#assessment/${encodeURIComponent(r.ref)}`, class: "button secondary", text: "Record an assessment" }),
      r.orders.length ? el("a", { href: `#breach/${encodeURIComponent(r.ref)}`, class: "button secondary", text: "Record a breach" }) : null),
    el("h2", { text: "Risk" }),
    list(r.assessments.slice().reverse(), (a) => `${a.assessed_on}: ${RISK_WORDS[a.risk_level]}${a.risk_factors ? ` — risk: ${a.risk_factors}` : ""}${a.protective_factors ? `; protective: ${a.protective_factors}` : ""}`, "No assessment on record."),
    el("h2", { text: "Plan" }),
    plan ? facts([["Started", plan.started_on], ["Last reviewed", plan.last_reviewed_on], ["Visit every", plan.visit_every_months ? `${plan.visit_every_months} months` : "by risk level"], ["Crew", plan.double_crewed === "yes" ? "two officers" : "one officer"], ["Visits", plan.unannounced_required === "yes" ? "unannounced" : "announced or unannounced"]]) : el("p", { text: "No plan on record." }),
    el("h3", { text: "Actions" }),
    r.actions.length ? el("ul", { class: "records", id: "actions" }, r.actions.map(actionItem)) : el("p", { text: "No actions." }),
    el("h2", { text: "Orders" }),
    r.orders.length ? el("ul", { class: "records" }, r.orders.map((o) => el("li", {},
      el("strong", { text: `${o.kind.toUpperCase()} made ${o.made_on}${o.ends_on ? `, ends ${o.ends_on}` : ", until further order"}` }),
      el("ul", {}, r.conditions.filter((c) => c.order_id === o.id).map((c) => el("li", { text: `${c.text}${c.foreign_travel === "yes" ? " (foreign travel)" : ""}: ${c.starts_on ? `from ${c.starts_on} ` : ""}${c.ends_on ? `until ${c.ends_on}` : o.ends_on ? `until ${o.ends_on}` : "until further order"}${c.renewed_on ? `, renewed ${c.renewed_on}` : ""}` })))))) : el("p", { text: "No orders." }),
    el("h2", { text: "Notifications" }),
    r.notification_requirement ? facts([["Relevant date", r.notification_requirement.relevant_date], ["Disposal", r.notification_requirement.disposal]]) : null,
    list(r.notifications, (x) => `${x.kind}: ${x.event_on}${x.notified_on ? `, notified ${x.notified_on}` : ", not yet notified"}`, "No notifications."),
    el("h2", { text: "Last visits" }),
    r.visits.length ? el("ul", { class: "records", id: "visits" }, r.visits.slice(-10).reverse().map(visitItem)) : el("p", { text: "No visits." }),
    el("h2", { text: "Breaches" }),
    r.breaches.length ? el("ul", { class: "records", id: "breaches" }, r.breaches.map((b) => breachItem(r, b))) : el("p", { text: "No breaches." }),
  ];
  show(`${n.surname}, ${n.forenames}`, ...sections);
}

// A breach with what has been done about it since, and the way to record more: one not followed
// up within a day is flagged to the morning meeting.
function breachItem(r, b) {
  const followUps = r.follow_ups.filter((f) => f.breach_id === b.id);
  const last = followUps[followUps.length - 1];
  return el("li", {},
    el("strong", { text: `${b.occurred_at}: ${b.condition_text}` }), ` — ${b.action_taken}`,
    followUps.length ? el("ul", {}, followUps.map((f) => el("li", { text: `${f.followed_up_at}: ${f.action_taken} (${f.status === "closed" ? "closed" : "still open"})` }))) : el("p", { class: "overdue", text: "Not followed up yet." }),
    last && last.status === "closed" ? null : el("a", { href: `#follow-up/${encodeURIComponent(r.ref)}/${encodeURIComponent(b.id)}`, class: "button secondary", text: "Record the follow-up" }));
}

function list(items, line, none) {
  return items.length ? el("ul", { class: "records" }, items.map((item) => el("li", { text: line(item) }))) : el("p", { text: none });
}

function actionItem(a) {
  const select = el("select", { id: `action-${a.id}`, "aria-label": `Progress of: ${a.description}` },
    [["open", "Open"], ["done", "Done"], ["cancelled", "Cancelled"]].map(([value, word]) => el("option", { value, text: word, selected: value === a.status })));
  const message = el("p", { role: "status" });
  select.addEventListener("change", async () => {
    try {
      await api("POST", "/api/action", { id: a.id, status: select.value });
      touched(state.record?.ref);
      message.textContent = "Saved; it goes to the server at the next sync.";
      syncSoon();
    } catch (error) {
      message.textContent = error.message;
    }
  });
  return el("li", {}, el("strong", { text: a.description }), facts([["Owner", a.owner || "none"], ["Due", a.due_on || "no date"]]), select, message);
}

function visitItem(v) {
  const amendments = state.record.amendments.filter((a) => a.visit_id === v.id);
  return el("li", {},
    el("strong", { text: `${when(v.occurred_at)}: ${OUTCOMES.find(([o]) => o === v.outcome)?.[1] ?? v.outcome}` }),
    facts([["Attendees", (v.attendees || "").split(";").join(", ")], ["Pre-arranged", v.announced], ["Why single-crewed", v.crew_reason], ["Why pre-arranged", v.announced_reason], ["Risk change", v.risk_change], ["Observations", v.observations]]),
    amendments.map((a) => el("p", { class: "muted", text: `Amended ${when(a.amended_at)}: ${a.reason}` })),
    el("a", { href: `#amend/${encodeURIComponent(state.record.ref)}/${v.id}`, class: "button secondary", text: "Amend" }));
}

// ----- Record a visit

async function renderVisit(ref) {
  if (!state.officers) state.officers = (await api("GET", "/api/officers")).items;
  const me = state.status.tablet.officer;
  const officers = state.officers.filter((o) => o.active);
  const form = el("form", { id: "visit-form", novalidate: true },
    el("fieldset", {}, el("legend", { text: "Who attended" }),
      officers.slice(0, 12).map((o, i) => el("label", { class: "choice", for: `attendee-${i}` },
        el("input", { type: "checkbox", name: "attendee", id: `attendee-${i}`, value: o.username, checked: o.username === me }), `${o.name} (${o.username})`))),
    el("fieldset", {}, el("legend", { text: "Was the visit pre-arranged?" }),
      el("label", { class: "choice", for: "announced-no" }, el("input", { type: "radio", name: "announced", id: "announced-no", value: "no", checked: true }), "No, unannounced"),
      el("label", { class: "choice", for: "announced-yes" }, el("input", { type: "radio", name: "announced", id: "announced-yes", value: "yes" }), "Yes, pre-arranged")),
    el("fieldset", {}, el("legend", { text: "Outcome" }),
      OUTCOMES.map(([value, word]) => el("label", { class: "choice", for: `outcome-${value}` }, el("input", { type: "radio", name: "outcome", id: `outcome-${value}`, value, checked: value === "seen" }), word))),
    el("label", { for: "not-as-planned", text: "If it did not go as planned, why" }),
    el("select", { id: "not-as-planned" }, NOT_AS_PLANNED.map(([value, word]) => el("option", { value, text: word }))),
    el("fieldset", {}, el("legend", { text: "Dynamic risk changes" }),
      RISK_CHANGES.map((change, i) => el("label", { class: "choice", for: `risk-${i}` }, el("input", { type: "checkbox", name: "risk", id: `risk-${i}`, value: change }), change))),
    el("label", { for: "risk-text", text: "Risk change, in your words" }),
    el("input", { id: "risk-text", type: "text" }),
    el("label", { for: "observations", text: "Observations" }),
    el("textarea", { id: "observations" }),
    el("label", { for: "devices-checked", text: "Devices checked" }),
    el("input", { id: "devices-checked", type: "text" }),
    el("div", { id: "visit-warnings", "aria-live": "polite" }),
    el("p", { id: "visit-error", class: "error", role: "alert" }),
    el("div", { class: "actions" }, el("button", { type: "submit", id: "save-visit", text: "Check and save" }), el("a", { href: `#nominal/${encodeURIComponent(ref)}`, class: "button secondary", text: "Cancel" })));
  const read = () => {
    const risks = [...form.querySelectorAll("input[name=risk]:checked")].map((i) => i.value);
    const riskText = $("risk-text").value.trim();
    return {
      nominal_ref: ref,
      attendees: [...form.querySelectorAll("input[name=attendee]:checked")].map((i) => i.value).join(";"),
      announced: form.querySelector("input[name=announced]:checked").value,
      outcome: form.querySelector("input[name=outcome]:checked").value,
      not_as_planned: $("not-as-planned").value,
      risk_change: [...risks, ...(riskText ? [riskText] : [])].join("; "),
      observations: $("observations").value,
      devices_checked: $("devices-checked").value,
      crew_reason: $("crew_reason")?.value ?? "",
      announced_reason: $("announced_reason")?.value ?? "",
    };
  };
  // The warnings are asked for again whenever the visit changes; one that asks why gets its box.
  let checked = false;
  form.addEventListener("change", (event) => {
    if (!event.target.closest("#visit-warnings")) checked = false;  // a reason typed changes no warning
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    $("visit-error").textContent = "";
    const visit = read();
    if (!visit.attendees) {
      $("visit-error").textContent = "Pick who attended.";
      return;
    }
    if (visit.outcome !== "seen" && !visit.not_as_planned) {
      $("visit-error").textContent = "Say why the visit did not go as planned.";
      $("not-as-planned").focus();
      return;
    }
    try {
      const { warnings } = await api("POST", "/api/visit/warnings", visit);
      const box = $("visit-warnings");
      const kept = Object.fromEntries(warnings.filter((w) => w.reason_field).map((w) => [w.reason_field, $(w.reason_field)?.value ?? ""]));
      box.replaceChildren(...warnings.map((w) => el("div", { class: "warning", "data-kind": w.kind },
        el("p", { text: w.text }),
        w.reason_field ? [el("label", { for: w.reason_field, text: w.kind === "short_crew" ? "Why fewer officers attended (required)" : "Why it was pre-arranged (required)" }),
          el("textarea", { id: w.reason_field, required: true }, kept[w.reason_field] ?? "")] : null)));
      const missing = warnings.find((w) => w.reason_field && !$(w.reason_field).value.trim());
      if (!checked && warnings.length) {
        checked = true;
        $("save-visit").textContent = "Save the visit";
        if (missing) $(missing.reason_field).focus();
        return;
      }
      if (missing) {
        $("visit-error").textContent = "Say why before saving: " + missing.text;
        $(missing.reason_field).focus();
        return;
      }
      const saved = await api("POST", "/api/visit", read());
      touched(ref);
      location.hash = `#saved/${encodeURIComponent(ref)}/${saved.id}`;
      syncSoon();
    } catch (error) {
      if (error.kind !== "locked") $("visit-error").textContent = error.message;
    }
  });
  show(`Record a visit to ${ref}`, form);
}

// ----- Amend a visit, record a breach, record an assessment

function simpleForm(id, title, fields, submitWord, send, back) {
  const form = el("form", { id }, fields, el("p", { id: `${id}-error`, class: "error", role: "alert" }),
    el("div", { class: "actions" }, el("button", { type: "submit", text: submitWord }), el("a", { href: back, class: "button secondary", text: "Cancel" })));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await send(form);
      syncSoon();
      location.hash = back;
    } catch (error) {
      if (error.kind !== "locked") $(`${id}-error`).textContent = error.message;
    }
  });
  show(title, form);
}

// What the officer records changes the record: the one on screen is marked stale, and read again
// (for the same reason, audited as any read) only when a screen next shows it.
function touched(ref) {
  if (state.record && state.record.ref === ref) state.record.stale = true;
}

// Whether the record of `ref` is open (read with a reason), read afresh first when stale.
async function currentRecord(ref) {
  if (!state.record || state.record.ref !== ref) return false;
  if (state.record.stale) {
    const { reason } = state.record;
    state.record = null;
    state.record = await api("POST", "/api/show", { ref, reason });
    Object.assign(state.record, { ref, reason });
  }
  return true;
}

// The record of `ref` for a screen that needs it; when it is not open, asks why first (and the
// screen is drawn again once it is).
async function requireRecord(ref) {
  if (await currentRecord(ref)) return true;
  renderAskWhy(ref);
  return false;
}

async function renderAmend(ref, visitId) {
  if (!(await requireRecord(ref))) return;
  const visit = state.record.visits.find((v) => v.id === visitId);
  if (!visit) return show("Amend a visit", el("p", { text: "This tablet holds no such visit." }));
  simpleForm("amend-form", `Amend the visit of ${when(visit.occurred_at)}`, [
    el("label", { for: "amend-reason", text: "Why it is amended (required)" }), el("input", { id: "amend-reason", type: "text", required: true }),
    el("label", { for: "amend-attendees", text: "Attendees (usernames, separated by ;)" }), el("input", { id: "amend-attendees", type: "text", value: visit.attendees }),
    el("label", { for: "amend-outcome", text: "Outcome" }), el("select", { id: "amend-outcome" }, OUTCOMES.map(([value, word]) => el("option", { value, text: word, selected: value === visit.outcome }))),
    el("label", { for: "amend-not-as-planned", text: "If it did not go as planned, why" }), el("select", { id: "amend-not-as-planned" }, NOT_AS_PLANNED.map(([value, word]) => el("option", { value, text: word, selected: value === (visit.not_as_planned || "") }))),
    el("label", { for: "amend-observations", text: "Observations" }), el("textarea", { id: "amend-observations" }, visit.observations || ""),
  ], "Save the amendment", (form) => {
    const body = { visit_id: visitId, reason: $("amend-reason").value };
    if ($("amend-attendees").value !== visit.attendees) body.attendees = $("amend-attendees").value;
    if ($("amend-outcome").value !== visit.outcome) body.outcome = $("amend-outcome").value;
    if ($("amend-not-as-planned").value !== (visit.not_as_planned || "")) body.not_as_planned = $("amend-not-as-planned").value;
    if ($("amend-observations").value !== (visit.observations || "")) body.observations = $("amend-observations").value;
    return api("POST", "/api/amend", body).then(() => touched(ref));
  }, `#nominal/${encodeURIComponent(ref)}`);
}

async function renderBreach(ref) {
  if (!(await requireRecord(ref))) return;
  const r = state.record;
  const options = r.conditions.map((c) => {
    const order = r.orders.find((o) => o.id === c.order_id);
    return el("option", { value: `${c.order_id}|${c.id}`, text: `${order ? order.kind.toUpperCase() : ""}: ${c.text}` });
  });
  simpleForm("breach-form", `Record a breach by ${ref}`, [
    el("label", { for: "breach-condition", text: "Which condition" }), el("select", { id: "breach-condition", required: true }, options),
    el("label", { for: "breach-action", text: "Action taken (required)" }), el("input", { id: "breach-action", type: "text", required: true }),
  ], "Save the breach", () => {
    const [order, condition] = $("breach-condition").value.split("|");
    return api("POST", "/api/breach", { ref, order, condition, action: $("breach-action").value }).then(() => touched(ref));
  }, `#nominal/${encodeURIComponent(ref)}`);
}

async function renderFollowUp(ref, breachId) {
  if (!(await requireRecord(ref))) return;
  const breach = state.record.breaches.find((b) => b.id === breachId);
  if (!breach) return show("No such breach", el("p", { class: "error", role: "alert", text: `${ref} has no breach with that id on this tablet.` }));
  simpleForm("follow-up-form", `Follow up the breach of ${breach.occurred_at} by ${ref}`, [
    el("label", { for: "follow-up-action", text: "What was done (required)" }), el("input", { id: "follow-up-action", type: "text", required: true }),
    el("label", { for: "follow-up-status", text: "Is it finished?" }), el("select", { id: "follow-up-status" }, el("option", { value: "open", text: "Not yet: still open" }), el("option", { value: "closed", text: "Yes: closed" })),
  ], "Save the follow-up", () => api("POST", "/api/breach-follow-up", {
    breach_id: breachId, action: $("follow-up-action").value, status: $("follow-up-status").value,
  }).then(() => touched(ref)), `#nominal/${encodeURIComponent(ref)}`);
}

// A young person at risk of exploitation is known only by their anonymised number: no name is
// asked for or kept.
function renderEncounter() {
  simpleForm("encounter-form", "Record an encounter with a young person", [
    el("label", { for: "encounter-number", text: "Their anonymised number (required)" }), el("input", { id: "encounter-number", type: "text", required: true, autocomplete: "off" }),
    el("label", { for: "encounter-place", text: "Where (required)" }), el("input", { id: "encounter-place", type: "text", required: true }),
    el("label", { class: "choice", for: "encounter-criminal" }, el("input", { id: "encounter-criminal", type: "checkbox" }), "Signs of criminal exploitation"),
    el("label", { class: "choice", for: "encounter-sexual" }, el("input", { id: "encounter-sexual", type: "checkbox" }), "Signs of sexual exploitation"),
    el("label", { for: "encounter-markers", text: "What was seen" }), el("textarea", { id: "encounter-markers" }),
    el("label", { for: "encounter-home-area", text: "Home area, if known (whose partnership takes a referral)" }), el("input", { id: "encounter-home-area", type: "text" }),
  ], "Save the encounter", () => api("POST", "/api/encounter", {
    young_person: $("encounter-number").value, place: $("encounter-place").value,
    criminal: $("encounter-criminal").checked ? "yes" : "no", sexual: $("encounter-sexual").checked ? "yes" : "no",
    markers: $("encounter-markers").value, home_area: $("encounter-home-area").value,
  }), "#suspects");
}

function renderAssessment(ref) {
  simpleForm("assessment-form", `Record an assessment of ${ref}`, [
    el("label", { for: "assessment-risk", text: "Risk level" }), el("select", { id: "assessment-risk" }, Object.entries(RISK_WORDS).map(([value, word]) => el("option", { value, text: word }))),
    el("label", { for: "assessment-risk-factors", text: "Risk factors" }), el("textarea", { id: "assessment-risk-factors" }),
    el("label", { for: "assessment-protective", text: "Protective factors" }), el("textarea", { id: "assessment-protective" }),
  ], "Save the assessment", () => api("POST", "/api/assessment", {
    ref, risk_level: $("assessment-risk").value, risk_factors: $("assessment-risk-factors").value, protective_factors: $("assessment-protective").value,
  }).then(() => touched(ref)), `#nominal/${encodeURIComponent(ref)}`);
}

// ----- Suspects

async function renderSuspects() {
  const { items } = await api("GET", "/api/suspects");
  const encounter = el("p", {}, el("a", { href: "#encounter", class: "button secondary", id: "record-encounter", text: "Record an encounter with a young person" }));
  show("Suspects", encounter, items.length ? el("ul", { class: "records", id: "suspects" }, items.map(({ suspect: s, traces }) => {
    const note = el("input", { type: "text", id: `trace-${s.id}` });
    const message = el("p", { role: "status" });
    const form = el("form", {}, el("label", { for: `trace-${s.id}`, text: "Trace enquiry made" }), note,
      el("button", { type: "submit", class: "secondary", text: "Record the enquiry" }), message);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await api("POST", "/api/trace", { ref: s.ref, note: note.value });
        message.textContent = "Saved; it goes to the server at the next sync.";
        note.value = "";
        syncSoon();
      } catch (error) {
        message.textContent = error.message;
      }
    });
    return el("li", { "data-ref": s.ref }, el("strong", { text: `${s.surname}, ${s.forenames} (${s.ref})` }),
      facts([["Offence", s.offence], ["Harm", `${s.harm} (1 is the most harmful)`], ["Outstanding since", s.outstanding_since], ["Status", s.status], ["Last trace", s.last_trace_on]]),
      traces.length ? el("ul", {}, traces.map((t) => el("li", { text: `${when(t.occurred_at)}: ${t.note}` }))) : el("p", { class: "muted", text: "No trace enquiries yet." }),
      form);
  })) : el("p", { text: "No suspects in your scope." }));
}

// ----- Sync

function renderSync(report) {
  const tablet = state.status.tablet;
  show("Sync",
    el("p", { id: "sync-summary", text: `${tablet.pending} ${tablet.pending === 1 ? "change waits" : "changes wait"} to go up. ${tablet.last_sync_at ? `Last sync ${when(tablet.last_sync_at)}.` : "Never synced."}` }),
    report?.error ? el("p", { class: "error", role: "alert", text: report.error }) : null,
    report && !report.error ? el("p", { class: "notice", text: `Sent ${report.pushed}, applied ${report.applied}, received ${report.received}.` }) : null,
    el("div", { class: "actions" }, el("button", { type: "button", id: "sync-page-now", text: "Sync now", onclick: () => syncNow() })),
    el("h2", { text: "Rejected by the server" }),
    tablet.rejected.length ? el("ul", { class: "records", id: "rejected" }, tablet.rejected.map(rejectedItem)) : el("p", { text: "Nothing rejected." }),
    el("h2", { text: "Edits that lost a conflict" }),
    tablet.open_conflicts.length ? el("ul", { class: "records", id: "conflicts" }, tablet.open_conflicts.map((c) => el("li", { text: `${c.entity} ${c.field}: kept “${c.winning_value ?? ""}”, yours was “${c.losing_value ?? ""}”; a supervisor decides.` }))) : el("p", { text: "No open conflicts." }));
}

// What the officer recorded, in words (the wire's names are the sync protocol's).
const KIND_WORDS = { visit: "Visit", visit_amendment: "Amendment of a visit", failed_entry: "Failed entry", assessment: "Assessment", breach: "Breach", breach_follow_up: "Follow-up of a breach", young_person: "Young person", encounter: "Encounter with a young person", safeguarding_referral: "Safeguarding referral", referral_chase: "Chase of a referral", plan_action: "Progress of an action", nominal: "Change to a nominal", trace_enquiry: "Trace enquiry", read_event: "Opening of a record" };

// Fields the tablet stamps when a record is made (Tablet::correct refuses to change them), and the
// notes, corrected in a box of several lines.
const STAMPED = ["recorded_at", "amended_at", "assessed_on", "attempted_at", "changes"];
const NOTES = ["observations", "risk_change", "crew_reason", "announced_reason", "devices_checked", "action_taken", "note", "reason", "risk_factors", "protective_factors", "condition_text"];

function kindOf(r) {
  return `${KIND_WORDS[r.entity] ?? r.entity}${r.subject ? ` — ${r.subject}` : ""}`;
}

// A rejected change: what it carried and why the server refused it; the officer corrects it and
// sends it again, or lets it go (the server keeps it, refused, for the supervisor).
function rejectedItem(r) {
  const message = el("p", { role: "status" });
  const letGo = el("button", { type: "button", class: "secondary", text: "Let go" });
  letGo.addEventListener("click", async () => {
    try {
      await api("POST", "/api/let-go", { change_id: r.change_id });
      await refreshStatus();
      renderSync(null);
    } catch (error) {
      message.textContent = error.message;
    }
  });
  return el("li", { "data-change": r.change_id },
    el("strong", { text: kindOf(r) }),
    el("p", { class: "error", text: r.reason }),
    facts(Object.entries(r.fields).filter(([name]) => !name.endsWith("_id")).map(([name, value]) => [fieldWord(name), name.endsWith("_at") && value ? when(value) : value ?? ""])),
    // A read of a record is a link of the read audit's chain: never made again, only let go.
    el("div", { class: "actions" }, r.entity === "read_event" ? null : el("a", { href: `#correct/${encodeURIComponent(r.change_id)}`, class: "button", text: "Correct" }), letGo),
    message);
}

function fieldWord(name) {
  const words = name.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// Correcting a rejected change. A breach names its condition from the nominal's orders, so the
// record is opened first (with a reason, as any look at it); anything else is corrected field by
// field, its references kept as they were.
async function renderCorrect(changeId) {
  const r = state.status.tablet.rejected.find((x) => x.change_id === changeId);
  if (!r) return show("Correct a change", el("p", { text: "No rejected change has this id: it was corrected or let go." }), el("a", { href: "#sync", class: "button", text: "Back to sync" }));
  const send = async (corrections) => {
    await api("POST", "/api/correct", { change_id: r.change_id, ...corrections });
    touched(r.subject);
    await refreshStatus();
  };
  const intro = [el("p", { class: "error", text: `The server refused it: ${r.reason}` })];
  if (r.entity === "breach" && r.subject) {
    if (!(await requireRecord(r.subject))) return;
    const record = state.record;
    const options = record.conditions.map((c) => {
      const order = record.orders.find((o) => o.id === c.order_id);
      return el("option", { value: `${c.order_id}|${c.id}`, text: `${order ? order.kind.toUpperCase() : ""}: ${c.text}`, selected: c.id === r.fields.condition_id });
    });
    return simpleForm("correct-form", `Correct: ${kindOf(r)}`, [
      ...intro,
      el("label", { for: "correct-condition", text: "Which condition" }), el("select", { id: "correct-condition", required: true }, options),
      el("label", { for: "correct-action", text: "Action taken (required)" }), el("input", { id: "correct-action", type: "text", required: true, value: r.fields.action_taken ?? "" }),
    ], "Send it again", () => {
      const [order, condition] = $("correct-condition").value.split("|");
      const text = record.conditions.find((c) => c.id === condition)?.text ?? "";
      return send({ order_id: order, condition_id: condition, condition_text: text, action_taken: $("correct-action").value });
    }, "#sync");
  }
  // The officer's words and choices are corrected; what the record hangs from and what the
  // tablet stamped are shown as they were (the tablet refuses to change them).
  const fixed = (name) => name.endsWith("_id") || STAMPED.includes(name) || (name === "occurred_at" && r.entity !== "visit");
  const entries = Object.entries(r.fields);
  return simpleForm("correct-form", `Correct: ${kindOf(r)}`, [
    ...intro,
    facts(entries.filter(([name]) => fixed(name) && !name.endsWith("_id")).map(([name, value]) => [fieldWord(name), name.endsWith("_at") && value ? when(value) : value ?? ""])),
    ...entries.filter(([name]) => !fixed(name)).flatMap(([name, value], i) => [
      el("label", { for: `correct-${i}`, text: fieldWord(name) }),
      NOTES.includes(name)
        ? el("textarea", { id: `correct-${i}`, "data-field": name }, value ?? "")
        : el("input", { id: `correct-${i}`, type: "text", "data-field": name, value: value ?? "" })]),
  ], "Send it again", (form) => {
    const corrections = {};
    for (const input of form.querySelectorAll("[data-field]")) {
      // Against what was drawn (a text box gives back a note's line breaks as it was given them).
      if (input.value !== input.defaultValue) corrections[input.dataset.field] = input.value;
    }
    return send(corrections);
  }, "#sync");
}

// ----- routes

async function route() {
  if (!state.status || state.status.tablet.locked) return;
  const [name, ...rest] = location.hash.slice(1).split("/").map(decodeURIComponent);
  try {
    switch (name) {
      case "suspects": return await renderSuspects();
      case "sync": return renderSync(null);
      case "nominal": return (await currentRecord(rest[0])) ? renderNominal() : renderAskWhy(rest[0]);
      case "visit": return await renderVisit(rest[0]);
      case "saved": return show("Visit saved", el("p", { class: "notice", id: "saved-notice", text: "The visit is saved on this tablet. It goes to the server at the next sync." }), el("a", { href: "#today", class: "button", text: "Back to today" }));
      case "amend": return await renderAmend(rest[0], rest[1]);
      case "breach": return await renderBreach(rest[0]);
      case "follow-up": return await renderFollowUp(rest[0], rest[1]);
      case "assessment": return renderAssessment(rest[0]);
      case "encounter": return renderEncounter();
      case "correct": return await renderCorrect(rest[0]);
      default: return await renderToday();
    }
  } catch (error) {
    if (error.kind !== "locked") show("Something went wrong", el("p", { class: "error", role: "alert", text: error.message }));
  }
}

async function start() {
  $("unlock-form").addEventListener("submit", unlock);
  $("sync-now").addEventListener("click", () => syncNow());
  $("lock-now").addEventListener("click", lockNow);
  window.addEventListener("hashchange", route);
  window.addEventListener("online", syncSoon);
  const status = await refreshStatus();
  if (!status) return;
  if (status.tablet.locked || !status.tablet.enrolled) lockScreen(status.tablet.enrolled ? "" : "This tablet is not enrolled: enrol it with vigil-field first.");
  else {
    if (!location.hash) location.hash = "#today";
    else route();
    syncSoon();
  }
  setInterval(refreshStatus, STATUS_EVERY_MS);
  // The background sync comes a minute after the last one, whoever asked for it: an officer who
  // has just synced by hand is not synced again a moment later.
  setInterval(() => {
    if (state.status && !state.status.tablet.locked && Date.now() - lastSyncStarted >= SYNC_EVERY_MS) syncNow(true);
  }, SYNC_TICK_MS);
}

document.addEventListener("DOMContentLoaded", start);
