#!/usr/bin/env node
// Checks server/openapi/openapi.json with real validators, and real server answers against it.
//
//   node validate.mjs DOC                              the document alone (CTest: openapi.document)
//   node validate.mjs DOC --base-url URL --token T     ... then a tour of a running vigil-server
//   node validate.mjs DOC --base-url URL --login USER:PASSWORD [--probe-throttle]
//   node validate.mjs DOC --exchanges FILE             ... then answers recorded by another test
//
// The document: @apidevtools/swagger-parser validates it against the OpenAPI 3.0 schema and
// resolves every $ref; then every schema is compiled by Ajv in strict mode (so a misspelt
// keyword fails), every example is checked against its schema, every object schema must say
// whether it allows other members, and every operation needs an id, a 2xx answer and, when it
// needs a token, a 401.
//
// The tour sends requests covering every operation, expects the statuses a correct server gives,
// and validates each answer (status documented for the operation, content type, JSON body against
// the schema, documented headers). It WRITES to the server (a visit, a field update and, with
// --login, a conflict, its decision and a revoked device): use a scratch database. --login signs
// in twice itself, which also exercises sign-in, conflicts (two devices) and revocation.
// --probe-throttle also makes six failed sign-ins to see the 429.
//
// A recorded exchanges FILE is a JSON array of
//   {"method": "GET", "path": "/api/v1/nominals?x=1", "status": 200,
//    "content_type": "application/json", "body": "<the body as text>", "headers": {...}}
//
// Prints one line per check and "N passed, M failed"; exits 0 when all pass, 1 when any fails,
// 2 on bad usage.
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const usage =
  "usage: node validate.mjs OPENAPI.json [--base-url URL (--token TOKEN | --login USER:PASSWORD)" +
  " [--probe-throttle]] [--exchanges FILE]";

function die(status, sentence) {
  process.stderr.write(`validate.mjs: ${sentence}\n`);
  process.exit(status);
}

// ----- the libraries (installed by `npm ci` here; tools/dev test does it)

let SwaggerParser, Ajv, addFormats;
try {
  SwaggerParser = (await import("@apidevtools/swagger-parser")).default;
  Ajv = (await import("ajv")).default;
  addFormats = (await import("ajv-formats")).default;
} catch (error) {
  die(1, `the validators are not installed (${error.code ?? error.message}): run ` +
    `\`npm ci --no-audit --no-fund\` in ${here} (tools/dev test does it)`);
}

// ----- arguments

function parseArguments(argv) {
  const options = { document: null, baseUrl: null, token: null, login: null, exchanges: null, probeThrottle: false };
  const valued = { "--base-url": "baseUrl", "--token": "token", "--login": "login", "--exchanges": "exchanges" };
  for (let i = 0; i < argv.length; ++i) {
    const word = argv[i];
    if (word === "--help" || word === "-h") {
      process.stdout.write(`${usage}\n`);
      process.exit(0);
    } else if (word === "--probe-throttle") {
      options.probeThrottle = true;
    } else if (valued[word]) {
      if (i + 1 >= argv.length) die(2, `${word} needs a value\n${usage}`);
      options[valued[word]] = argv[++i];
    } else if (word.startsWith("-")) {
      die(2, `unknown option ${word}\n${usage}`);
    } else if (options.document === null) {
      options.document = word;
    } else {
      die(2, `unexpected argument ${word}\n${usage}`);
    }
  }
  if (options.document === null) die(2, usage);
  if (options.baseUrl && !options.token && !options.login) die(2, "--base-url needs --token or --login");
  if ((options.token || options.login) && !options.baseUrl) die(2, "--token and --login need --base-url");
  if (options.login && !options.login.includes(":")) die(2, "--login takes USER:PASSWORD");
  return options;
}

// ----- reporting

let passed = 0;
let failed = 0;
function report(ok, what, problems = []) {
  if (ok) {
    ++passed;
    console.log(`ok   ${what}`);
  } else {
    ++failed;
    console.log(`FAIL ${what}`);
    for (const p of problems.slice(0, 12)) console.log(`       ${p}`);
    if (problems.length > 12) console.log(`       ... and ${problems.length - 12} more`);
  }
}

// ----- schemas through Ajv

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

