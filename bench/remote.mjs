// remote.mjs: a stdio bridge to a remote MCP server, measured. Starts the
// end-to-end suite's remote MCP server (e2e/lib/remote-server.mjs, the
// TypeScript SDK over Streamable HTTP on 127.0.0.1, requiring a key header),
// then, N times per bridge, spawns the bridge and sends raw JSON-RPC lines:
// initialize (time from spawn to the answer), then CALLS tools/call "echo"
// one after another (time per call), then reads the peak resident memory
// (VmHWM from /proc/<pid>/status). The same calls made straight to the
// server as raw HTTP requests from this process, warmed up, give the time
// a call costs without a bridge; a bridge's added latency is its time per
// call minus that one. The server runs in a process of its own.
//
//   node remote.mjs --runs 5 --calls 50 --restmcp PATH --mcp-remote PATH
//
// Prints one JSON object: {direct: {callMs}, restmcp: {...}, mcpRemote: {...}}
// with medians over the runs that worked and the first error.
import { spawn } from "node:child_process";
import http from "node:http";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { startRemoteServer } from "../e2e/lib/remote-server.mjs";

const KEY = "Bearer sk-bench-0123456789abcdef";

function parseArgs(argv) {
  const o = { runs: 5, calls: 50 };
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i].replace(/^--/, "");
    o[k === "mcp-remote" ? "mcpRemote" : k] = ["runs", "calls"].includes(k) ? Number(argv[i + 1]) : argv[i + 1];
  }
  if (!o.restmcp || !o.mcpRemote) throw new Error("usage: node remote.mjs [--runs N] [--calls N] --restmcp PATH --mcp-remote PATH");
  return o;
}

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null;
};

function hwmKB(pid) {
  try {
    const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmHWM:\s+(\d+) kB/m);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** One run of a bridge: spawn, initialize, calls, memory. */
function runOnce(cmd, args, env, calls) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, ...env } });
    const r = { ok: false };
    let buf = "", stderr = "", done = false, sent = 0, tCall;
    const callTimes = [];
    const finish = (err) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) r.error = `${err}${stderr ? `: ${stderr.trim().split("\n").slice(-3).join(" | ").slice(0, 300)}` : ""}`;
      r.callMs = median(callTimes);
      child.stdin.end();
      const killer = setTimeout(() => child.kill("SIGKILL"), 3000);
      child.once("exit", () => { clearTimeout(killer); resolve(r); });
      child.kill("SIGTERM");
    };
    const timer = setTimeout(() => finish("timed out"), 60000);
    const send = (m) => child.stdin.write(JSON.stringify(m) + "\n");
    const call = () => {
      sent++;
      tCall = process.hrtime.bigint();
      send({ jsonrpc: "2.0", id: 100 + sent, method: "tools/call", params: { name: "echo", arguments: { text: `call ${sent}` } } });
    };
    child.stderr.on("data", (d) => { stderr += d; if (stderr.length > 20000) stderr = stderr.slice(-10000); });
    child.on("error", (e) => finish(e.message));
    child.on("exit", (code) => finish(`exited with ${code}`));
    child.stdout.on("data", (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i).trim();
        buf = buf.slice(i + 1);
        if (!line.startsWith("{")) continue;
        let m;
        try { m = JSON.parse(line); } catch { continue; }
        if (m.id === 1) {
          if (m.error) return finish(`initialize: ${m.error.message}`);
          r.initializeMs = ms(t0);
          send({ jsonrpc: "2.0", method: "notifications/initialized" });
          call();
        } else if (m.id === 100 + sent) {
          if (m.error || m.result?.isError) return finish(`tools/call: ${JSON.stringify(m.error ?? m.result)}`);
          callTimes.push(ms(tCall));
          if (sent < calls) call();
          else {
            r.hwmKB = hwmKB(child.pid);
            r.ok = true;
            finish();
          }
        }
      }
    });
    send({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "1" } } });
  });
}

