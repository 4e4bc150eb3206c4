// `restmcp serve --http`: two stateless replicas behind a round-robin proxy
// serve one MCP session (the official TypeScript SDK's Streamable HTTP
// client); each caller's own key is the one the example API receives; health,
// readiness, metrics and a drained shutdown.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import net from 'node:net';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { bin, childEnv, exampleFlags, apiKey, apiURL, tempDir, stderrLog } from '../lib/harness.mjs';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

/** Starts `restmcp serve --http` and resolves once /readyz answers. */
async function replica(args = [], env = {}, { scheme = 'http', ready = async (url) => (await fetch(url)).ok } = {}) {
  const port = await freePort();
  const p = spawn(bin(), ['serve', '--http', `127.0.0.1:${port}`, ...exampleFlags(), ...args],
    { env: childEnv({ RESTMCP_CONFIG_DIR: tempDir('http'), ...env }), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  p.stderr.on('data', (c) => { stderr += c; });
  p.on('close', () => stderrLog.push(stderr));
  const base = `${scheme}://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    try {
      if (await ready(`${base}/readyz`)) return { p, base, port, stderr: () => stderr };
    } catch { /* not listening yet */ }
    if (p.exitCode !== null) throw new Error(`serve --http exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`serve --http did not become ready: ${stderr}`);
}

/** A proxy that sends each request to the next of targets in turn. */
function roundRobin(targets) {
  let next = 0;
  const hits = targets.map(() => 0);
  const server = http.createServer((req, res) => {
    const i = next++ % targets.length;
    hits[i]++;
    const u = new URL(targets[i]);
    const up = http.request({ host: u.hostname, port: u.port, method: req.method, path: req.url, headers: req.headers }, (ur) => {
      res.writeHead(ur.statusCode, ur.headers);
      ur.pipe(res);
    });
    up.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
    req.pipe(up);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, hits, url: `http://127.0.0.1:${server.address().port}` })));
}

async function session(url, key, headers = key === undefined ? {} : { Authorization: `Api-Key ${key}` }) {
  const client = new Client({ name: 'e2e-http', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers } }));
  return client;
}