function makeAjv(doc) {
  // strict: unknown keywords, type mix-ups and required members missing from properties are
  // errors, so a typo in the document cannot silently weaken a schema. OpenAPI's own schema
  // keywords are declared; `nullable` is Ajv's own.
  const ajv = new Ajv({ strict: true, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addVocabulary(["example", "externalDocs", "xml"]);
  for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
    ajv.addSchema(rewriteRefs(schema), `openapi:${name}`);
  }
  return ajv;
}

// The document's references to its component schemas, as the ids they have in Ajv.
function rewriteRefs(schema) {
  return JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\/components\/schemas\/([^"\/]+)"/g, '"$ref":"openapi:$1"'));
}

// A schema from anywhere in the document.
function compile(ajv, schema) {
  return ajv.compile(rewriteRefs(schema));
}

function ajvProblems(errors) {
  return (errors ?? []).map((e) => {
    const where = e.instancePath || "(top)";
    const extra = e.params?.additionalProperty ? ` '${e.params.additionalProperty}'`
      : e.params?.allowedValues ? ` ${JSON.stringify(e.params.allowedValues)}` : "";
    return `${where} ${e.message}${extra}`;
  });
}

function resolve(doc, node) {
  let at = node;
  for (let depth = 0; at && at.$ref && depth < 10; ++depth) {
    if (!at.$ref.startsWith("#/")) return at;
    at = at.$ref.slice(2).split("/").reduce(
      (o, s) => (o ? o[s.replaceAll("~1", "/").replaceAll("~0", "~")] : undefined), doc);
  }
  return at;
}

// Calls visit(schema, where) for every schema object under `schema` (not following $ref).
function walkSchema(schema, where, visit) {
  if (!schema || typeof schema !== "object") return;
  visit(schema, where);
  for (const key of ["properties"]) {
    for (const [name, sub] of Object.entries(schema[key] ?? {})) walkSchema(sub, `${where}.${key}.${name}`, visit);
  }
  for (const key of ["items", "not"]) if (schema[key]) walkSchema(schema[key], `${where}.${key}`, visit);
  if (typeof schema.additionalProperties === "object") {
    walkSchema(schema.additionalProperties, `${where}.additionalProperties`, visit);
  }
  for (const key of ["allOf", "oneOf", "anyOf"]) {
    (schema[key] ?? []).forEach((sub, i) => walkSchema(sub, `${where}.${key}[${i}]`, visit));
  }
}

function* operations(doc) {
  for (const [template, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      if (item[method]) yield { template, method, operation: item[method] };
    }
  }
}

// Every schema the document holds: components, and those inline in parameters, bodies and answers.
function* allSchemas(doc) {
  for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
    yield { where: `components.schemas.${name}`, schema };
  }
  for (const [name, response] of Object.entries(doc.components?.responses ?? {})) {
    for (const [type, media] of Object.entries(response.content ?? {})) {
      yield { where: `components.responses.${name} ${type}`, schema: media.schema, media };
    }
    for (const [header, spec] of Object.entries(response.headers ?? {})) {
      yield { where: `components.responses.${name} header ${header}`, schema: spec.schema };
    }
  }
  for (const { template, method, operation } of operations(doc)) {
    const at = `${method.toUpperCase()} ${template}`;
    for (const parameter of operation.parameters ?? []) {
      const p = resolve(doc, parameter);
      yield { where: `${at} parameter ${p.name}`, schema: p.schema };
    }
    const body = resolve(doc, operation.requestBody);
    for (const [type, media] of Object.entries(body?.content ?? {})) {
      yield { where: `${at} request ${type}`, schema: media.schema, media };
    }
    for (const [status, response] of Object.entries(operation.responses ?? {})) {
      if (response.$ref) continue;  // a component, seen above
      for (const [type, media] of Object.entries(response.content ?? {})) {
        yield { where: `${at} ${status} ${type}`, schema: media.schema, media };
      }
      for (const [header, spec] of Object.entries(response.headers ?? {})) {
        yield { where: `${at} ${status} header ${header}`, schema: spec.schema };
      }
    }
  }
}

// ----- the document

