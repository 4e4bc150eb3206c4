// Remote MCP servers: restmcp serve as the stdio bridge to servers the test
// starts with the TypeScript SDK (Streamable HTTP wanting a key header, and
// one speaking only HTTP+SSE), driven by the TypeScript SDK client. The key
// comes from the real keyring through login --with-key and never shows in
// argv, the client entry, logs or results.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  CreateMessageRequestSchema, LoggingMessageNotificationSchema, ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';

import { bin, childEnv, filesUnder, run, stderrLog, tempDir, text } from '../lib/harness.mjs';
import { startOAuthServer, startRemoteServer } from '../lib/remote-server.mjs';

const KEY = 'rmt-e2e-5f2c9a7d1b3e4f60';
const HEADER = 'X-Api-Key';

/**
 * Starts `restmcp args` and connects a TypeScript SDK client that can
 * sample, and records the notifications it gets.
 */
async function connectBridge(args, env) {
  const transport = new StdioClientTransport({ command: bin(), args, env, stderr: 'pipe' });
  let stderr = '';
  transport.stderr.on('data', (c) => { stderr += c; });
  const client = new Client({ name: 'e2e-remote-client', version: '1.0.0' }, { capabilities: { sampling: {} } });
  const notes = { listChanged: 0, logs: [] };
  client.setRequestHandler(CreateMessageRequestSchema, async (req) => ({
    model: 'e2e', role: 'assistant', content: { type: 'text', text: `answer to ${req.params.messages[0].content.text}` },
  }));
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => { notes.listChanged++; });
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => { notes.logs.push(n.params.data); });
  await client.connect(transport);
  return {
    client,
    notes,
    pid: transport.pid,
    async close() {
      await client.close();
      stderrLog.push(stderr);
    },
  };
}

/** The command line of a running process (to check the key is not in it). */
function argvOf(pid) {
  const r = spawnSync('cat', [`/proc/${pid}/cmdline`], { encoding: 'latin1' });
  return r.stdout.replaceAll('\0', ' ');
}

