// Authentication read from the description, against local servers the test
// starts: OAuth 2.0 (the test authorization server of e2e/oauth-server:
// sign-in through the printed URL, refresh after expiry, a revoked refresh
// token) and keys in a query parameter, a cookie, HTTP basic and a
// formatted header (a Node upstream). Tokens and keys live in the real
// keyring and never appear in an output, a log or a file.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { bin, childEnv, connect, filesUnder, run, stderrLog, tempDir, text } from '../lib/harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function keyringLookup(account) {
  const r = spawnSync('secret-tool', ['lookup', 'service', 'restmcp', 'username', account], { encoding: 'utf8', env: process.env });
  return r.status === 0 ? r.stdout : null;
}

/** Starts the test authorization server; resolves to its URLs and the process. */
async function startOAuthServer(dir) {
  const exe = join(dir, 'oauth-server');
  const b = spawnSync('go', ['build', '-o', exe, './e2e/oauth-server'], { cwd: root, encoding: 'utf8' });
  assert.equal(b.status, 0, b.stderr);
  const p = spawn(exe, ['-access-ttl', '12s'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: p.stdout }).once('line', resolve);
    p.once('exit', (c) => reject(new Error(`oauth-server exited ${c}`)));
  });
  return { proc: p, ...JSON.parse(line) };
}

const AUTHORIZE_URL = /http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+/;
const DEVICE_VERIFY_URL = /http:\/\/127\.0\.0\.1:\d+\/device\/verify\?user_code=\S+/;

/**
 * Runs login, following the sign-in URL it prints as a browser would
 * (the device grant's verification URL, with DEVICE_VERIFY_URL, approves
 * the code as a user on another device would).
 */