async function checkDocument(file) {
  let doc;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    report(false, `${file} is JSON`, [error.message]);
    return null;
  }
  report(true, `${file} is JSON (${readFileSync(file).length} bytes)`);

  try {
    // The validator dereferences what it is given in place: give it a copy.
    await SwaggerParser.validate(structuredClone(doc));
    report(true, `OpenAPI ${doc.openapi} document is valid (swagger-parser: schema and every $ref)`);
  } catch (error) {
    report(false, "OpenAPI document is valid (swagger-parser)", String(error.message).split("\n"));
    return null;
  }

  const ajv = makeAjv(doc);
  const compileProblems = [];
  const exampleProblems = [];
  for (const { where, schema, media } of allSchemas(doc)) {
    if (!schema) continue;
    try {
      compile(ajv, schema);
    } catch (error) {
      compileProblems.push(`${where}: ${error.message}`);
      continue;
    }
    // Examples, at every level of the schema, and on the media type.
    walkSchema(schema, where, (sub, subWhere) => {
      if (!("example" in sub)) return;
      const validate = compile(ajv, sub);
      if (!validate(sub.example)) {
        exampleProblems.push(...ajvProblems(validate.errors).map((p) => `${subWhere} example: ${p}`));
      }
    });
    const examples = [];
    if (media && "example" in media) examples.push(["example", media.example]);
    for (const [name, ex] of Object.entries(media?.examples ?? {})) examples.push([name, resolve(doc, ex).value]);
    for (const [name, value] of examples) {
      const validate = compile(ajv, schema);
      if (!validate(value)) {
        exampleProblems.push(...ajvProblems(validate.errors).map((p) => `${where} ${name}: ${p}`));
      }
    }
  }
  report(compileProblems.length === 0, "every schema compiles in Ajv strict mode", compileProblems);
  report(exampleProblems.length === 0, "every example matches its schema", exampleProblems);

  const openObjects = [];
  for (const { where, schema } of allSchemas(doc)) {
    walkSchema(schema, where, (sub, subWhere) => {
      if (sub.type === "object" && sub.properties && !("additionalProperties" in sub)) openObjects.push(subWhere);
    });
  }
  report(openObjects.length === 0, "every object schema with properties says whether others are allowed",
    openObjects.map((w) => `${w} has no additionalProperties`));

  const operationProblems = [];
  const ids = new Set();
  for (const { template, method, operation } of operations(doc)) {
    const at = `${method.toUpperCase()} ${template}`;
    if (!operation.operationId) operationProblems.push(`${at} has no operationId`);
    else if (ids.has(operation.operationId)) operationProblems.push(`${at}: operationId ${operation.operationId} is used twice`);
    ids.add(operation.operationId);
    const statuses = Object.keys(operation.responses ?? {});
    if (!statuses.some((s) => /^2/.test(s))) operationProblems.push(`${at} has no 2xx answer`);
    const security = operation.security ?? doc.security ?? [];
    if (security.length > 0 && !statuses.includes("401")) operationProblems.push(`${at} needs a token but has no 401 answer`);
    for (const p of (template.match(/\{[^}]+\}/g) ?? [])) {
      const name = p.slice(1, -1);
      const params = [...(doc.paths[template].parameters ?? []), ...(operation.parameters ?? [])].map((x) => resolve(doc, x));
      if (!params.some((x) => x.in === "path" && x.name === name)) operationProblems.push(`${at} does not describe {${name}}`);
    }
  }
  report(operationProblems.length === 0, `every operation (${ids.size}) has an id, a 2xx answer and a 401 when it needs a token`,
    operationProblems);
  return { doc, ajv };
}

// ----- answers

