// calls.mjs: the cost of a tool call through an MCP server over stdio. It
// starts the server N times; per run it initializes one session, lists the
// tools and calls the first one (a GET with no argument) against a loopback
// API, in three phases:
//   1. latency: --pairs times, one tool call then one direct HTTP request
//      for the same URL (node's http, a kept-alive connection), alternating
//      so both see the same machine; p50 and p99 of each, and the call's
//      minus the direct request's: what the server adds;
//   2. one at a time: --calls calls back to back: calls/s, and the server's
//      CPU time (utime + stime from /proc/<pid>/stat) over them ÷ --calls;
//   3. eight at a time: --calls calls with 8 in flight in the one session:
//      calls/s (and CPU per call).
// Then the peak resident memory (VmHWM). Every server gets the same raw
// JSON-RPC lines, so the client's side costs the same for all.
//
//   node calls.mjs --runs 5 --calls 4000 --pairs 1000 --url http://127.0.0.1:PORT/notes \
//     --header 'Authorization: Bearer k' -- CMD ARG...
//
// Prints one JSON object: the median over the runs that worked of every
// figure, and the error of the first failed run (if any).
import { spawn, execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";

function parseArgs(argv) {
  const opts = { runs: 5, calls: 4000, pairs: 1000, timeout: 120, url: "", header: "", concurrency: 8 };
  const sep = argv.indexOf("--");
  if (sep < 0 || sep === argv.length - 1) {
    throw new Error("usage: node calls.mjs [--runs N] [--calls N] [--pairs N] --url URL [--header 'Name: value'] -- CMD ARG...");
  }
  for (let i = 0; i < sep; i += 2) {
    const k = argv[i].replace(/^--/, "");
    if (!(k in opts)) throw new Error(`unknown option ${argv[i]}`);
    opts[k] = typeof opts[k] === "number" ? Number(argv[i + 1]) : argv[i + 1];
  }
  if (!opts.url) throw new Error("calls.mjs: --url (the loopback API's URL the tool calls) is required");
  opts.cmd = argv[sep + 1];
  opts.args = argv.slice(sep + 2);
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const ticks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
const now = () => process.hrtime.bigint();
const msSince = (t0) => Number(now() - t0) / 1e6;

function hwmKB(pid) {
  try {
    const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmHWM:\s+(\d+) kB/m);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

// cpuMs is the process's user + system time so far.
function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // f[0] is field 3 (state)
  return ((Number(f[11]) + Number(f[12])) * 1000) / ticks;
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

// direct sends one GET for opts.url on a kept-alive connection.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const headers = {};
if (opts.header) {
  const i = opts.header.indexOf(":");
  headers[opts.header.slice(0, i).trim()] = opts.header.slice(i + 1).trim();
}
headers.Accept = "application/json";
function direct() {
  return new Promise((resolve, reject) => {
    const req = http.get(opts.url, { agent, headers }, (res) => {
      res.on("data", () => {});
      res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`direct request: status ${res.statusCode}`))));
    });
    req.on("error", reject);
  });
}

// session starts the server and speaks JSON-RPC lines to it.
function session(cmd, args) {
  const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
  const waiting = new Map();
  let nextID = 1;
  let buf = "";
  let stderr = "";
  let dead = null;
  const fail = (err) => {
    dead = err;
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  child.on("error", (e) => fail(new Error(`cannot start: ${e.message}`)));
  child.on("exit", (code, sig) => fail(new Error(`exited (${code ?? sig}): ${stderr.trim().split("\n").slice(-3).join(" | ").slice(0, 300)}`)));
  child.stderr.on("data", (d) => {
    if (stderr.length < 20000) stderr += d;
  });
  child.stdin.on("error", () => {});
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk) => {
    buf += chunk;
    let nl;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      let msg;
      try {
        msg = JSON.parse(line);
      } catch {
        return fail(new Error(`not JSON on stdout: ${line.slice(0, 200)}`));
      }
      const w = waiting.get(msg.id);
      if (!w) continue; // a notification
      waiting.delete(msg.id);
      if (msg.error) w.reject(new Error(JSON.stringify(msg.error).slice(0, 300)));
      else w.resolve(msg.result);
    }
  });
  const request = (method, params) => {
    if (dead) return Promise.reject(dead);
    const id = nextID++;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      child.stdin.write(JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n");
    });
  };
  const notify = (method) => child.stdin.write(JSON.stringify({ jsonrpc: "2.0", method }) + "\n");
  const close = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const killer = setTimeout(() => child.kill("SIGKILL"), 2000);
      child.once("exit", () => {
        clearTimeout(killer);
        resolve();
      });
      child.stdin.end();
      child.kill("SIGTERM");
    });
  return { child, request, notify, close };
}

