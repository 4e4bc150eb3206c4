// driver.mjs: starts an MCP server over stdio N times and measures, per run,
// the time from spawn to the initialize answer, the time from spawn to the
// tools/list answer, the peak resident memory after tools/list (VmHWM from
// /proc/<pid>/status), the size of the tools/list answer (all pages), and how
// many tool names some client would refuse (not [A-Za-z0-9_-]{1,64}, or a
// duplicate), and how many tools take no argument at all (a server that drops
// parameters shows here), and the bytes a model reads of it: the server's
// instructions plus each tool's name, description and input schema, what
// clients pass to the model (titles and annotations are for the client's
// own display). The same raw
// JSON-RPC lines go to every server, so the measure is equal for all.
//
//   node driver.mjs --runs 5 --timeout 60 -- CMD ARG...
//
// Prints one JSON object: medians, the peak memory, bytes, tool count, and
// the error of the first failed run (if any).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

function parseArgs(argv) {
  const opts = { runs: 5, timeout: 60 };
  const sep = argv.indexOf("--");
  if (sep < 0 || sep === argv.length - 1) {
    throw new Error("usage: node driver.mjs [--runs N] [--timeout SECONDS] -- CMD ARG...");
  }
  for (let i = 0; i < sep; i += 2) {
    const v = Number(argv[i + 1]);
    if (argv[i] === "--runs") opts.runs = v;
    else if (argv[i] === "--timeout") opts.timeout = v;
    else throw new Error(`unknown option ${argv[i]}`);
  }
  opts.cmd = argv[sep + 1];
  opts.args = argv.slice(sep + 2);
  return opts;
}

function memKB(pid, field) {
  try {
    const m = readFileSync(`/proc/${pid}/status`, "utf8").match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

function runOnce(cmd, args, timeoutMs) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
    const r = { ok: false };
    let stderr = "";
    let done = false;
    const finish = (err) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) r.error = err;
      child.stdin.end();
      const killer = setTimeout(() => child.kill("SIGKILL"), 2000);
      child.once("exit", () => {
        clearTimeout(killer);
        resolve(r);
      });
      if (child.exitCode !== null || child.signalCode !== null) {
        clearTimeout(killer);
        resolve(r);
      } else {
        child.kill("SIGTERM");
      }
    };
    const timer = setTimeout(() => finish(`no answer within ${timeoutMs / 1000}s`), timeoutMs);
    const send = (msg) => child.stdin.write(JSON.stringify(msg) + "\n");
    child.on("error", (e) => finish(`cannot start: ${e.message}`));
    child.on("exit", (code, sig) => {
      if (!done) finish(`exited (${code ?? sig}) before answering: ${stderr.trim().split("\n").slice(-3).join(" | ").slice(0, 300)}`);
    });
    child.stderr.on("data", (d) => {
      if (stderr.length < 20000) stderr += d;
    });
    child.stdin.on("error", () => {});
    // Chunks are kept as they come and joined once a line is complete: a
    // growing string would be copied at every chunk (a 0.5 MB answer takes
    // tens of milliseconds that way, which would be counted as the
    // server's).
    let parts = [];
    child.stdout.on("data", (chunk) => {
      // The time an answer arrived: when the chunk that ends its line came,
      // before the driver parses it.
      const at = ms(t0);
      let from = 0, nl;
      while ((nl = chunk.indexOf(10, from)) >= 0) {
        parts.push(chunk.subarray(from, nl));
        const line = Buffer.concat(parts).toString("utf8");
        parts = [];
        from = nl + 1;
        let msg;
        try {
          msg = JSON.parse(line);
        } catch {
          return finish(`not JSON on stdout: ${line.slice(0, 200)}`);
        }
        if (msg.id === 1) {
          r.initializeMs = at;
          if (msg.error) return finish(`initialize: ${JSON.stringify(msg.error).slice(0, 300)}`);
          r.instructionsBytes = Buffer.byteLength(msg.result?.instructions ?? "");
          r.modelBytes = r.instructionsBytes;
          send({ jsonrpc: "2.0", method: "notifications/initialized" });
          send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
        } else if (msg.id >= 2) {
          // tools/list, following nextCursor until the last page.
          if (msg.error) return finish(`tools/list: ${JSON.stringify(msg.error).slice(0, 300)}`);
          r.bytes = (r.bytes ?? 0) + Buffer.byteLength(line);
          for (const tool of msg.result?.tools ?? []) {
            r.tools = (r.tools ?? 0) + 1;
            r.modelBytes += Buffer.byteLength(
              JSON.stringify({ name: tool.name, description: tool.description, inputSchema: tool.inputSchema }),
            );
            if (Object.keys(tool.inputSchema?.properties ?? {}).length === 0) r.noArgs = (r.noArgs ?? 0) + 1;
            // Names every client accepts: [A-Za-z0-9_-], 1 to 64, unique.
            const bad = !/^[A-Za-z0-9_-]{1,64}$/.test(tool.name) || r.names?.has(tool.name);
            (r.names ??= new Set()).add(tool.name);
            if (bad) {
              r.badNames = (r.badNames ?? 0) + 1;
              r.badExample ??= tool.name;
            }
          }
          r.pages = msg.id - 1;
          const cursor = msg.result?.nextCursor;
          if (cursor) {
            send({ jsonrpc: "2.0", id: msg.id + 1, method: "tools/list", params: { cursor } });
            continue;
          }
          r.toolsListMs = at;
          r.hwmKB = memKB(child.pid, "VmHWM");
          r.ok = r.tools > 0;
          return finish(r.ok ? undefined : "tools/list returned no tools");
        }
      }
      if (from < chunk.length) parts.push(chunk.subarray(from));
    });
    send({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "1" } },
    });
  });
}

const median = (xs) => {
  const s = xs.filter((x) => typeof x === "number").sort((a, b) => a - b);
  if (!s.length) return null;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const opts = parseArgs(process.argv.slice(2));
const results = [];
for (let i = 0; i < opts.runs; i++) {
  results.push(await runOnce(opts.cmd, opts.args, opts.timeout * 1000));
}
const good = results.filter((r) => r.ok);
const failed = results.find((r) => !r.ok);
console.log(
  JSON.stringify({
    runs: results.length,
    ok: good.length,
    initializeMs: median(good.map((r) => r.initializeMs)),
    toolsListMs: median(good.map((r) => r.toolsListMs)),
    hwmKB: median(good.map((r) => r.hwmKB)),
    bytes: good.length ? good[0].bytes : null,
    modelBytes: good.length ? good[0].modelBytes : null,
    instructionsBytes: good.length ? good[0].instructionsBytes : null,
    tools: good.length ? good[0].tools : null,
    noArgs: good.length ? (good[0].noArgs ?? 0) : null,
    badNames: good.length ? (good[0].badNames ?? 0) : null,
    badExample: good.length ? (good[0].badExample ?? null) : null,
    pages: good.length ? good[0].pages : null,
    error: failed ? failed.error : null,
  }),
);