function findOperation(doc, method, urlPath) {
  for (const [template, item] of Object.entries(doc.paths ?? {})) {
    const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{[^}]+\\?\}/g, "[^/]+")}$`);
    if (pattern.test(urlPath)) return { template, item, operation: item[method.toLowerCase()] };
  }
  return null;
}

let named = null;
function namedStatuses(doc) {
  if (named === null) {
    named = new Set();
    for (const { operation } of operations(doc)) {
      for (const status of Object.keys(operation.responses ?? {})) named.add(status);
    }
  }
  return named;
}

const compiled = new Map();
function validatorFor(ajv, schema) {
  if (!compiled.has(schema)) compiled.set(schema, compile(ajv, schema));
  return compiled.get(schema);
}

// Problems with one answer: documented status, content type, headers and body.
function checkExchange(doc, ajv, exchange) {
  const problems = [];
  const urlPath = exchange.path.split("?")[0];
  const found = findOperation(doc, exchange.method, urlPath);
  let response;
  let label;
  if (found?.operation) {
    const responses = found.operation.responses ?? {};
    const status = String(exchange.status);
    let key = status in responses ? status : `${status[0]}XX` in responses ? `${status[0]}XX` : null;
    // `default` stands for the statuses the document names nowhere (the HTTP layer's 431, say):
    // a status it names for some operation must be named by every operation that answers it.
    if (key === null && "default" in responses && !namedStatuses(doc).has(status)) key = "default";
    if (key === null) {
      problems.push(`status ${status} is not documented for ${exchange.method} ${found.template}`);
      return { problems };
    }
    response = resolve(doc, responses[key]);
    label = `${exchange.method} ${found.template} ${key}`;
  } else if ((found && exchange.status === 405) || (!found && exchange.status === 404)) {
    // A method or path the server does not serve: the answer is still the documented error.
    response = { content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
    label = found ? `${exchange.method} ${found.template} (method not served)` : "(path not served)";
  } else {
    problems.push(found ? `${exchange.method} is not documented for ${found.template}`
      : `${urlPath} is not a documented path`);
    return { problems };
  }

  for (const [name, spec] of Object.entries(response.headers ?? {})) {
    const value = exchange.headers?.[name.toLowerCase()];
    if (value === undefined) {
      if (spec.required) problems.push(`header ${name} is missing`);
      continue;
    }
    if (spec.schema) {
      const validate = validatorFor(ajv, spec.schema);
      if (!validate(value)) problems.push(...ajvProblems(validate.errors).map((p) => `header ${name}: ${p}`));
    }
  }

  if (exchange.method.toUpperCase() === "HEAD") return { problems, label };  // no body, by definition
  const content = response.content ?? {};
  const types = Object.keys(content);
  const type = (exchange.content_type ?? "").split(";")[0].trim().toLowerCase();
  if (types.length === 0) {
    if (exchange.body) problems.push("the answer has a body where none is documented");
    return { problems, label };
  }
  const media = content[type] ?? content[`${type.split("/")[0]}/*`] ?? content["*/*"];
  if (!media) {
    problems.push(`content type '${exchange.content_type}' is not one of ${types.join(", ")}`);
    return { problems, label };
  }
  if (!media.schema) return { problems, label };
  let body = exchange.body;
  if (/json/.test(type)) {
    try {
      body = JSON.parse(exchange.body);
    } catch (error) {
      problems.push(`the body is not JSON: ${error.message}`);
      return { problems, label };
    }
  }
  const validate = validatorFor(ajv, media.schema);
  if (!validate(body)) problems.push(...ajvProblems(validate.errors));
  return { problems, label, body };
}

// ----- the live tour

class Tour {
  constructor(doc, ajv, baseUrl) {
    this.doc = doc;
    this.ajv = ajv;
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.exercised = new Set();
  }

  // Sends one request, validates the answer, checks its status is one of `expect`; returns the
  // parsed body (or null).
  async send(what, method, urlPath, { token, body, raw, expect = [200] } = {}) {
    const headers = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    let payload;
    if (raw !== undefined) payload = raw;
    else if (body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined) headers["Content-Type"] = "application/json";
    const title = `${what}: ${method} ${urlPath}`;
    let answer;
    try {
      answer = await fetch(this.baseUrl + urlPath, {
        method, headers, body: payload, signal: AbortSignal.timeout(30000),
      });
    } catch (error) {
      report(false, title, [`no answer: ${error.cause?.message ?? error.message}`]);
      return null;
    }
    const exchange = {
      method, path: urlPath, status: answer.status, content_type: answer.headers.get("content-type"),
      body: await answer.text(), headers: Object.fromEntries(answer.headers.entries()),
    };
    const { problems, label, body: parsed } = checkExchange(this.doc, this.ajv, exchange);
    if (!expect.includes(answer.status)) {
      problems.unshift(`status ${answer.status}, expected ${expect.join(" or ")}: ${exchange.body.slice(0, 200)}`);
    }
    const found = findOperation(this.doc, method, urlPath.split("?")[0]);
    if (found?.operation) this.exercised.add(`${method.toUpperCase()} ${found.template}`);
    report(problems.length === 0, `${title} -> ${answer.status}${label ? ` (${label})` : ""}`, problems);
    return { status: answer.status, body: parsed ?? null };
  }

