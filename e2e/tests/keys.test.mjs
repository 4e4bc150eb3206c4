// The key's life cycle against a real Secret Service (gnome-keyring in the
// private D-Bus session of scripts/with-keyring.sh): login stores it, serve
// uses it, status shows it masked, logout removes it, and it never appears
// in a file, a log or a tool result.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  api, apiKey, apiURL, childEnv, connect, filesUnder, json, run, stderrLog, tempDir, text,
} from '../lib/harness.mjs';

const PROFILE = 'e2e-keyring';

/** What secret-tool (libsecret) finds in the keyring for a profile, or null. */
function keyringLookup(profile) {
  const r = spawnSync('secret-tool', ['lookup', 'service', 'restmcp', 'username', profile], { encoding: 'utf8', env: process.env });
  return r.status === 0 ? r.stdout : null;
}

describe('the key in the OS keyring', () => {
  let config;
  let env;
  let key;
  before(() => {
    config = tempDir('config');
    env = childEnv({ RESTMCP_CONFIG_DIR: config });
    key = apiKey();
    assert.equal(keyringLookup(PROFILE), null, 'the keyring starts without the key');
  });

  it('login --with-key checks the key against the API and stores it in the keyring', async () => {
    const r = await run(['login', '--profile', PROFILE, '--spec', `${apiURL()}/api/schema/`, '--base-url', apiURL(), '--auth-scheme', 'Api-Key', '--with-key'],
      { env, input: `${key}\n` });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`accepted the key \\(GET ${apiURL().replace(/[.:/]/g, '\\$&')}/api/(?!schema/)\\S+: 200\\)`),
      'checked with an operation where the calls go, not with the description');
    assert.equal(keyringLookup(PROFILE), key, 'secret-tool finds the key under service restmcp');
    assert.ok(!(r.stdout + r.stderr).includes(key));
    const files = filesUnder(config);
    assert.ok(files.length > 0, 'the profile is saved');
    for (const f of files) assert.ok(!f.text.includes(key), `${f.path} contains the key`);
  });

  it('serve takes the key from the keyring for a real call', async () => {
    assert.equal(keyringLookup(PROFILE), key, 'login stored the key');
    const s = await connect(['serve', '--profile', PROFILE], { env });
    try {
      const res = await s.client.callTool({ name: 'retrieve_tag', arguments: { id: 2 } });
      assert.deepEqual(json(res), (await api('/api/tags/2/')).body);
      assert.ok(!JSON.stringify(res).includes(key));
    } finally {
      await s.close();
    }
  });

  it('status names the keyring as the source and shows only the last 4 characters', async () => {
    const r = await run(['status', '--profile', PROFILE], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /keyring/i);
    assert.ok(r.stdout.includes(key.slice(-4)), 'the last 4 characters are shown');
    assert.ok(!r.stdout.includes(key.slice(0, -4)), 'the rest of the key is not');
    assert.match(r.stdout, new RegExp(apiURL().replace(/[.:/]/g, '\\$&')), 'the API is named');
  });

  it('status says the environment variable takes precedence', async () => {
    const r = await run(['status', '--profile', PROFILE, '--offline'], { env: { ...env, RESTMCP_API_KEY: key } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /RESTMCP_API_KEY|env/);
    assert.ok(!(r.stdout + r.stderr).includes(key.slice(0, -4)));
  });

  it('a call when the keyring cannot be reached says so, and does not blame the API', async () => {
    const noBus = { ...env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(tempDir('nobus'), 'bus')}` };
    const r = await run(['call', 'list_tags', '--profile', PROFILE], { env: noBus });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /keyring is unavailable/);
    assert.match(r.stderr, /RESTMCP_API_KEY/, 'names the way around the keyring');
    assert.doesNotMatch(r.stderr, /could not be reached|base URL/, 'the API was never asked');
  });

  it('login refuses a key the API rejects and stores nothing', async () => {
    const r = await run(['login', '--profile', 'e2e-rejected', '--spec', `${apiURL()}/api/schema/`, '--base-url', apiURL(), '--auth-scheme', 'Api-Key', '--with-key'],
      { env, input: 'AAAAAAAA.not-a-valid-key\n' });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /40[13]|reject/i);
    assert.equal(keyringLookup('e2e-rejected'), null);
    assert.ok(!r.stderr.includes('not-a-valid-key'), 'even a rejected key is not echoed');
  });

  it('login with a mistyped --base-url path says which URL answered 404, names --base-url and stores nothing', async () => {
    // The description at /api/schema/ answers with the key wherever the
    // base URL points; the operations are at /api/…, not /apii/api/….
    const login = ['login', '--profile', 'e2e-wrong-base', '--spec', `${apiURL()}/api/schema/`, '--base-url', `${apiURL()}/apii`,
      '--auth-scheme', 'Api-Key', '--with-key'];
    const r = await run(login, { env, input: `${key}\n` });
    assert.equal(r.code, 1, r.stderr);
    const wrong = `${apiURL()}/apii`.replace(/[.:/]/g, '\\$&');
    assert.match(r.stderr, new RegExp(`GET ${wrong}/api/\\S+ answered 404 Not Found`));
    assert.match(r.stderr, new RegExp(`most likely the base URL ${wrong} does not lead to the API's operations`));
    assert.match(r.stderr, /Nothing was stored: check --base-url/);
    assert.equal(keyringLookup('e2e-wrong-base'), null);
    const profiles = JSON.parse(readFileSync(join(config, 'profiles.json'), 'utf8')).profiles;
    assert.ok(!('e2e-wrong-base' in profiles), 'the profile is not saved');

    // Saved unchecked, status says the same and the login that fixes it.
    const saved = await run([...login, '--no-check'], { env, input: `${key}\n` });
    assert.equal(saved.code, 0, saved.stderr);
    const st = await run(['status', '--profile', 'e2e-wrong-base'], { env });
    assert.equal(st.code, 1, st.stdout + st.stderr);
    assert.match(st.stdout, new RegExp(`API: +✗ GET ${wrong}/api/\\S+ answered 404 Not Found`));
    assert.match(st.stdout, /`restmcp login --profile e2e-wrong-base --base-url URL` stores the API's address/);
    assert.ok(!(r.stdout + r.stderr + st.stdout + st.stderr).includes(key));
    const out = await run(['logout', '--profile', 'e2e-wrong-base', '--all'], { env });
    assert.equal(out.code, 0, out.stderr);
  });

  it('a description with no GET to check the key with: a --base-url that answers 404 is said at login and by status, naming --base-url', async () => {
    // /integrations/schema/ describes the POST operations alone: the key
    // check asks that URL, which answers with the key wherever the base
    // URL points, and then the base URL itself.
    const name = 'e2e-integrations';
    const spec = `${apiURL()}/integrations/schema/`;
    const login = (base) => ['login', '--profile', name, '--spec', spec, '--base-url', base, '--auth-scheme', 'Api-Key', '--with-key'];
    const esc = (s) => s.replace(/[.:/]/g, '\\$&');
    const wrong = `${apiURL()}/apx`;
    const r = await run(login(wrong), { env, input: `${key}\n` });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`accepted the key \\(GET ${esc(spec)}: 200\\)`));
    assert.match(r.stderr, new RegExp(`! GET ${esc(wrong)} answered 404 Not Found: the base URL may not lead to the API's operations`));
    assert.match(r.stderr, /If tool calls answer 404 Not Found, correct --base-url: `restmcp login --profile e2e-integrations --base-url URL`/);
    assert.equal(keyringLookup(name), key, 'stored: an API may answer 404 everywhere but at its operations');
    const st = await run(['status', '--profile', name], { env });
    assert.equal(st.code, 0, st.stdout + st.stderr);
    assert.match(st.stdout, new RegExp(`⚠ Base URL: +GET ${esc(wrong)} answered 404 Not Found`));
    assert.match(st.stdout, /`restmcp login --profile e2e-integrations --base-url URL` stores the API's address/);

    // The description's own server: nothing more is said.
    const right = await run(login(apiURL()), { env, input: `${key}\n` });
    assert.equal(right.code, 0, right.stderr);
    assert.match(right.stderr, new RegExp(`accepted the key \\(GET ${esc(spec)}: 200\\)`));
    assert.doesNotMatch(right.stderr, /^!/m);
    const ok = await run(['status', '--profile', name], { env });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.doesNotMatch(ok.stdout, /Base URL: +GET/);
    assert.ok(!(r.stdout + r.stderr + st.stdout + st.stderr + right.stderr + ok.stdout).includes(key));
    const out = await run(['logout', '--profile', name, '--all'], { env });
    assert.equal(out.code, 0, out.stderr);
  });

  it('logout removes the key from the keyring', async () => {
    const r = await run(['logout', '--profile', PROFILE], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(keyringLookup(PROFILE), null);
    const st = await run(['status', '--profile', PROFILE, '--offline'], { env });
    assert.match(st.stdout + st.stderr, /missing|no key|not logged in/i);
  });

  it('serve without a key starts, and each call says which login to run', async () => {
    const s = await connect(['serve', '--profile', PROFILE, '--spec', `${process.env.E2E_SPEC}`, '--base-url', apiURL(), '--auth-scheme', 'Api-Key'],
      { env: childEnv({ RESTMCP_CONFIG_DIR: tempDir('config') }) });
    try {
      assert.equal(s.client.getServerVersion().name, 'restmcp');
      const res = await s.client.callTool({ name: 'list_projects', arguments: {} });
      assert.equal(res.isError, true);
      assert.match(text(res), new RegExp(`restmcp login --profile ${PROFILE}`));
    } finally {
      await s.close();
    }
  });
});