describe('serve --http', () => {
  let a, b, proxy;
  before(async () => {
    [a, b] = await Promise.all([replica(), replica()]);
    proxy = await roundRobin([a.base, b.base]);
  });
  after(async () => {
    proxy?.server.close();
    for (const r of [a, b]) r?.p.kill('SIGTERM');
  });

  it('one session through two replicas: every call succeeds', async () => {
    const client = await session(proxy.url, apiKey());
    try {
      const { tools } = await client.listTools();
      assert.ok(tools.some((t) => t.name === 'list_tasks'));
      for (let i = 0; i < 10; i++) {
        const res = await client.callTool({ name: 'list_tasks', arguments: { page_size: 1 } });
        assert.ok(!res.isError, res.content?.[0]?.text);
        assert.ok(JSON.parse(res.content[0].text).count >= 0);
      }
      assert.ok(proxy.hits[0] >= 5 && proxy.hits[1] >= 5, `requests per replica: ${proxy.hits}`);
    } finally {
      await client.close();
    }
  });

  it("8 concurrent callers: each call carries its caller's key", async () => {
    // Even callers hold the API's key, odd callers a key the API refuses:
    // a mix-up would show as a refusal for one or an answer for the other.
    const good = apiKey();
    const clients = await Promise.all([...Array(8).keys()].map((i) =>
      session(a.base, i % 2 === 0 ? good : `wrong-key-of-caller-${i}-0123456789`)));
    try {
      await Promise.all(clients.map(async (c, i) => {
        for (let n = 0; n < 5; n++) {
          const res = await c.callTool({ name: 'list_tasks', arguments: { page_size: 1 } });
          if (i % 2 === 0) assert.ok(!res.isError, `caller ${i}: ${res.content?.[0]?.text}`);
          else assert.ok(res.isError && /40[13]/.test(res.content[0].text), `caller ${i}: ${res.content?.[0]?.text}`);
        }
      }));
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });

  it('no credential: 401 with a body naming the header', async () => {
    const r = await fetch(`${a.base}/mcp`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    assert.equal(r.status, 401);
    assert.match(await r.text(), /Authorization: Api-Key <your API key>/);
  });

  it('health, readiness and metrics; no key in logs or metrics', async () => {
    assert.equal((await fetch(`${b.base}/healthz`)).status, 200);
    assert.match(await (await fetch(`${b.base}/readyz`)).text(), /^ready: \d+ tools/);
    const m = await (await fetch(`${a.base}/metrics`)).text();
    assert.match(m, /restmcp_tool_calls_total\{tool="list_tasks",outcome="ok"\} \d+/);
    assert.match(m, /restmcp_tool_calls_total\{tool="list_tasks",outcome="error"\} \d+/);
    assert.match(m, /restmcp_upstream_responses_total\{code="200"\} \d+/);
    assert.match(m, /restmcp_tool_call_duration_seconds_bucket\{le="\+Inf"\} \d+/);
    for (const text of [m, a.stderr(), b.stderr()]) {
      assert.ok(!text.includes(apiKey()), 'a key was shown');
      assert.ok(!text.includes('wrong-key-of-caller'), 'a key was shown');
    }
    const line = a.stderr().split('\n').find((l) => l.includes('"request"'));
    assert.ok(line && JSON.parse(line).status, `no JSON access log line in: ${a.stderr()}`);
  });

  it("a description that needs the key (the API's schema view) is read with the profile's own key; calls carry the caller's", async () => {
    const spec = ['--spec', `${apiURL()}/api/schema/`];
    // Without a key of its own, the server cannot read it, and says how to give one.
    const port = await freePort();
    const r = spawnSync(bin(), ['serve', '--http', `127.0.0.1:${port}`, ...exampleFlags(), ...spec],
      { env: childEnv({ RESTMCP_CONFIG_DIR: tempDir('http'), RESTMCP_CACHE_DIR: tempDir('cache') }), encoding: 'utf8', timeout: 30_000 });
    stderrLog.push(r.stderr);
    assert.notEqual(r.status, 0, r.stderr);
    assert.match(r.stderr, /needs the key, and none was given.*RESTMCP_API_KEY/s);
    // With it, the server starts with the API's own tools.
    const s = await replica(spec, { RESTMCP_API_KEY: apiKey(), RESTMCP_CACHE_DIR: tempDir('cache') });
    try {
      const good = await session(s.base, apiKey());
      const bad = await session(s.base, 'wrong-key-of-a-caller-0123456789');
      try {
        const { tools } = await good.listTools();
        assert.ok(tools.some((t) => t.name === 'list_tasks'), tools.map((t) => t.name).join(' '));
        const ok = await good.callTool({ name: 'list_tasks', arguments: { page_size: 1 } });
        assert.ok(!ok.isError, ok.content?.[0]?.text);
        // The server's own key read the description and nothing else.
        const refused = await bad.callTool({ name: 'list_tasks', arguments: { page_size: 1 } });
        assert.ok(refused.isError && /40[13]/.test(refused.content[0].text), refused.content?.[0]?.text);
      } finally {
        await Promise.all([good.close(), bad.close()]);
      }
    } finally {
      s.p.kill('SIGTERM');
    }
  });

  it('--http given without its address says so, rather than "takes no arguments"', () => {
    const r = spawnSync(bin(), ['serve', '--http', ...exampleFlags()], { env: childEnv({ RESTMCP_CONFIG_DIR: tempDir('config') }), encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /--http needs a value, and took the flag after it, --spec: give --http VALUE/);
    assert.doesNotMatch(r.stderr, /takes no arguments/);
  });

  it('SIGHUP without files to read again stops the server, as for any program', async () => {
    const r = await replica();
    const closed = new Promise((resolve) => r.p.on('close', (code, signal) => resolve({ code, signal })));
    r.p.kill('SIGHUP');
    const { code, signal } = await closed;
    assert.ok(signal === 'SIGHUP' || code !== 0, `exit ${code} ${signal}: ${r.stderr()}`);
  });

  it('SIGTERM drains: not ready, then exits 0', async () => {
    const r = await replica();
    const exited = new Promise((resolve) => r.p.on('close', resolve));
    r.p.kill('SIGTERM');
    assert.equal(await exited, 0, r.stderr());
    assert.match(r.stderr(), /draining/);
  });

  it('--auth-tokens: the file is read again on SIGHUP; --trusted-proxy names the caller in the log', async () => {
    const dir = tempDir('http-tokens');
    const file = join(dir, 'tokens.txt');
    const hashLine = (tok) => createHash('sha256').update(tok).digest('hex') + '\n';
    const write = (text) => { writeFileSync(`${file}.new`, text); renameSync(`${file}.new`, file); };
    write(`# the team\n${hashLine('team-token-a')}`);
    const r = await replica(['--auth-tokens', file, '--trusted-proxy', '127.0.0.1'], { RESTMCP_API_KEY: apiKey() });
    const bearer = (tok) => ({ Authorization: `Bearer ${tok}`, 'X-Forwarded-For': '203.0.113.9' });
    const admitted = async (tok) => {
      const res = await fetch(`${r.base}/mcp`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...bearer(tok) },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'e2e', version: '1' } } }),
      });
      await res.text();
      return res.status;
    };
    try {
      // The API receives the server's own key: the caller's token is not one.
      const client = await session(r.base, undefined, bearer('team-token-a'));
      try {
        const res = await client.callTool({ name: 'list_tasks', arguments: { page_size: 1 } });
        assert.ok(!res.isError, res.content?.[0]?.text);
      } finally {
        await client.close();
      }
      assert.equal(await admitted('team-token-b'), 401);

      write(hashLine('team-token-b'));
      r.p.kill('SIGHUP');
      let status;
      for (let i = 0; i < 100 && (status = await admitted('team-token-b')) !== 200; i++) {
        await new Promise((res) => setTimeout(res, 100));
      }
      assert.equal(status, 200, `token-b after SIGHUP: ${r.stderr()}`);
      assert.equal(await admitted('team-token-a'), 401, 'a token taken out of the file still admitted');
      assert.equal(r.p.exitCode, null, 'SIGHUP ended the server');
      assert.match(r.stderr(), /--auth-tokens read again/);

      // Emptied (every caller revoked): no one is admitted any more.
      write('');
      r.p.kill('SIGHUP');
      for (let i = 0; i < 100 && (status = await admitted('team-token-b')) !== 401; i++) {
        await new Promise((res) => setTimeout(res, 100));
      }
      assert.equal(status, 401, `token-b after its file was emptied: ${r.stderr()}`);
      assert.match(r.stderr(), /no one is admitted/);
      const lines = r.stderr().split('\n').filter((l) => l.includes('"request"')).map((l) => JSON.parse(l));
      assert.ok(lines.length > 0 && lines.every((l) => l.remote === '203.0.113.9'), `access log: ${JSON.stringify(lines)}`);
      for (const tok of ['team-token-a', 'team-token-b']) assert.ok(!r.stderr().includes(tok), 'a token was logged');
    } finally {
      r.p.kill('SIGTERM');
    }
  });

  it('--tls-cert: HTTPS, and a renewed certificate served after SIGHUP without a restart', async () => {
    const dir = tempDir('http-tls');
    const cert = join(dir, 'tls.crt');
    const key = join(dir, 'tls.key');
    const issue = (serial) => {
      // Written elsewhere and moved in, as certbot or cert-manager do.
      const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', `${key}.new`, '-out', `${cert}.new`, '-days', '1', '-subj', '/CN=restmcp-e2e',
        '-addext', 'subjectAltName=IP:127.0.0.1', '-set_serial', String(serial)], { encoding: 'utf8' });
      assert.equal(r.status, 0, `openssl: ${r.error ?? r.stderr}`);
      renameSync(`${key}.new`, key);
      renameSync(`${cert}.new`, cert);
      return readFileSync(cert);
    };
    let ca = issue(1);
    const get = (url) => new Promise((resolve, reject) => {
      https.get(url, { ca }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode === 200)); }).on('error', reject);
    });
    const served = (port) => new Promise((resolve, reject) => {
      const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
        const serial = parseInt(s.getPeerCertificate().serialNumber, 16);
        s.end();
        resolve(serial);
      });
      s.on('error', reject);
    });
    const r = await replica(['--tls-cert', cert, '--tls-key', key], {}, { scheme: 'https', ready: get });
    try {
      assert.equal(await served(r.port), 1);
      // A tools/list over HTTPS, trusting only the certificate served.
      const listed = await new Promise((resolve, reject) => {
        const req = https.request(`${r.base}/mcp`, {
          method: 'POST', ca,
          headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'Mcp-Protocol-Version': '2025-06-18', Authorization: `Api-Key ${apiKey()}` },
        }, (res) => { let body = ''; res.on('data', (c) => { body += c; }); res.on('end', () => resolve({ status: res.statusCode, body })); });
        req.on('error', reject);
        req.end(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }));
      });
      assert.equal(listed.status, 200, listed.body);
      assert.match(listed.body, /list_tasks/);

      ca = issue(2);
      r.p.kill('SIGHUP');
      let serial;
      for (let i = 0; i < 100 && (serial = await served(r.port)) !== 2; i++) await new Promise((res) => setTimeout(res, 100));
      assert.equal(serial, 2, `the renewed certificate was not served: ${r.stderr()}`);
      assert.ok(await get(`${r.base}/readyz`), 'the renewed certificate is not trusted');
      assert.match(r.stderr(), /--tls-cert and --tls-key read again/);
    } finally {
      r.p.kill('SIGTERM');
    }
  });
});
