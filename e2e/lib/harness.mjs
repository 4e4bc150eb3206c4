// Shared helpers of the end-to-end suite: start the built restmcp binary as
// an MCP server (the official TypeScript SDK client over stdio) or as a
// command, and talk to the example API directly to check what happened.
//
// e2e/run.sh sets the environment this module reads:
//   RESTMCP_BIN        the built binary
//   E2E_API_URL        the example Django API, e.g. http://127.0.0.1:PORT
//   E2E_API_KEY_FILE   file holding a valid API key (never put in argv or env
//                      of processes other than the one under test)
//   E2E_API_LOG        the API's request log
//   E2E_SPEC           the example API's committed OpenAPI description
//   E2E_SHARED_SPECS   ../shared/specs (may be absent)
//   E2E_TMP            scratch directory, removed by run.sh
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the suite with e2e/run.sh`);
  return v;
}

export const bin = () => need('RESTMCP_BIN');
export const apiURL = () => need('E2E_API_URL');
export const specFile = () => need('E2E_SPEC');
export const apiKey = () => readFileSync(need('E2E_API_KEY_FILE'), 'utf8').trim();

/** A fresh directory under E2E_TMP. */
export function tempDir(prefix = 'case') {
  return mkdtempSync(join(need('E2E_TMP'), `${prefix}-`));
}

/**
 * The environment of a restmcp process: only what it needs (PATH, HOME, the
 * keyring's session bus) plus extra. RESTMCP_API_KEY is never inherited.
 */
export function childEnv(extra = {}) {
  const env = {};
  for (const k of ['PATH', 'HOME', 'DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'XDG_CONFIG_HOME', 'LANG', 'TMPDIR']) {
    if (process.env[k] !== undefined) env[k] = process.env[k];
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Profile flags for the example API read from the committed file. */
export function exampleFlags() {
  return ['--spec', specFile(), '--base-url', apiURL(), '--auth-scheme', 'Api-Key'];
}

/**
 * Every stderr byte written by processes started through this module, so a
 * test can assert that the key never appeared in any of them.
 */
export const stderrLog = [];

/**
 * Runs restmcp with args; input is written to its stdin. Resolves to
 * { code, stdout, stderr }.
 */
export function run(args, { env = childEnv(), input = '', command = bin(), timeoutMs = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c) => { stdout += c; });
    p.stderr.on('data', (c) => { stderr += c; });
    const timer = setTimeout(() => { p.kill('SIGKILL'); reject(new Error(`restmcp ${args.join(' ')}: no exit within ${timeoutMs} ms`)); }, timeoutMs);
    p.on('error', (e) => { clearTimeout(timer); reject(e); });
    p.on('close', (code) => {
      clearTimeout(timer);
      stderrLog.push(stderr);
      resolve({ code, stdout, stderr });
    });
    p.stdin.end(input);
  });
}

/**
 * Starts `command args` as an MCP server over stdio and connects the official
 * TypeScript SDK client to it. Returns { client, stderr(), close() }.
 */
export async function connect(args, { env = childEnv(), command = bin() } = {}) {
  const transport = new StdioClientTransport({ command, args, env, stderr: 'pipe' });
  let stderr = '';
  transport.stderr.on('data', (c) => { stderr += c; });
  const client = new Client({ name: 'restmcp-e2e', version: '1.0.0' });
  try {
    await client.connect(transport);
  } catch (e) {
    await transport.close().catch(() => {});
    stderrLog.push(stderr);
    throw new Error(`${command} ${args.join(' ')} did not start as an MCP server: ${e.message}\nstderr: ${stderr}`);
  }
  return {
    client,
    stderr: () => stderr,
    async close() {
      await client.close();
      stderrLog.push(stderr);
    },
  };
}

/** Serves the example API from its committed description with env. */
export function connectExample({ env = childEnv(), extraArgs = [] } = {}) {
  return connect(['serve', ...exampleFlags(), ...extraArgs], { env });
}

/** Lists the tools and returns them by name. */
export async function toolsByName(client) {
  const { tools } = await client.listTools();
  return new Map(tools.map((t) => [t.name, t]));
}

/**
 * Arguments for a tool whose request has a body: the body's fields next to
 * the path and query arguments, or under `body` when the tool's schema keeps
 * the body apart.
 */
export function withBody(tool, args, body) {
  const props = tool.inputSchema.properties ?? {};
  const firstField = Object.keys(body)[0];
  if ('body' in props && !(firstField in props)) return { ...args, body };
  return { ...args, ...body };
}

/** The first text content of a tool result. */
export function text(result) {
  const t = (result.content ?? []).find((c) => c.type === 'text');
  return t ? t.text : '';
}

/** A successful tool result's JSON answer. */
export function json(result) {
  assert.equal(result.isError ?? false, false, `tool error: ${text(result)}`);
  return JSON.parse(text(result));
}

/** A request to the example API with the valid key (to set up or check). */
export async function api(path, { method = 'GET', body } = {}) {
  const res = await fetch(apiURL() + path, {
    method,
    headers: { Authorization: `Api-Key ${apiKey()}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const t = await res.text();
  return { status: res.status, body: t ? JSON.parse(t) : null };
}

/**
 * How many requests the example API has logged so far. Django's development
 * server logs a request after sending its answer, so this waits until the
 * count stays the same for 200 ms.
 */
export async function apiRequestCount() {
  const count = () => (readFileSync(need('E2E_API_LOG'), 'utf8').match(/"(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \//g) ?? []).length;
  let last = count();
  for (;;) {
    await new Promise((r) => setTimeout(r, 200));
    const now = count();
    if (now === last) return now;
    last = now;
  }
}

/** Every regular file below dir with its contents. */
export function filesUnder(dir) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...filesUnder(p));
    else if (st.isFile()) out.push({ path: p, text: readFileSync(p, 'latin1') });
  }
  return out;
}