describe('a description that takes the key elsewhere than the calls (--spec-auth)', () => {
  // The example API's /portal/schema/ takes the key in the api_key query
  // parameter only; its calls take `Authorization: Api-Key <key>`.
  const PORTAL = 'e2e-portal';
  let config;
  let env;
  let key;
  let login;
  before(() => {
    config = tempDir('config');
    env = childEnv({ RESTMCP_CONFIG_DIR: config });
    key = apiKey();
    login = ['login', '--profile', PORTAL, '--spec', `${apiURL()}/portal/schema/`, '--base-url', apiURL(), '--auth-scheme', 'Api-Key', '--with-key'];
  });

  it('without --spec-auth, login says the description refused the key and names the flag', async () => {
    const r = await run(login, { env, input: `${key}\n` });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /--spec-auth header:NAME, query:NAME/);
    assert.match(r.stderr, /nothing was stored/);
    assert.equal(keyringLookup(PORTAL), null);
  });

  it('with --spec-auth query:api_key, login reads it, checks the key as the calls send it, and a call works', async () => {
    const r = await run([...login, '--spec-auth', 'query:api_key'], { env, input: `${key}\n` });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`accepted the key \\(GET ${apiURL().replace(/[.:/]/g, '\\$&')}/api/`), 'checked with an operation, not the description');
    assert.equal(keyringLookup(PORTAL), key);
    const profiles = JSON.parse(readFileSync(join(config, 'profiles.json'), 'utf8')).profiles;
    assert.equal(profiles[PORTAL].spec_auth, 'query:api_key');
    for (const f of filesUnder(config)) assert.ok(!f.text.includes(key), `${f.path} contains the key`);

    const s = await connect(['serve', '--profile', PORTAL, '--no-cache'], { env });
    try {
      const res = await s.client.callTool({ name: 'retrieve_tag', arguments: { id: 2 } });
      assert.deepEqual(json(res), (await api('/api/tags/2/')).body);
    } finally {
      await s.close();
    }
    const st = await run(['status', '--profile', PORTAL], { env });
    assert.equal(st.code, 0, st.stderr);
    assert.match(st.stdout, /read with the key as `the query parameter api_key=<key>`/);
    assert.ok(!(st.stdout + st.stderr + r.stdout + r.stderr).includes(key));
  });

  it('a wrong --auth-scheme for the calls is refused at login, though the description accepts the key', async () => {
    const r = await run(['login', '--profile', 'e2e-portal-wrong', '--spec', `${apiURL()}/portal/schema/`, '--base-url', apiURL(),
      '--auth-scheme', 'Bearer', '--spec-auth', 'query:api_key', '--with-key'], { env, input: `${key}\n` });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /rejected the key: GET \S+\/api\/\S* answered 403/);
    assert.match(r.stderr, /sent as `Authorization: Bearer <key>`/);
    assert.equal(keyringLookup('e2e-portal-wrong'), null);
  });
});