function loginFollowingURL(args, env, url = AUTHORIZE_URL) {
  return new Promise((resolve, reject) => {
    const p = spawn(bin(), args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let followed = false;
    p.stderr.on('data', (c) => {
      stderr += c;
      const m = stderr.match(url);
      if (m && !followed) {
        followed = true;
        fetch(m[0]).then((r) => r.text()).catch(reject);
      }
    });
    const timer = setTimeout(() => { p.kill('SIGKILL'); reject(new Error(`login did not finish: ${stderr}`)); }, 60_000);
    p.on('close', (code) => { clearTimeout(timer); stderrLog.push(stderr); resolve({ code, stderr, followed }); });
  });
}

describe('OAuth 2.0 from the description', () => {
  let dir;
  let env;
  let srv;
  let spec;
  const PROFILE = 'e2e-oauth';
  before(async () => {
    dir = tempDir('oauth');
    env = childEnv({ RESTMCP_CONFIG_DIR: join(dir, 'config') });
    srv = await startOAuthServer(dir);
    spec = join(dir, 'api.json');
    writeFileSync(spec, JSON.stringify({
      openapi: '3.0.3',
      info: { title: 'OAuth API', version: '1' },
      servers: [{ url: `${srv.url}/api` }],
      security: [{ oauth: ['read'] }],
      components: {
        securitySchemes: {
          oauth: {
            type: 'oauth2',
            flows: { authorizationCode: { authorizationUrl: srv.authorization_url, tokenUrl: srv.token_url, scopes: { read: 'read', write: 'write' } } },
          },
        },
      },
      paths: { '/me': { get: { operationId: 'me', responses: { 200: { description: 'ok' } } } } },
    }));
  });
  after(() => { srv?.proc.kill(); });

  it('login --no-browser prints the URL, waits for the sign-in and stores the tokens in the keyring', async () => {
    const r = await loginFollowingURL(['login', '--profile', PROFILE, '--spec', spec, '--no-browser', '--client-id', srv.client_id], env);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.followed, 'the authorization URL was printed');
    const stored = keyringLookup(`${PROFILE}/oauth-token`);
    assert.ok(stored && stored.includes('access_token'), 'the token is in the keyring');
    const tok = JSON.parse(stored);
    assert.ok(!r.stderr.includes(tok.access_token) && !r.stderr.includes(tok.refresh_token));
  });

  it('a tool call through serve, then again after the token expired (refreshed)', async () => {
    const s = await connect(['serve', '--profile', PROFILE], { env });
    try {
      let res = await s.client.callTool({ name: 'me', arguments: {} });
      assert.ok(!res.isError, text(res));
      assert.match(text(res), /test-user/);
      // Renewed 30 s before it expires, or at half its life when that is
      // sooner: 12 s tokens are renewed after 6 s.
      await new Promise((r) => setTimeout(r, 6500));
      res = await s.client.callTool({ name: 'me', arguments: {} });
      assert.ok(!res.isError, text(res));
      await fetch(`${srv.url}/admin/expire`, { method: 'POST' });
      res = await s.client.callTool({ name: 'me', arguments: {} });
      assert.ok(!res.isError, `after a 401 the token is refreshed once and the call retried: ${text(res)}`);
      const stats = await (await fetch(`${srv.url}/admin/stats`)).json();
      assert.equal(stats.refreshes, 2, `one refresh before expiry, one after the 401: ${JSON.stringify(stats)}`);
      assert.equal(stats.api_refusals, 1, JSON.stringify(stats));
    } finally {
      await s.close();
    }
  });

  it('status shows the scheme, expiry and scopes, never the token', async () => {
    const r = await run(['status', '--profile', PROFILE, '--offline'], { env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /scheme oauth/);
    assert.match(r.stdout, /expires \d{4}-/);
    assert.match(r.stdout, /scopes read/);
    const tok = JSON.parse(keyringLookup(`${PROFILE}/oauth-token`));
    assert.ok(!r.stdout.includes(tok.access_token));
  });

  it('with RESTMCP_API_KEY set, status checks that token with the API, not the stored sign-in', async () => {
    const tok = JSON.parse(keyringLookup(`${PROFILE}/oauth-token`));
    const good = await run(['status', '--profile', PROFILE], { env: { ...env, RESTMCP_API_KEY: tok.access_token } });
    assert.equal(good.code, 0, good.stdout + good.stderr);
    assert.match(good.stdout, /✓ accepts the access token from RESTMCP_API_KEY \(GET http:\/\/127\.0\.0\.1:\d+\/api\/me: 200\)/);
    const wrong = 'at-e2e-wrong-0123456789';
    const bad = { ...env, RESTMCP_API_KEY: wrong };
    const st = await run(['status', '--profile', PROFILE], { env: bad });
    assert.equal(st.code, 1, st.stdout + st.stderr);
    assert.match(st.stdout, /✗ rejects the access token from RESTMCP_API_KEY \(GET \S+: 401\): correct that variable, or unset it to use the stored sign-in/);
    const s = await connect(['serve', '--profile', PROFILE], { env: bad });
    try {
      const res = await s.client.callTool({ name: 'me', arguments: {} });
      assert.ok(res.isError);
      assert.match(text(res), /the key from RESTMCP_API_KEY: correct that variable, or unset it to use the stored sign-in\./);
    } finally {
      await s.close();
    }
    for (const out of [good.stdout, st.stdout]) assert.ok(!out.includes(tok.access_token) && !out.includes(wrong), out);
  });

  it('a revoked refresh token turns into a tool error naming login', async () => {
    await fetch(`${srv.url}/admin/revoke`, { method: 'POST' });
    await fetch(`${srv.url}/admin/expire`, { method: 'POST' });
    const s = await connect(['serve', '--profile', PROFILE], { env });
    try {
      const { tools } = await s.client.listTools();
      assert.ok(tools.some((t) => t.name === 'me'), 'tools are listed without a usable token');
      const res = await s.client.callTool({ name: 'me', arguments: {} });
      assert.ok(res.isError);
      assert.match(text(res), new RegExp(`restmcp login --profile ${PROFILE}`));
    } finally {
      await s.close();
    }
    // The refusal is kept: status says to sign in again, not that the next
    // use renews the token.
    const st = await run(['status', '--profile', PROFILE, '--offline'], { env });
    assert.equal(st.code, 1, st.stdout + st.stderr);
    assert.match(st.stdout, /refresh token refused .*invalid_grant/);
    assert.ok(!st.stdout.includes('will be renewed'), st.stdout);
  });

  it('a damaged stored token is said to be unreadable, not the keyring unavailable', async () => {
    const account = `${PROFILE}/oauth-token`;
    spawnSync('secret-tool', ['clear', 'service', 'restmcp', 'username', account], { env: process.env });
    const w = spawnSync('secret-tool', ['store', '--label', 'damaged', 'service', 'restmcp', 'username', account], { input: '{"access_token":"at-damag', encoding: 'utf8', env: process.env });
    assert.equal(w.status, 0, w.stderr);
    const want = new RegExp(`the stored sign-in of profile "${PROFILE}" cannot be read \\(its keyring entry is damaged\\): run \`restmcp login --profile ${PROFILE}\` to sign in again`);
    const st = await run(['status', '--profile', PROFILE, '--offline', '--json'], { env });
    assert.equal(st.code, 1, st.stdout + st.stderr);
    const [p] = JSON.parse(st.stdout);
    assert.equal(p.key_source, 'damaged', st.stdout);
    assert.match(p.key_error, want);
    const s = await connect(['serve', '--profile', PROFILE], { env });
    try {
      const res = await s.client.callTool({ name: 'me', arguments: {} });
      assert.ok(res.isError);
      assert.match(text(res), want);
    } finally {
      await s.close();
    }
  });

  it('with no browser to open here, a provider offering the device grant too is signed in to with a code', async () => {
    const both = join(dir, 'api-both-flows.json');
    const doc = JSON.parse(readFileSync(spec, 'utf8'));
    doc.components.securitySchemes.oauth.flows.deviceAuthorization = {
      deviceAuthorizationUrl: srv.device_url, tokenUrl: srv.token_url, scopes: { read: 'read', write: 'write' },
    };
    writeFileSync(both, JSON.stringify(doc));
    const profile = 'e2e-oauth-device';
    const before = await (await fetch(`${srv.url}/admin/stats`)).json();
    // The child has no DISPLAY (childEnv): no browser can be started, as
    // over SSH or in a container.
    assert.equal(env.DISPLAY, undefined);
    const r = await loginFollowingURL(['login', '--profile', profile, '--spec', both, '--client-id', srv.client_id], env, DEVICE_VERIFY_URL);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.followed, 'the verification URL was printed');
    assert.match(r.stderr, /No browser can be opened here \(no graphical display\): signing in with a code entered on any device instead/);
    assert.match(r.stderr, /and enter the code [A-Z0-9]{4}-[A-Z0-9]{4}/);
    assert.doesNotMatch(r.stderr, /\/authorize\?/, 'no browser URL was offered');
    const tok = JSON.parse(keyringLookup(`${profile}/oauth-token`));
    assert.equal(tok.grant, 'device_code');
    const after = await (await fetch(`${srv.url}/admin/stats`)).json();
    assert.equal(after.device_tokens, before.device_tokens + 1, JSON.stringify(after));
    assert.equal(after.code_exchanges, before.code_exchanges, JSON.stringify(after));
    const st = await run(['status', '--profile', profile, '--offline'], { env });
    assert.equal(st.code, 0, st.stdout + st.stderr);
    assert.match(st.stdout, /from device_code/);
    // Taken for want of a browser, not chosen: the next login, maybe
    // where a browser opens, chooses again.
    assert.match(st.stdout, /Sign-in: +device \(a code entered on any device\)\n/);
    assert.doesNotMatch(st.stdout, /next login/);

    // --flow browser signs in through the browser's URL all the same.
    const b = await loginFollowingURL(['login', '--profile', profile, '--spec', both, '--client-id', srv.client_id, '--flow', 'browser'], env);
    assert.equal(b.code, 0, b.stderr);
    assert.ok(b.followed, 'the authorization URL was printed');
    assert.equal(JSON.parse(keyringLookup(`${profile}/oauth-token`)).grant, 'authorization_code');
    assert.equal((await run(['logout', '--profile', profile], { env })).code, 0);
  });

  it('--flow client-credentials signs in as the client where the provider offers user sign-ins too', async () => {
    const profile = 'e2e-oauth-client';
    const withClient = join(dir, 'api-client-credentials.json');
    const doc = JSON.parse(readFileSync(spec, 'utf8'));
    doc.components.securitySchemes.oauth.flows.clientCredentials = { tokenUrl: srv.token_url, scopes: { read: 'read' } };
    writeFileSync(withClient, JSON.stringify(doc));
    const before = await (await fetch(`${srv.url}/admin/stats`)).json();
    const r = await run(['login', '--profile', profile, '--spec', withClient, '--client-id', srv.client_id, '--flow', 'client-credentials', '--with-key'],
      { env, input: `${srv.client_secret}\n` });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /authorize\?|enter the code/, 'no user sign-in was offered');
    assert.ok(!r.stderr.includes(srv.client_secret), 'the secret is never printed');
    const after = await (await fetch(`${srv.url}/admin/stats`)).json();
    assert.equal(after.client_credentials, before.client_credentials + 1, JSON.stringify(after));
    assert.equal(after.authorizations, before.authorizations, JSON.stringify(after));
    assert.equal(JSON.parse(keyringLookup(`${profile}/oauth-token`)).grant, 'client_credentials');
    const st = await run(['status', '--profile', profile, '--offline', '--json'], { env });
    const p = JSON.parse(st.stdout)[0];
    assert.equal(p.flow, 'client-credentials', st.stdout);
    assert.equal(p.flow_kept, true, st.stdout);
    const s = await connect(['serve', '--profile', profile], { env });
    try {
      const res = await s.client.callTool({ name: 'me', arguments: {} });
      assert.ok(!res.isError, text(res));
    } finally {
      await s.close();
    }
    assert.equal((await run(['logout', '--profile', profile], { env })).code, 0);
  });

  it('the flow chosen is kept: the next login signs in with it again, and status names it', async () => {
    const profile = 'e2e-oauth-device';
    const both = join(dir, 'api-both-flows.json');
    const json = async () => {
      const st = await run(['status', '--profile', profile, '--offline', '--json'], { env });
      return [st, JSON.parse(st.stdout)[0]];
    };
    // The last login chose --flow browser: signing in again (the refresh
    // token expired, say) uses the browser, though none can be opened
    // here and the device grant would be chosen otherwise.
    let [st, p] = await json();
    assert.equal(p.flow, 'browser', st.stdout);
    assert.equal(p.flow_kept, true, st.stdout);
    const again = await loginFollowingURL(['login', '--profile', profile], env);
    assert.equal(again.code, 0, again.stderr);
    assert.ok(again.followed, 'the authorization URL was printed');
    assert.match(again.stderr, /Signing in with a browser, as chosen at an earlier login \(--flow device to sign in with a code entered on any device instead\)/);
    assert.doesNotMatch(again.stderr, /No browser can be opened here/);
    assert.equal(JSON.parse(keyringLookup(`${profile}/oauth-token`)).grant, 'authorization_code');

    // In a CI job nobody can open that URL: the error names the device
    // grant the provider offers.
    const ci = await run(['login', '--profile', profile], { env: { ...env, CI: 'true' } });
    assert.equal(ci.code, 1, ci.stderr);
    assert.match(ci.stderr, /nobody can open its URL on this machine; nothing was stored/);
    assert.match(ci.stderr, /pass --flow device to sign in with a code entered on any device/);

    // --flow device replaces the choice, and is kept in turn.
    const d = await loginFollowingURL(['login', '--profile', profile, '--flow', 'device'], env, DEVICE_VERIFY_URL);
    assert.equal(d.code, 0, d.stderr);
    [st, p] = await json();
    assert.equal(p.flow, 'device', st.stdout);
    assert.equal(p.flow_kept, true, st.stdout);
    const profiles = JSON.parse(readFileSync(join(dir, 'config', 'profiles.json'), 'utf8'));
    assert.equal(profiles.profiles[profile].auth.oauth.flow, 'device');
    const n = await loginFollowingURL(['login', '--profile', profile, '--spec', both, '--no-browser'], env, DEVICE_VERIFY_URL);
    assert.equal(n.code, 0, n.stderr);
    assert.match(n.stderr, /Signing in with a code entered on any device, as chosen at an earlier login/);
    assert.equal(JSON.parse(keyringLookup(`${profile}/oauth-token`)).grant, 'device_code');
    assert.equal((await run(['logout', '--profile', profile], { env })).code, 0);
  });

  it('logout removes the token from the keyring', async () => {
    const r = await run(['logout', '--profile', PROFILE], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(keyringLookup(`${PROFILE}/oauth-token`), null);
    for (const f of filesUnder(join(dir, 'config'))) assert.ok(!/at_|rt_/.test(f.text), `${f.path} holds a token`);
  });
});