async function until(cond, what, ms = 10_000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a remote Streamable HTTP server that wants a key', () => {
  let server;
  let env;
  let config;
  before(async () => {
    server = await startRemoteServer({ header: HEADER, key: KEY });
    config = tempDir('remote');
    env = childEnv({ RESTMCP_CONFIG_DIR: config });
  });
  after(async () => { await server.close(); });

  it('login --with-key refuses a wrong key and stores a good one in the keyring', async () => {
    const flags = ['login', '--profile', 'rem', '--mcp-url', server.url, '--auth-header', HEADER, '--auth-scheme', '', '--with-key'];
    const bad = await run(flags, { env, input: 'wrong-key\n' });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /refused the key \(401\)/);
    const good = await run(flags, { env, input: `${KEY}\n` });
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stderr, /took the key \(initialize and tools\/list: e2e-remote 1\.0\.0\)/);
    const r = spawnSync('secret-tool', ['lookup', 'service', 'restmcp', 'username', 'rem'], { encoding: 'utf8', env: process.env });
    assert.equal(r.stdout, KEY, 'the key is in the keyring');
    for (const f of filesUnder(config)) assert.ok(!f.text.includes(KEY), `${f.path} holds the key`);
  });

  it('serve passes tools, logging, sampling and list_changed through', async () => {
    const from = server.seen.length;
    const s = await connectBridge(['serve', '--profile', 'rem'], env);
    try {
      assert.equal(s.client.getServerVersion().name, 'e2e-remote');
      assert.ok(!argvOf(s.pid).includes(KEY), 'the key is not in argv');
      const { tools } = await s.client.listTools();
      assert.deepEqual(tools.map((t) => t.name), ['echo', 'delete_everything', 'ask', 'grow']);

      const echo = await s.client.callTool({ name: 'echo', arguments: { text: 'hi' } });
      assert.equal(text(echo), 'echo: hi');
      await until(() => s.notes.logs.includes('echoing hi'), 'the log message');

      const ask = await s.client.callTool({ name: 'ask', arguments: { question: 'why?' } });
      assert.equal(text(ask), 'sampled: answer to why?', 'the server asked the client to sample, through the bridge');

      await s.client.callTool({ name: 'grow', arguments: {} });
      await until(() => s.notes.listChanged > 0, 'tools/list_changed');
      const after = await s.client.listTools();
      assert.ok(after.tools.some((t) => t.name === 'late'));
      for (const r of [echo, ask]) assert.ok(!JSON.stringify(r).includes(KEY));
    } finally {
      await s.close();
    }
    const sent = server.seen.slice(from);
    assert.ok(sent.length > 3 && sent.every((r) => r.value === KEY), 'every request carried the key header');
  });

  it('a call the server refuses with its own JSON-RPC error (400) gets that error, one refused for a scope names it; the session goes on', async () => {
    const s = await connectBridge(['serve', '--profile', 'rem'], env);
    try {
      const before = server.initializes;
      await assert.rejects(s.client.callTool({ name: 'echo', arguments: { text: 'refuse-json' } }),
        (e) => e.code === -32602 && /Invalid params: this text is refused/.test(e.message) && e.data?.field === 'text');
      const scope = await s.client.callTool({ name: 'echo', arguments: { text: 'needs-scope' } });
      assert.equal(scope.isError, true);
      assert.match(text(scope), /the key lacks a permission this needs: the server asks for the scopes mcp:tools mcp:admin \(insufficient_scope\): use a key that has it, and store it with `restmcp login --profile rem`/);
      assert.equal(text(await s.client.callTool({ name: 'echo', arguments: { text: 'after' } })), 'echo: after');
      assert.equal(server.initializes, before, 'the session went on');
    } finally {
      await s.close();
    }
  });

  it('--header sends a fixed header with every request, saved by login and replaced on serve', async () => {
    const login = await run(['login', '--profile', 'rem-hdr', '--mcp-url', server.url, '--auth-header', HEADER, '--auth-scheme', '',
      '--header', 'X-Region: eu', '--with-key'], { env, input: `${KEY}\n` });
    assert.equal(login.code, 0, login.stderr);
    const status = await run(['status', '--profile', 'rem-hdr', '--offline'], { env });
    assert.match(status.stdout, /Header: +X-Region: eu/);
    for (const [args, region] of [[[], 'eu'], [['--header', 'x-region: us'], 'us']]) {
      const from = server.seen.length;
      const s = await connectBridge(['serve', '--profile', 'rem-hdr', ...args], env);
      try {
        assert.equal(text(await s.client.callTool({ name: 'echo', arguments: { text: 'hi' } })), 'echo: hi');
      } finally {
        await s.close();
      }
      const sent = server.seen.slice(from);
      assert.ok(sent.length > 2 && sent.every((r) => r.region === region), `every request carried X-Region: ${region}`);
    }
    const refused = await run(['login', '--profile', 'rem-hdr', '--header', `${HEADER}: ${KEY}`, '--with-key'], { env, input: `${KEY}\n` });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /X-Api-Key: (the profile's key goes in this header|cannot be a fixed header: its name says it carries a key), and a secret is never given/);
    assert.ok(!refused.stderr.includes(KEY));
  });

  it('a lost session is replaced and the call goes through', async () => {
    const s = await connectBridge(['serve', '--profile', 'rem'], env);
    try {
      const before = server.initializes;
      server.dropSessions();
      const res = await s.client.callTool({ name: 'echo', arguments: { text: 'again' } });
      assert.equal(text(res), 'echo: again');
      assert.equal(server.initializes, before + 1, 'one new initialize');
    } finally {
      await s.close();
    }
  });

  it('--read-only and --prefix narrow and rename the remote tools', async () => {
    const s = await connectBridge(['serve', '--profile', 'rem', '--read-only', '--prefix', 'acme_'], env);
    try {
      const { tools } = await s.client.listTools();
      assert.deepEqual(tools.map((t) => t.name), ['acme_echo']);
      assert.equal(text(await s.client.callTool({ name: 'acme_echo', arguments: { text: 'x' } })), 'echo: x');
      const refused = await s.client.callTool({ name: 'acme_delete_everything', arguments: {} });
      assert.equal(refused.isError, true);
    } finally {
      await s.close();
    }
  });

  it('status, tools and call work on the remote profile', async () => {
    const st = await run(['status', '--profile', 'rem'], { env });
    assert.equal(st.code, 0, st.stdout + st.stderr);
    assert.match(st.stdout, /MCP server: +http:\/\/127\.0\.0\.1:\d+\/mcp/);
    assert.match(st.stdout, /takes the key/);
    const tools = await run(['tools', '--profile', 'rem', '--json'], { env });
    assert.equal(tools.code, 0, tools.stderr);
    assert.ok(JSON.parse(tools.stdout).some((t) => t.name === 'echo'));
    const call = await run(['call', 'echo', '--profile', 'rem', '--arg', 'text=cli'], { env });
    assert.equal(call.code, 0, call.stderr);
    assert.equal(call.stdout.trim(), 'echo: cli');
  });

  it('install writes an entry without the key or npx', async () => {
    const r = await run(['install', 'cursor', '--profile', 'rem', '--print'], { env });
    assert.equal(r.code, 0, r.stderr);
    const entry = JSON.parse(r.stdout).mcpServers.rem;
    assert.deepEqual(entry.args, ['serve', '--profile', 'rem']);
    assert.ok(!r.stdout.includes(KEY) && !r.stdout.includes('npx'));
  });

  it('after logout, serve says which login to run', async () => {
    assert.equal((await run(['logout', '--profile', 'rem'], { env })).code, 0);
    const call = await run(['call', 'echo', '--profile', 'rem', '--arg', 'text=x'], { env });
    assert.notEqual(call.code, 0);
    assert.match(call.stderr, /restmcp login --profile rem/);
  });

  it('the key never appeared on stderr', () => {
    assert.ok(stderrLog.length > 0);
    for (const s of stderrLog) assert.ok(!s.includes(KEY), 'the key appeared on stderr');
  });
});