describe('the key from RESTMCP_API_KEY', () => {
  it('serve uses the environment variable when no keyring entry exists', async () => {
    const key = apiKey();
    const config = tempDir('config');
    const s = await connect(['serve', '--spec', process.env.E2E_SPEC, '--base-url', apiURL(), '--auth-scheme', 'Api-Key'],
      { env: childEnv({ RESTMCP_CONFIG_DIR: config, RESTMCP_API_KEY: key }) });
    try {
      const res = await s.client.callTool({ name: 'list_tags', arguments: { search: 'design' } });
      assert.deepEqual(json(res).results, (await api('/api/tags/?search=design')).body.results);
      assert.ok(!s.stderr().includes(key));
      for (const f of filesUnder(config)) assert.ok(!f.text.includes(key), `${f.path} contains the key`);
    } finally {
      await s.close();
    }
  });
});

describe('parallel commands', () => {
  it('ten parallel logins with --insecure-storage keep ten profiles and ten keys', async () => {
    const config = tempDir('config');
    const env = childEnv({ RESTMCP_CONFIG_DIR: config });
    const names = Array.from({ length: 10 }, (_, i) => `par${i}`);
    const results = await Promise.all(names.map((name) => run(
      ['login', '--profile', name, '--spec', process.env.E2E_SPEC, '--base-url', apiURL(), '--auth-scheme', 'Api-Key',
        '--with-key', '--no-check', '--insecure-storage'],
      { env, input: `${apiKey()}\n` },
    )));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const profiles = JSON.parse(readFileSync(join(config, 'profiles.json'), 'utf8')).profiles;
    assert.deepEqual(Object.keys(profiles).sort(), names);
    const keys = JSON.parse(readFileSync(join(config, 'insecure-keys.json'), 'utf8')).keys;
    assert.equal(Object.keys(keys).length, 10, 'one key per profile');
  });
});