async function runOnce() {
  const s = session(opts.cmd, opts.args);
  const r = { ok: false };
  const timer = setTimeout(() => s.child.kill("SIGKILL"), opts.timeout * 1000);
  try {
    await s.request("initialize", { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "1" } });
    s.notify("notifications/initialized");
    const { tools } = await s.request("tools/list", {});
    if (!tools?.length) throw new Error("tools/list returned no tools");
    const params = { name: tools[0].name, arguments: {} };
    const call = async () => {
      const res = await s.request("tools/call", params);
      if (res.isError) throw new Error(`tools/call: ${JSON.stringify(res.content).slice(0, 300)}`);
    };
    // Warm both paths up: connections, lazily built state, the JIT.
    for (let i = 0; i < 200; i++) {
      await call();
      await direct();
    }
    // 1. Latency, the call and the direct request alternating.
    const lat = [], dir = [];
    for (let i = 0; i < opts.pairs; i++) {
      let t0 = now();
      await call();
      lat.push(msSince(t0));
      t0 = now();
      await direct();
      dir.push(msSince(t0));
    }
    r.p50Ms = pct(lat, 50);
    r.p99Ms = pct(lat, 99);
    r.directP50Ms = pct(dir, 50);
    r.directP99Ms = pct(dir, 99);
    r.addedP50Ms = r.p50Ms - r.directP50Ms;
    r.addedP99Ms = r.p99Ms - r.directP99Ms;
    // 2. One at a time.
    let c0 = cpuMs(s.child.pid);
    let t0 = now();
    for (let i = 0; i < opts.calls; i++) await call();
    r.callsPerSec1 = opts.calls / (msSince(t0) / 1000);
    r.cpuMsPerCall = (cpuMs(s.child.pid) - c0) / opts.calls;
    // 3. Eight at a time in the one session.
    let left = opts.calls;
    const worker = async () => {
      while (left-- > 0) await call();
    };
    c0 = cpuMs(s.child.pid);
    t0 = now();
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
    r.callsPerSecN = opts.calls / (msSince(t0) / 1000);
    r.cpuMsPerCallN = (cpuMs(s.child.pid) - c0) / opts.calls;
    r.hwmKB = hwmKB(s.child.pid);
    r.ok = true;
  } catch (e) {
    r.error = e.message;
  } finally {
    clearTimeout(timer);
    await s.close();
  }
  return r;
}

const median = (xs) => {
  const s = xs.filter((x) => typeof x === "number").sort((a, b) => a - b);
  if (!s.length) return null;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const results = [];
for (let i = 0; i < opts.runs; i++) results.push(await runOnce());
agent.destroy();
const good = results.filter((r) => r.ok);
const out = { runs: results.length, ok: good.length, calls: opts.calls, pairs: opts.pairs, concurrency: opts.concurrency };
for (const k of ["p50Ms", "p99Ms", "directP50Ms", "directP99Ms", "addedP50Ms", "addedP99Ms", "cpuMsPerCall",
  "callsPerSec1", "callsPerSecN", "cpuMsPerCallN", "hwmKB"]) {
  out[k] = median(good.map((r) => r[k]));
}
out.error = results.find((r) => !r.ok)?.error ?? null;
console.log(JSON.stringify(out));