describe('a remote server that reads a cancellation before the call it names', () => {
  let server;
  let env;
  before(async () => {
    server = await startRemoteServer({ cancelFirst: true });
    env = childEnv({ RESTMCP_CONFIG_DIR: tempDir('remote-held') });
  });
  after(async () => { await server.close(); });

  // Stopped by a cancellation (its reason), not by the end of the session
  // (the SDK's AbortError), which is all that stops it without the second
  // telling.
  const byCancellation = /^(the client went away|the client's --timeout .* ran out|context .*)$/;

  it('call --timeout: the server is told again, and stops the call rather than running it on for no one', async () => {
    const login = await run(['login', '--profile', 'held', '--mcp-url', server.url, '--with-key'], { env, input: 'any-key\n' });
    assert.equal(login.code, 0, login.stderr);
    const call = await run(['call', 'slow', '--profile', 'held', '--timeout', '300ms'], { env });
    assert.notEqual(call.code, 0);
    assert.match(call.stderr, /did not answer slow within 300ms \(--timeout\)/);
    await until(() => server.slowStopped !== undefined, 'the slow tool to stop');
    assert.match(server.slowStopped, byCancellation, 'stopped by a cancellation');
  });

  it('serve --timeout: the call stops at the server while the session goes on', async () => {
    const other = await startRemoteServer({ cancelFirst: true });
    try {
      const login = await run(['login', '--profile', 'held2', '--mcp-url', other.url, '--with-key'], { env, input: 'any-key\n' });
      assert.equal(login.code, 0, login.stderr);
      const s = await connectBridge(['serve', '--profile', 'held2', '--timeout', '300ms'], env);
      try {
        const res = await s.client.callTool({ name: 'slow', arguments: {} });
        assert.equal(res.isError, true);
        assert.match(text(res), /did not answer the call of slow within 300ms \(--timeout\)/);
        await until(() => other.slowStopped !== undefined, 'the slow tool to stop');
        assert.match(other.slowStopped, byCancellation, 'stopped by a cancellation');
        assert.equal(text(await s.client.callTool({ name: 'echo', arguments: { text: 'after' } })), 'echo: after');
      } finally {
        await s.close();
      }
    } finally {
      await other.close();
    }
  });
});

describe('a remote server speaking only HTTP+SSE', () => {
  let server;
  let env;
  before(async () => {
    server = await startRemoteServer({ sse: true, header: HEADER, key: KEY });
    env = childEnv({ RESTMCP_CONFIG_DIR: tempDir('remote-sse') });
  });
  after(async () => { await server.close(); });

  it('serve falls back to HTTP+SSE and passes calls and sampling', async () => {
    const login = await run(['login', '--profile', 'rem-sse', '--mcp-url', server.url, '--auth-header', HEADER, '--auth-scheme', '', '--with-key'],
      { env, input: `${KEY}\n` });
    assert.equal(login.code, 0, login.stderr);
    const s = await connectBridge(['serve', '--profile', 'rem-sse'], env);
    try {
      assert.equal(text(await s.client.callTool({ name: 'echo', arguments: { text: 'sse' } })), 'echo: sse');
      assert.equal(text(await s.client.callTool({ name: 'ask', arguments: { question: 'q' } })), 'sampled: answer to q');
      await assert.rejects(s.client.callTool({ name: 'echo', arguments: { text: 'refuse-json' } }),
        (e) => e.code === -32602 && /this text is refused/.test(e.message), 'the server\'s own JSON-RPC error, over HTTP+SSE');
      const scope = await s.client.callTool({ name: 'echo', arguments: { text: 'needs-scope' } });
      assert.equal(scope.isError, true);
      assert.match(text(scope), /the server asks for the scopes mcp:tools mcp:admin \(insufficient_scope\)/);
      assert.equal(text(await s.client.callTool({ name: 'echo', arguments: { text: 'after' } })), 'echo: after');
    } finally {
      await s.close();
    }
    assert.ok(server.seen.some((r) => r.method === 'GET' && r.path === '/sse'));
    assert.ok(server.seen.every((r) => r.value === KEY || r.path === '/mcp'), 'the key went with every request');
    await run(['logout', '--profile', 'rem-sse', '--all'], { env });
  });
});

/**
 * Runs login (--no-browser), following the sign-in URL it prints as a
 * browser would; resolves to its exit code, its stderr and the page the
 * browser ended on ({ status, body }, null when no URL was printed).
 */
async function loginInBrowser(args, env) {
  const p = spawn(bin(), args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let opened = null;
  p.stderr.on('data', (c) => {
    stderr += c;
    const m = stderr.match(/^\s+(http\S+\/authorize\?\S+)$/m);
    if (m && !opened) opened = fetch(m[1]).then(async (r) => ({ status: r.status, body: await r.text() }));
  });
  const code = await new Promise((resolve) => p.on('close', resolve));
  stderrLog.push(stderr);
  return { code, stderr, page: await opened };
}

describe('a remote server that wants OAuth', () => {
  let server;
  let env;
  before(async () => {
    server = await startOAuthServer();
    env = childEnv({ RESTMCP_CONFIG_DIR: tempDir('remote-oauth') });
  });
  after(async () => { await server.close(); });

  it('a code exchange that fails: the browser page says the sign-in failed, not that it worked', async () => {
    server.failToken(true);
    try {
      const { code, stderr, page } = await loginInBrowser(['login', '--profile', 'rem-oauth-fail', '--mcp-url', server.url, '--no-browser'], env);
      assert.notEqual(code, 0, stderr);
      assert.match(stderr, /502/);
      assert.ok(page, `the sign-in URL was printed: ${stderr}`);
      assert.doesNotMatch(page.body, /Signed in/);
      assert.match(page.body, /Sign-in failed/);
      // It says why, as the terminal does: the token endpoint's refusal.
      assert.match(page.body, /the token endpoint refused the request: HTTP 502/);
      assert.match(page.body, /terminal/);
      assert.notEqual(page.status, 200);
      const stored = spawnSync('secret-tool', ['lookup', 'service', 'restmcp', 'username', 'rem-oauth-fail/oauth-token'], { encoding: 'utf8', env: process.env }).stdout;
      assert.equal(stored, '', 'nothing was stored');
    } finally {
      server.failToken(false);
    }
  });

  it('login signs in (registration, PKCE, loopback redirect), serve uses the token', async () => {
    // login prints the sign-in URL (--no-browser); the test is the browser.
    const { code, stderr, page } = await loginInBrowser(['login', '--profile', 'rem-oauth', '--mcp-url', server.url, '--no-browser'], env);
    assert.equal(code, 0, stderr);
    assert.match(page?.body ?? '', /Signed in/);
    assert.match(stderr, /asks for OAuth sign-in/);
    // The tokens are kept as those of REST OAuth profiles are.
    const stored = spawnSync('secret-tool', ['lookup', 'service', 'restmcp', 'username', 'rem-oauth/oauth-token'], { encoding: 'utf8', env: process.env }).stdout;
    const token = JSON.parse(stored).access_token;
    assert.ok(token, 'the token is in the keyring');

    const s = await connectBridge(['serve', '--profile', 'rem-oauth'], env);
    try {
      assert.equal(text(await s.client.callTool({ name: 'echo', arguments: { text: 'oauth' } })), 'echo: oauth');
    } finally {
      await s.close();
    }
    assert.ok(server.seen.some((r) => r.path === '/mcp' && r.value === `Bearer ${token}`), 'the token was sent');
    const st = await run(['status', '--profile', 'rem-oauth'], { env });
    assert.equal(st.code, 0, st.stdout);
    assert.match(st.stdout, /Token: +Bearer token from authorization_code, expires \S+/);
    for (const s of stderrLog) assert.ok(!s.includes(token), 'the token appeared on stderr');
    assert.ok(!st.stdout.includes(token));

    const out = await run(['logout', '--profile', 'rem-oauth'], { env });
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /Removed the OAuth token/);
    const gone = spawnSync('secret-tool', ['lookup', 'service', 'restmcp', 'username', 'rem-oauth/oauth-token'], { encoding: 'utf8', env: process.env }).stdout;
    assert.equal(gone, '');
  });
});
