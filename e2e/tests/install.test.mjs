// restmcp install: the entry it writes into an editor's configuration
// launches a working server, exactly as written (Cursor here, in a
// temporary $HOME), and carries no key.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { api, apiKey, apiURL, bin, childEnv, connect, filesUnder, json, run, tempDir } from '../lib/harness.mjs';

const PROFILE = 'e2e-cursor';

describe('restmcp install cursor', () => {
  it('writes an entry that starts the server for the profile, without the key', async () => {
    const home = tempDir('home');
    // What an editor started from the desktop has: the user's HOME, no
    // restmcp variables, the session bus for the keyring.
    const env = childEnv({ HOME: home, XDG_CONFIG_HOME: undefined });
    const key = apiKey();

    const login = await run(['login', '--profile', PROFILE, '--spec', `${apiURL()}/api/schema/`, '--base-url', apiURL(), '--auth-scheme', 'Api-Key', '--with-key'],
      { env, input: `${key}\n` });
    assert.equal(login.code, 0, login.stderr);

    const inst = await run(['install', 'cursor', '--profile', PROFILE], { env });
    
    assert.equal(inst.code, 0, inst.stderr);

    const file = join(home, '.cursor', 'mcp.json');
    const raw = readFileSync(file, 'utf8');
    assert.ok(!raw.includes(key), 'mcp.json must not contain the key');
    const entry = JSON.parse(raw).mcpServers[PROFILE];
    assert.ok(entry, `mcpServers.${PROFILE} in ${raw}`);
    assert.equal(realpathSync(entry.command), realpathSync(bin()), 'the absolute path of this binary');
    assert.deepEqual(entry.args, ['serve', '--profile', PROFILE]);
    for (const a of entry.args) assert.doesNotMatch(a, /\s/, 'no argument with a space');

    const s = await connect(entry.args, { command: entry.command, env: { ...env, ...(entry.env ?? {}) } });
    try {
      const { tools } = await s.client.listTools();
      assert.equal(tools.length, 19);
      const got = json(await s.client.callTool({ name: 'retrieve_project', arguments: { id: 2 } }));
      assert.deepEqual(got, (await api('/api/projects/2/')).body);
    } finally {
      await s.close();
    }
  });

  it('--print shows the Cursor and Claude Desktop entries without writing', async () => {
    const home = tempDir('home');
    const env = childEnv({ HOME: home, XDG_CONFIG_HOME: undefined, RESTMCP_CONFIG_DIR: tempDir('config') });
    for (const client of ['cursor', 'claude-desktop']) {
      const r = await run(['install', client, '--profile', PROFILE, '--print'], { env });
      assert.equal(r.code, 0, r.stderr);
      const m = /\{[\s\S]*\}/.exec(r.stdout);
      assert.ok(m, `${client}: a JSON snippet in ${r.stdout}`);
      const doc = JSON.parse(m[0]);
      const entry = doc.mcpServers?.[PROFILE] ?? doc[PROFILE] ?? doc;
      assert.equal(realpathSync(entry.command), realpathSync(bin()), client);
      assert.deepEqual(entry.args, ['serve', '--profile', PROFILE], client);
    }
    assert.deepEqual(filesUnder(home).map((f) => f.path), [], '--print writes nothing');
  });
});

describe('restmcp install zed', () => {
  it('updates and removes an entry in the form older Zed releases read', async () => {
    const home = tempDir('home');
    const env = childEnv({ HOME: home, XDG_CONFIG_HOME: join(home, '.config') });
    const login = await run(['login', '--profile', 'e2e-zed', '--spec', `${apiURL()}/api/schema/`, '--base-url', apiURL(), '--auth-scheme', 'Api-Key', '--with-key'],
      { env, input: `${apiKey()}\n` });
    assert.equal(login.code, 0, login.stderr);
    const file = join(home, '.config', 'zed', 'settings.json');
    mkdirSync(join(home, '.config', 'zed'), { recursive: true });
    const old = `{
  // my settings
  "context_servers": {
    "e2e-zed": {
      "command": {
        "path": "/old/bin/restmcp", // before the upgrade
        "args": ["serve", "--profile", "e2e-zed", "--read-only"],
        "env": {"HTTPS_PROXY": "http://proxy:3128"}
      },
      "settings": {},
    },
  },
}
`;
    writeFileSync(file, old);

    const inst = await run(['install', 'zed', '--profile', 'e2e-zed'], { env });
    assert.equal(inst.code, 0, inst.stderr);
    // Only the path changed (to this binary), in the same form.
    const text = readFileSync(file, 'utf8');
    const path = JSON.parse(/"path": ("[^"]*")/.exec(text)[1]);
    assert.equal(realpathSync(path), realpathSync(bin()));
    assert.equal(text, old.replace('"/old/bin/restmcp"', JSON.stringify(path)));

    const un = await run(['uninstall', 'zed', '--profile', 'e2e-zed'], { env });
    assert.equal(un.code, 0, un.stderr);
    assert.equal(readFileSync(file, 'utf8'), '{\n  // my settings\n  "context_servers": {},\n}\n');
  });
});

