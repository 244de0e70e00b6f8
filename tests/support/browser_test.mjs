// What the browser tests (the dashboard's and the field app's) share: how they read their options
// and fail in one sentence, how they launch Debian's Chromium, and how each check is run and
// counted. Each test still imports playwright-core itself, so that it resolves from the test's own
// folder and its own pinned node_modules.

export const CHROMIUM = "/usr/bin/chromium";
// The demo force's password for every officer (tools/dev demo).
export const PASSWORD = "vigil-demo-password";

// The test's options, `--name value` each, all of `names` required. `script` names the test in
// its failures; a failure exits 2 (bad usage).
export function readOptions(script, names) {
  const die = failWith(script);
  const usage = `usage: node ${script} ${names.map((name) => `--${name} ${name.toUpperCase()}`).join(" ")}`;
  const options = {};
  for (let i = 2; i < process.argv.length; i += 2) {
    const flag = process.argv[i];
    if (!names.includes(flag.slice(2)) || !flag.startsWith("--") || process.argv[i + 1] === undefined) {
      die(2, `unexpected argument '${flag}'; ${usage}`);
    }
    options[flag.slice(2)] = process.argv[i + 1];
  }
  const missing = names.filter((name) => !options[name]);
  if (missing.length > 0) die(2, `${missing.map((name) => `--${name}`).join(", ")} missing; ${usage}`);
  return options;
}

// A function that says what is wrong in one sentence on standard error and exits with `status`.
export function failWith(script) {
  return (status, sentence) => {
    process.stderr.write(`${script}: ${sentence}\n`);
    process.exit(status);
  };
}

// playwright-core's chromium, through `load` (the test's own `() => import("playwright-core")`);
// exits 1 with the command that installs it when it is not there.
export async function chromiumOf(script, folder, load) {
  try {
    return (await load()).chromium;
  } catch (error) {
    return failWith(script)(1, `playwright-core is not installed (${error.code ?? error.message}): run ` +
      `\`npm ci --no-audit --no-fund\` in ${folder} (tools/dev test does it)`);
  }
}

// Debian's Chromium, headless; without its sandbox only when running as root, where it refuses one.
export function launchChromium(chromium) {
  return chromium.launch({ executablePath: CHROMIUM, args: process.getuid?.() === 0 ? ["--no-sandbox"] : [] });
}

// Runs each check, prints `ok   NAME` or `FAIL NAME` with the reason, and counts them.
// `afterFailure(number)` is called after a failed check (to keep a screenshot, to restart what the
// check stopped); its own failure is ignored.
export class Checks {
  constructor(afterFailure = async () => {}) {
    this.passed = 0;
    this.failed = 0;
    this.afterFailure = afterFailure;
  }

  async check(name, body) {
    try {
      await body();
      ++this.passed;
      console.log(`ok   ${name}`);
    } catch (error) {
      ++this.failed;
      console.log(`FAIL ${name}\n     ${String(error.message ?? error).split("\n").join("\n     ")}`);
      await this.afterFailure(this.passed + this.failed).catch(() => {});
    }
  }

  // Prints the totals (and `more`) and exits 0 when every check passed, else 1.
  finish(more = "") {
    console.log(`${this.passed} passed, ${this.failed} failed${more}`);
    process.exit(this.failed === 0 ? 0 : 1);
  }
}