describe('a plain-text key file that cannot be read', () => {
  it('logout removes the keyring key, leaves the file and its other keys as they are, and says what to do', async () => {
    const config = tempDir('config');
    const env = childEnv({ RESTMCP_CONFIG_DIR: config });
    const name = 'e2e-corrupt-file';
    const login = await run(['login', '--profile', name, '--spec', process.env.E2E_SPEC, '--base-url', apiURL(), '--auth-scheme', 'Api-Key',
      '--with-key', '--no-check'], { env, input: `${apiKey()}\n` });
    assert.equal(login.code, 0, login.stderr);
    assert.equal(keyringLookup(name), apiKey());
    // Cut short (a full disk, a crash): another profile's key is in it.
    const file = join(config, 'insecure-keys.json');
    const broken = '{"keys": {"other": "sk-other-0123456789", "e2e-corrupt-file": "sk-';
    writeFileSync(file, broken, { mode: 0o600 });

    const r = await run(['logout', '--profile', name], { env });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(keyringLookup(name), null, 'the keyring key is removed all the same');
    assert.equal(readFileSync(file, 'utf8'), broken, 'the file is left as it is');
    assert.ok(r.stderr.includes(`the plain-text key file ${file} cannot be read: it ends too early`), r.stderr);
    assert.match(r.stderr, /fix it in an editor/);
    assert.ok(!r.stderr.includes('sk-other'), 'the file is not quoted');
  });
});

describe('no secret in any output', () => {
  it('no stderr of any process of this file contains the key', () => {
    const key = apiKey();
    assert.ok(stderrLog.length > 0);
    for (const s of stderrLog) assert.ok(!s.includes(key), 'the key appeared on stderr');
  });
});