function summary(name, runs) {
  const ok = runs.filter((r) => r.ok);
  return {
    name,
    runs: runs.length,
    ok: ok.length,
    initializeMs: median(ok.map((r) => r.initializeMs)),
    callMs: median(ok.map((r) => r.callMs)),
    hwmKB: ok.length ? Math.max(...ok.map((r) => r.hwmKB ?? 0)) : null,
    error: runs.find((r) => !r.ok)?.error,
  };
}

/**
 * The same calls straight to the server, as raw HTTP requests (as a bridge
 * sends them), warmed up: what a call costs without a bridge.
 */
async function direct(url, o) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  {
    const headers = { Authorization: KEY, "Content-Type": "application/json", Accept: "application/json, text/event-stream" };
    const send = (method, m) => new Promise((resolve, reject) => {
      const req = http.request(url, { method, headers, agent }, (res) => {
        let text = "";
        // The answer counts when its message arrives, as a bridge passes it
        // on, not when the server closes the event stream after it.
        const answer = m?.id != null ? `"id":${m.id}` : null;
        res.on("data", (d) => {
          text += d;
          if (answer && res.statusCode < 400 && text.includes(answer) && text.includes("\n\n", text.indexOf(answer))) resolve(res);
        });
        res.on("end", () => (res.statusCode >= 400 ? reject(new Error(`direct ${m?.method ?? method}: ${res.statusCode} ${text}`)) : resolve(res)));
      });
      req.on("error", reject);
      req.end(m ? JSON.stringify(m) : undefined);
    });
    const post = (m) => send("POST", m);
    const init = await post({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "1" } } });
    headers["Mcp-Session-Id"] = init.headers["mcp-session-id"];
    headers["Mcp-Protocol-Version"] = "2025-06-18";
    await post({ jsonrpc: "2.0", method: "notifications/initialized" });
    const per = [];
    for (let j = 0; j < 10 + o.calls; j++) {
      const t = process.hrtime.bigint();
      await post({ jsonrpc: "2.0", id: 100 + j, method: "tools/call", params: { name: "echo", arguments: { text: `call ${j}` } } });
      if (j >= 10) per.push(ms(t));
    }
    await send("DELETE").catch(() => {});
    agent.destroy();
    return median(per);
  }
}

if (process.argv[2] === "--serve") {
  const srv = await startRemoteServer({ header: "authorization", key: KEY });
  console.log(srv.url);
} else {
  const o = parseArgs(process.argv.slice(2));
  const server = spawn(process.execPath, [new URL(import.meta.url).pathname, "--serve"], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    server.stdout.once("data", (d) => resolve(String(d).trim()));
    server.once("exit", (code) => reject(new Error(`the MCP server exited with ${code}`)));
  });
  const home = mkdtempSync(join(tmpdir(), "restmcp-bench-remote-"));
  try {
    // A remote profile, as `restmcp login --mcp-url` saves it; the key from
    // the environment, as the keyring would give it.
    const cfg = join(home, "config");
    mkdirSync(cfg, { recursive: true });
    writeFileSync(join(cfg, "profiles.json"), JSON.stringify({ profiles: { bench: { mcp_url: url } } }));
    // The three in turn, run after run, so that the machine's load weighs
    // on each alike.
    const directMs = [], rs = [], ms_ = [];
    for (let i = 0; i < o.runs; i++) {
      directMs.push(await direct(url, o));
      rs.push(await runOnce(o.restmcp, ["serve", "--profile", "bench"], { RESTMCP_CONFIG_DIR: cfg, RESTMCP_API_KEY: KEY, HOME: home }, o.calls));
      // mcp-remote keeps its state under ~/.mcp-auth: a fresh HOME per bench.
      ms_.push(await runOnce(process.execPath, [o.mcpRemote, url, "--header", `Authorization:${KEY}`], { HOME: home }, o.calls));
    }
    const d = { callMs: median(directMs) };
    const r = summary("restmcp", rs), m = summary("mcp-remote", ms_);
    for (const x of [r, m]) x.addedMs = x.callMs != null ? x.callMs - d.callMs : null;
    console.log(JSON.stringify({ calls: o.calls, runs: o.runs, direct: d, restmcp: r, mcpRemote: m }));
  } finally {
    server.kill();
    rmSync(home, { recursive: true, force: true });
  }
}