const KEY = 'sk-e2e-auth-3f9a1c77b2';

describe('keys where the description puts them', () => {
  let dir;
  let env;
  let upstream;
  let url;
  let spec;
  const seen = [];
  before(async () => {
    dir = tempDir('keys');
    env = childEnv({ RESTMCP_CONFIG_DIR: join(dir, 'config') });
    upstream = createServer((req, res) => {
      const u = new URL(req.url, 'http://x');
      const cookie = (req.headers.cookie || '').split(/;\s*/).find((c) => c.startsWith('sid='));
      const auth = req.headers.authorization || '';
      let how = 'none';
      if (u.searchParams.get('api_key') === KEY) how = 'query';
      else if (cookie === `sid=${KEY}`) how = 'cookie';
      else if (auth === `Basic ${Buffer.from(`AC42:${KEY}`).toString('base64')}`) how = 'basic';
      else if (auth === `Token token=${KEY}`) how = 'format';
      seen.push(how);
      res.writeHead(how === 'none' ? 401 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(how === 'none' ? { error: 'unauthorized' } : { how }));
    });
    await new Promise((r) => upstream.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${upstream.address().port}`;
    spec = join(dir, 'api.json');
    writeFileSync(spec, JSON.stringify({
      openapi: '3.0.3',
      info: { title: 'Keys API', version: '1' },
      servers: [{ url }],
      security: [{ q: [] }, { c: [] }, { b: [] }],
      components: {
        securitySchemes: {
          q: { type: 'apiKey', in: 'query', name: 'api_key' },
          c: { type: 'apiKey', in: 'cookie', name: 'sid' },
          b: { type: 'http', scheme: 'basic' },
        },
      },
      paths: { '/who': { get: { operationId: 'who', responses: { 200: { description: 'ok' } } } } },
    }));
  });
  after(() => upstream?.close());

  it('in a script, several schemes without --scheme fail at once with the list', async () => {
    const r = await run(['login', '--profile', 'e2e-keys-none', '--spec', spec, '--with-key'], { env, input: `${KEY}\n` });
    assert.notEqual(r.code, 0);
    for (const s of ['--scheme q', '--scheme c', '--scheme b', '--username']) assert.ok(r.stderr.includes(s), `${s} in ${r.stderr}`);
  });

  it('--flow on a login that takes a key is refused, and nothing is stored', async () => {
    const r = await run(['login', '--profile', 'e2e-keys-flow', '--spec', spec, '--auth-format', 'Token token={key}', '--flow', 'device', '--with-key', '--no-check'], { env, input: `${KEY}\n` });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--flow is for an OAuth 2\.0 sign-in, and this login takes a key instead/);
    assert.ok(!r.stderr.includes(KEY), 'the key is not shown');
    assert.equal(keyringLookup('e2e-keys-flow'), null, 'no key was stored');
  });

  // The last: HTTP basic without --username, the secret given as user:password
  // on stdin, so that nothing of it is on the command line or in the profile.
  for (const [scheme, how, extra, label = how, secret = KEY] of [['q', 'query', []], ['c', 'cookie', []], ['b', 'basic', ['--username', 'AC42']], [null, 'format', ['--auth-format', 'Token token={key}']], ['b', 'basic', [], 'basic-pair', `AC42:${KEY}`]]) {
    it(`login and a tool call: ${label}`, async () => {
      const profile = `e2e-keys-${label}`;
      const audit = join(dir, `${label}-audit.jsonl`);
      const args = ['login', '--profile', profile, '--spec', spec, '--with-key', '--audit-log', audit, ...extra];
      if (scheme) args.push('--scheme', scheme);
      const r = await run(args, { env, input: `${secret}\n` });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(keyringLookup(profile), secret);
      const s = await connect(['serve', '--profile', profile], { env });
      try {
        const res = await s.client.callTool({ name: 'who', arguments: {} });
        assert.ok(!res.isError, text(res));
        assert.equal(JSON.parse(text(res)).how, how);
        assert.ok(!JSON.stringify(res).includes(KEY));
      } finally {
        await s.close();
      }
      assert.ok(existsSync(audit), 'the audit log was written');
      assert.ok(!readFileSync(audit, 'utf8').includes(KEY), 'the audit log holds no key');
      for (const f of filesUnder(join(dir, 'config'))) assert.ok(!f.text.includes(KEY), `${f.path} contains the key`);
      for (const e of stderrLog) assert.ok(!e.includes(KEY), 'a log line holds the key');
    });
  }

  it('a key from RESTMCP_API_KEY the API refuses: correct the variable, or unset it only where a key is stored', async () => {
    const wrong = 'sk-e2e-wrong-0123456789';
    const bad = { ...env, RESTMCP_API_KEY: wrong };
    const profile = 'e2e-keys-query'; // its key is in the keyring
    const unset = `correct that variable, or unset it to use the key \`restmcp login --profile ${profile}\` stores`;
    const st = await run(['status', '--profile', profile], { env: bad });
    assert.equal(st.code, 1, st.stdout + st.stderr);
    assert.ok(st.stdout.includes(`✗ rejects the key from RESTMCP_API_KEY (GET ${url}/who: 401): ${unset}`), st.stdout);
    const call = await run(['call', 'who', '--profile', profile], { env: bad });
    assert.notEqual(call.code, 0);
    assert.ok(call.stdout.concat(call.stderr).includes(`The API rejected the key from RESTMCP_API_KEY: ${unset}.`), call.stdout + call.stderr);
    // Served without a profile, nothing is stored: unsetting the variable
    // would leave no key.
    const s = await connect(['serve', '--spec', spec], { env: bad });
    try {
      const res = await s.client.callTool({ name: 'who', arguments: {} });
      assert.ok(res.isError);
      assert.match(text(res), /The API rejected the key from RESTMCP_API_KEY: correct that variable\./);
      assert.ok(!text(res).includes('unset'), text(res));
    } finally {
      await s.close();
    }
    for (const out of [st.stdout, call.stdout, call.stderr]) assert.ok(!out.includes(wrong) && !out.includes(KEY), out);
  });

  it('serve --http: each caller of a basic-auth API sends its own user name and password', async () => {
    const profile = 'e2e-keys-basic-http';
    const r = await run(['login', '--profile', profile, '--spec', spec, '--with-key', '--scheme', 'b', '--username', 'AC42'], { env, input: `${KEY}\n` });
    assert.equal(r.code, 0, r.stderr);
    const port = await new Promise((resolve) => {
      const l = createNetServer().listen(0, '127.0.0.1', () => { const p = l.address().port; l.close(() => resolve(p)); });
    });
    const p = spawn(bin(), ['serve', '--http', `127.0.0.1:${port}`, '--profile', profile], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (c) => { stderr += c; });
    const base = `http://127.0.0.1:${port}`;
    try {
      for (let i = 0; ; i++) {
        try { if ((await fetch(`${base}/readyz`)).ok) break; } catch { /* not listening yet */ }
        assert.ok(i < 150 && p.exitCode === null, `serve --http did not become ready: ${stderr}`);
        await new Promise((res) => setTimeout(res, 100));
      }
      const basic = (user) => `Basic ${Buffer.from(`${user}:${KEY}`).toString('base64')}`;
      const call = async (authorization) => {
        const client = new Client({ name: 'e2e-basic', version: '1.0.0' });
        await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { Authorization: authorization } } }));
        try {
          return await client.callTool({ name: 'who', arguments: {} });
        } finally {
          await client.close();
        }
      };
      // The caller's own user name goes to the API, not the profile's.
      const mine = await call(basic('AC42'));
      assert.ok(!mine.isError, text(mine));
      assert.equal(JSON.parse(text(mine)).how, 'basic');
      const other = await call(basic('AC43'));
      assert.ok(other.isError, `another user name must reach the API as sent: ${text(other)}`);
      // A password alone goes with the profile's user name, AC42.
      const alone = await call(`Bearer ${KEY}`);
      assert.ok(!alone.isError, text(alone));
      assert.equal(JSON.parse(text(alone)).how, 'basic');
      const none = await fetch(`${base}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      assert.equal(none.status, 401);
      assert.match(none.headers.get('www-authenticate') ?? '', /^Basic /);
      assert.match(await none.text(), /Authorization: Basic <base64 of user:password>/);
      assert.ok(!stderr.includes(KEY), 'a log line holds the key');
    } finally {
      p.kill('SIGTERM');
      await new Promise((res) => (p.exitCode !== null ? res() : p.on('close', res)));
    }
  });
});