  async run(options) {
    const nobody = `openapi-check-${randomUUID().slice(0, 8)}`;
    let token = options.token;
    let second = null;
    let role = null;
    let me = null;
    if (options.login) {
      const colon = options.login.indexOf(":");
      const credentials = { username: options.login.slice(0, colon), password: options.login.slice(colon + 1) };
      me = credentials.username;
      const first = await this.send("sign in", "POST", "/api/v1/auth/login",
        { body: { ...credentials, device_name: "openapi check A" } });
      const other = await this.send("sign in on a second device", "POST", "/api/v1/auth/login",
        { body: { ...credentials, device_name: "openapi check B" } });
      if (first?.status !== 200 || other?.status !== 200) return;
      token = first.body.token;
      role = first.body.role;
      second = other.body;
      const browser = await this.send("sign in from the dashboard", "POST", "/api/v1/auth/login",
        { body: { ...credentials, device_name: "openapi check browser", kind: "browser" } });
      if (browser?.status === 200) {
        await this.send("sign out", "POST", "/api/v1/auth/logout", { token: browser.body.token, expect: [204] });
        await this.send("the token after signing out", "GET", "/api/v1/nominals", { token: browser.body.token, expect: [401] });
      }
      await this.send("sign-in of an unknown kind", "POST", "/api/v1/auth/login",
        { body: { ...credentials, device_name: "openapi check", kind: "phone" }, expect: [400] });
    }
    const supervisor = role === null ? null : role !== "officer";
    const byRole = (ok, refused) => (supervisor === null ? [ok, refused] : supervisor ? [ok] : [refused]);

    await this.send("dashboard", "GET", "/");
    await this.send("dashboard style sheet", "GET", "/dashboard.css");
    await this.send("dashboard script", "GET", "/dashboard.js");
    await this.send("health", "GET", "/healthz");
    // 503 only on a machine with less than a GiB free; the answer's shape is checked either way.
    await this.send("readiness", "GET", "/readyz", { expect: [200, 503] });
    await this.send("metrics", "GET", "/metrics");
    const served = await this.send("served document", "GET", "/api/v1/openapi.json");
    if (served?.body) {
      const same = JSON.stringify(served.body) === JSON.stringify(this.doc);
      report(same, "the server serves this document",
        ["the served document differs from the file: rebuild vigil-server (it embeds the file)"]);
    }
    await this.send("wrong password", "POST", "/api/v1/auth/login",
      { body: { username: nobody, password: "not the password", device_name: "openapi check" }, expect: [401] });
    await this.send("sign-in without a device name", "POST", "/api/v1/auth/login",
      { body: { username: nobody, password: "x" }, expect: [400] });
    await this.send("sign-in with an unknown member", "POST", "/api/v1/auth/login",
      { body: { username: nobody, password: "x", device_name: "y", remember: "yes" }, expect: [400] });
    await this.send("sign-in with a body that is not JSON", "POST", "/api/v1/auth/login", { raw: "{", expect: [400] });

    // Reads.
    const list = await this.send("nominals", "GET", "/api/v1/nominals", { token });
    const nominals = list?.body?.items ?? [];
    const nominal = nominals.find((n) => n.officer) ?? nominals[0];
    if (nominal) {
      await this.send("one nominal", "GET", `/api/v1/nominals/${nominal.id}?reason=openapi%20check`, { token });
    } else {
      report(false, "the caller's scope holds a nominal to read", ["the nominals list is empty: seed the database"]);
    }
    await this.send("nominals for a briefing", "GET", "/api/v1/nominals?briefing=true", { token });
    if (nominal) {
      await this.send("nominals of one team", "GET", `/api/v1/nominals?team=${encodeURIComponent(nominal.team)}`, { token });
    }
    await this.send("nominals, briefing neither true nor false", "GET", "/api/v1/nominals?briefing=yes",
      { token, expect: [400] });
    await this.send("nominals of a team outside the scope", "GET",
      `/api/v1/nominals?team=${encodeURIComponent(`no such team ${Date.now()}`)}`, { token, expect: [403] });
    await this.send("unknown nominal", "GET", `/api/v1/nominals/${randomUUID()}`, { token, expect: [404] });
    const full = await this.send("first pull", "GET", "/api/v1/sync/pull?since=0", { token });
    await this.send("pull with limit 0", "GET", "/api/v1/sync/pull?since=1&limit=0", { token, expect: [400] });
    await this.send("pull with a negative cursor", "GET", "/api/v1/sync/pull?since=-1", { token, expect: [400] });
    await this.send("pull with a cursor that is not a number", "GET", "/api/v1/sync/pull?since=x", { token, expect: [400] });

    // Push: a change the server refuses (rejected) and a visit (applied), then both again
    // (duplicates). The refused change goes first: it takes a number in the server's log too, so
    // the visit's is at least 2 and "the changes after the one before it" is a real cursor.
    let visitSeq = null;
    let rejectedChangeId = null;
    const stamp = clockFrom(Date.now());
    const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    if (nominal) {
      const visitId = randomUUID();
      const batch = {
        changes: [
          {
            change_id: randomUUID(), entity: "visit", entity_id: visitId, operation: "update",
            fields: { outcome: "refused" }, base: { outcome: "seen" }, clock: stamp(), device_time: now,
          },
          {
            change_id: randomUUID(), entity: "visit", entity_id: visitId, operation: "append",
            fields: {
              nominal_id: nominal.id, occurred_at: now, recorded_at: now, announced: "no",
              outcome: "seen", observations: "openapi check", attendees: nominal.officer ?? "",
            },
            clock: stamp(), device_time: now,
          },
        ],
        pending: 0,
        device_time: now,
      };
      const pushed = await this.send("push a refused change and a visit", "POST", "/api/v1/sync/push", { token, body: batch });
      const outcomes = pushed?.body?.outcomes?.map((o) => o.outcome) ?? [];
      report(outcomes.join() === "rejected,applied", "push outcomes are rejected, applied",
        [`got ${JSON.stringify(pushed?.body?.outcomes)}`]);
      visitSeq = pushed?.body?.outcomes?.[1]?.seq ?? null;
      rejectedChangeId = batch.changes[0].change_id;
      const again = await this.send("push the same changes again", "POST", "/api/v1/sync/push", { token, body: batch });
      const repeats = again?.body?.outcomes?.map((o) => `${o.outcome}/${o.first_outcome}`) ?? [];
      report(repeats.join() === "duplicate/rejected,duplicate/applied", "repeated changes are duplicates with their first outcome",
        [`got ${JSON.stringify(again?.body?.outcomes)}`]);
    }
    await this.send("push without changes", "POST", "/api/v1/sync/push", { token, body: { pending: 0 }, expect: [400] });
    await this.send("push with an unknown member", "POST", "/api/v1/sync/push",
      { token, body: { changes: [], extra: 1 }, expect: [400] });
    await this.send("push that is not JSON", "POST", "/api/v1/sync/push", { token, raw: "changes", expect: [400] });
    const tooMany = Array.from({ length: 5001 }, () => ({
      change_id: randomUUID(), entity: "visit", entity_id: randomUUID(), operation: "append", fields: {}, clock: stamp(),
    }));
    await this.send("push of 5,001 changes", "POST", "/api/v1/sync/push", { token, body: { changes: tooMany }, expect: [413] });

    // Two devices editing one field: a conflict, its decision, and a revoked device.
    let conflictId = null;
    if (second && nominal) {
      const original = full?.body?.items?.find((i) => i.entity === "nominal" && i.entity_id === nominal.id)?.fields?.area ?? nominal.area;
      const update = (area, clock) => ({
        changes: [{
          change_id: randomUUID(), entity: "nominal", entity_id: nominal.id, operation: "update",
          fields: { area }, base: { area: original }, clock, device_time: now,
        }],
        pending: 0, device_time: now,
      });
      const a = await this.send("device A updates a field", "POST", "/api/v1/sync/push",
        { token, body: update(`openapi check A ${now}`, stamp()) });
      const b = await this.send("device B updates it from the same base", "POST", "/api/v1/sync/push",
        { token: second.token, body: update(`openapi check B ${now}`, stamp()) });
      report(a?.body?.outcomes?.[0]?.outcome === "applied" && b?.body?.outcomes?.[0]?.outcome === "conflict",
        "concurrent updates give applied, then conflict",
        [`got ${JSON.stringify(a?.body?.outcomes)} and ${JSON.stringify(b?.body?.outcomes)}`]);
      const open = await this.send("open conflicts", "GET", "/api/v1/conflicts", { token });
      conflictId = open?.body?.items?.find((c) => c.entity_id === nominal.id && c.field === "area")?.id ?? null;
      report(conflictId !== null, "the conflict is listed", ["not in GET /api/v1/conflicts"]);
    }
    if (visitSeq > 1) {
      const page = await this.send("pull after the push", "GET", `/api/v1/sync/pull?since=${visitSeq - 1}&limit=5`, { token });
      const first = page?.body?.items?.[0];
      report(first?.kind === "change" && first?.seq === visitSeq, "the pull returns the pushed visit as a change",
        [`got ${JSON.stringify(first)?.slice(0, 200)}`]);
    }
    await this.send("all conflicts", "GET", "/api/v1/conflicts?status=all", { token });

    if (conflictId) {
      const path = `/api/v1/conflicts/${conflictId}/decision`;
      await this.send("decide with a bad keep", "POST", path, { token, body: { keep: "both" }, expect: byRole(400, 403) });
      const decided = await this.send("decide the conflict", "POST", path,
        { token, body: { keep: "losing", note: "openapi check" }, expect: byRole(200, 403) });
      if (decided?.status === 200) {
        await this.send("decide it again", "POST", path, { token, body: { keep: "winning" }, expect: [409] });
        await this.send("decided conflicts", "GET", "/api/v1/conflicts?status=all", { token });
      }
    }
    await this.send("decide an unknown conflict", "POST", `/api/v1/conflicts/${randomUUID()}/decision`,
      { token, body: { keep: "winning" }, expect: byRole(404, 403) });

    await this.send("devices", "GET", "/api/v1/devices", { token, expect: byRole(200, 403) });
    // The desk: the rejected change waits in the review queue; a return needs a comment; the
    // caller's own change is another's to review; a sign-off of an officer's work takes it out.
    const queue = await this.send("review queue", "GET", "/api/v1/review-queue", { token, expect: byRole(200, 403) });
    if (queue?.status === 200 && rejectedChangeId) {
      const item = queue.body.waiting.find((i) => i.subject === "change" && i.subject_id === rejectedChangeId);
      report(item !== undefined, "the rejected change waits in the review queue", ["not in GET /api/v1/review-queue"]);
      if (item) {
        const decision = { team: item.team, subject: "change", subject_id: rejectedChangeId };
        await this.send("return without a comment", "POST", "/api/v1/reviews",
          { token, body: { ...decision, decision: "returned" }, expect: [400] });
        await this.send("sign off one's own rejected change", "POST", "/api/v1/reviews",
          { token, body: { ...decision, decision: "signed_off", comment: "openapi check" }, expect: me === null ? [201, 400] : [400] });
        await this.send("review queue of one team", "GET", `/api/v1/review-queue?team=${encodeURIComponent(item.team)}`, { token });
      }
      const others = queue.body.waiting.find((i) => i.subject === "visit" && i.officer && i.officer !== me);
      if (others) {
        await this.send("sign off an officer's visit", "POST", "/api/v1/reviews", {
          token, expect: [201],
          body: { team: others.team, subject: "visit", subject_id: others.subject_id, decision: "signed_off", comment: "openapi check" },
        });
      }
    }
    if (nominal) {
      await this.send("an assessment written at the desk", "POST", "/api/v1/records", {
        token, expect: [201],
        body: { entity: "assessment", operation: "append", fields: { nominal_id: nominal.id, assessed_on: now.slice(0, 10), risk_level: "high" } },
      });
    }
    await this.send("a desk record without its entity", "POST", "/api/v1/records",
      { token, body: { operation: "append", fields: {} }, expect: [400] });
    await this.send("a desk update naming no record", "POST", "/api/v1/records",
      { token, body: { entity: "plan", operation: "update", fields: { last_reviewed_on: "2026-11-01" } }, expect: [400] });
    await this.send("review for a team outside the scope", "POST", "/api/v1/reviews",
      { token, body: { team: `no such team ${now}`, subject: "visit", subject_id: randomUUID(), decision: "signed_off" }, expect: [403] });
    await this.send("review with an unknown member", "POST", "/api/v1/reviews",
      { token, body: { team: "x", subject: "visit", subject_id: randomUUID(), decision: "signed_off", extra: 1 }, expect: [400, 403] });
    await this.send("overdue report", "GET", "/api/v1/reports/overdue?as_of=2026-11-22", { token });
    await this.send("overdue report as CSV", "GET", "/api/v1/reports/overdue?format=csv", { token });
    await this.send("overdue report, impossible date", "GET", "/api/v1/reports/overdue?as_of=2026-02-30",
      { token, expect: [400] });
    await this.send("overdue report, a team outside the scope", "GET",
      `/api/v1/reports/overdue?team=${encodeURIComponent(`no such team ${now}`)}`, { token, expect: [403] });
    const suspects = await this.send("suspects report", "GET", "/api/v1/reports/suspects?as_of=2026-11-22", { token });
    // The pages the report's rows lead to: a suspect, and a case on bail or under investigation.
    const suspect = suspects?.body?.outstanding_suspects?.[0];
    if (suspect) await this.send("one suspect", "GET", `/api/v1/suspects/${encodeURIComponent(suspect.ref)}?reason=openapi%20check`, { token });
    for (const row of [suspects?.body?.bail?.[0], suspects?.body?.rui_reviews?.[0]].filter(Boolean)) {
      await this.send("one bail case", "GET", `/api/v1/bail-cases/${encodeURIComponent(row.ref)}?reason=openapi%20check`, { token });
    }
    await this.send("unknown suspect", "GET", `/api/v1/suspects/${randomUUID()}`, { token, expect: [404] });
    await this.send("unknown bail case", "GET", `/api/v1/bail-cases/${randomUUID()}`, { token, expect: [404] });
    await this.send("suspects report as CSV", "GET", "/api/v1/reports/suspects?format=csv", { token });
    await this.send("safeguarding report", "GET", "/api/v1/reports/safeguarding?as_of=2026-11-22", { token });
    await this.send("safeguarding report as CSV", "GET", "/api/v1/reports/safeguarding?format=csv", { token });
    await this.send("compliance report", "GET", "/api/v1/reports/compliance?as_of=2026-11-22", { token });
    await this.send("compliance report as CSV", "GET", "/api/v1/reports/compliance?format=csv", { token });
    await this.send("backlog trend", "GET", "/api/v1/reports/trend?as_of=2026-11-22", { token });
    await this.send("backlog trend as CSV", "GET", "/api/v1/reports/trend?format=csv", { token });
    await this.send("devices report", "GET", "/api/v1/reports/devices", { token, expect: byRole(200, 403) });
    await this.send("devices report as CSV", "GET", "/api/v1/reports/devices?format=csv",
      { token, expect: byRole(200, 403) });
    await this.send("revoke an unknown device", "POST", `/api/v1/devices/${randomUUID()}/revoke`,
      { token, body: { reason: "openapi check" }, expect: byRole(404, 403) });
    if (second) {
      const path = `/api/v1/devices/${second.device_id}/revoke`;
      const revoked = await this.send("revoke device B", "POST", path,
        { token, body: { reason: "openapi check" }, expect: byRole(200, 403) });
      if (revoked?.status === 200) {
        await this.send("revoke it again, without a body", "POST", path, { token });
        await this.send("device B after revocation", "GET", "/api/v1/sync/pull?since=0", { token: second.token, expect: [401] });
      }
    }

    // Errors every route shares.
    await this.send("no token", "GET", "/api/v1/nominals", { expect: [401] });
    await this.send("unknown token", "GET", "/api/v1/sync/pull", { token: "0".repeat(64), expect: [401] });
    await this.send("wrong method", "DELETE", "/api/v1/nominals", { token, expect: [405] });
    await this.send("wrong method on health", "POST", "/healthz", { expect: [405] });
    await this.send("unknown path", "GET", "/api/v1/nothing-here", { token, expect: [404] });

    if (options.probeThrottle) {
      const attempt = { username: `${nobody}-t`, password: "wrong", device_name: "openapi check" };
      for (let i = 0; i < 5; ++i) {
        await this.send(`failed sign-in ${i + 1} of 5`, "POST", "/api/v1/auth/login", { body: attempt, expect: [401] });
      }
      await this.send("sign-in after 5 failures", "POST", "/api/v1/auth/login", { body: attempt, expect: [429] });
    }

    const missing = [...operations(this.doc)].map(({ method, template }) => `${method.toUpperCase()} ${template}`)
      .filter((op) => !this.exercised.has(op));
    if (missing.length > 0) console.log(`note: not exercised: ${missing.join(", ")}`);
  }
}

// Hybrid logical clock stamps after `ms`, one counter step each.
function clockFrom(ms) {
  let counter = 0;
  return () => `${String(ms).padStart(16, "0")}.${String(counter++).padStart(5, "0")}`;
}

// ----- main

const options = parseArguments(process.argv.slice(2));
const checked = await checkDocument(options.document);
if (checked) {
  if (options.exchanges) {
    let exchanges;
    try {
      exchanges = JSON.parse(readFileSync(options.exchanges, "utf8"));
      if (!Array.isArray(exchanges)) throw new Error("not a JSON array");
    } catch (error) {
      die(2, `cannot read the exchanges in ${options.exchanges}: ${error.message}`);
    }
    for (const exchange of exchanges) {
      const headers = Object.fromEntries(Object.entries(exchange.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
      const { problems, label } = checkExchange(checked.doc, checked.ajv, { ...exchange, headers });
      report(problems.length === 0, `${exchange.method} ${exchange.path} -> ${exchange.status}${label ? ` (${label})` : ""}`, problems);
    }
  }
  if (options.baseUrl) await new Tour(checked.doc, checked.ajv, options.baseUrl).run(options);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && checked ? 0 : 1);
