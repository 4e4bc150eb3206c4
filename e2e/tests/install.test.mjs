// restmcp install: the entry it writes into an editor's configuration
// launches a working server, exactly as written (Cursor here, in a
// temporary $HOME), and carries no key.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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


// Codex reads a server written as dotted keys or an inline table, not only
// as a [mcp_servers.NAME] table: install updates such an entry where it is
// (command and args; env and the rest kept) and uninstall removes it, and
// Codex's own `codex mcp get` reads what they leave.
describe('restmcp install codex: the forms Codex reads', () => {
  const codexBin = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.bin', 'codex');
  // Codex with CODEX_HOME in the case's folder; without network where
  // `unshare -rn` works (it needs none to read its configuration).
  const isolated = spawnSync('unshare', ['-rn', 'true'], { stdio: 'ignore' }).status === 0;
  const codex = (home, args) => {
    const [cmd, argv] = isolated ? ['unshare', ['-rn', codexBin, ...args]] : [codexBin, args];
    const r = spawnSync(cmd, argv, { env: { ...childEnv({ HOME: home }), CODEX_HOME: join(home, '.codex'), NO_COLOR: '1' }, encoding: 'utf8', timeout: 90_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const get = (home, name) => {
    const r = codex(home, ['mcp', 'get', name, '--json']);
    return r.code === 0 ? JSON.parse(r.stdout) : null;
  };
  const cases = [
    {
      name: 'dotted keys at the top, an env sub-table',
      file: `model = "o3"
mcp_servers.e2e-codex.command = "/old/bin/restmcp" # moved
mcp_servers.e2e-codex.args = ["serve", "--profile=e2e-codex", "--read-only"]

[mcp_servers.e2e-codex.env]
HTTPS_PROXY = "http://proxy:3128"

[mcp_servers.other]
command = "npx"
`,
    },
    {
      name: 'an inline table under [mcp_servers], arguments one a line',
      file: `[mcp_servers]
other = { command = "npx" }
e2e-codex = { command = "restmcp", env = { HTTPS_PROXY = "http://proxy:3128" }, args = [
  "serve", # ours
  "-pe2e-codex",
  "--read-only", # mine
] }
`,
    },
    {
      name: 'an entry in the servers\' inline table',
      file: `mcp_servers = { other = { command = "npx" }, e2e-codex = { command = "restmcp", args = ["serve", "--profile", "e2e-codex", "--read-only"], env = { HTTPS_PROXY = "http://proxy:3128" } } }
`,
    },
  ];
  for (const tc of cases) {
    it(`updates and removes ${tc.name}`, async (t) => {
      if (!existsSync(codexBin)) { t.skip('codex is not installed: run npm ci in e2e/'); return; }
      const home = tempDir('home');
      const env = childEnv({ HOME: home, XDG_CONFIG_HOME: undefined, RESTMCP_CONFIG_DIR: tempDir('config') });
      const file = join(home, '.codex', 'config.toml');
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, tc.file);
      assert.ok(get(home, 'e2e-codex'), 'Codex reads the entry as written');

      const inst = await run(['install', 'codex', '--profile', 'e2e-codex'], { env });
      assert.equal(inst.code, 0, inst.stderr);
      const text = readFileSync(file, 'utf8');
      assert.ok(!text.includes('[mcp_servers.e2e-codex]\n'), `updated in its own form:\n${text}`);
      assert.ok(text.includes('# mine') || !tc.file.includes('# mine'), text);
      const entry = get(home, 'e2e-codex');
      assert.equal(realpathSync(entry?.transport.command), realpathSync(bin()), text);
      assert.deepEqual(entry.transport.args, ['serve', '--profile', 'e2e-codex', '--read-only']);
      assert.deepEqual(entry.transport.env, { HTTPS_PROXY: 'http://proxy:3128' });
      assert.equal(get(home, 'other')?.transport.command, 'npx');

      const again = await run(['install', 'codex', '--profile', 'e2e-codex'], { env });
      assert.equal(again.code, 0, again.stderr);
      assert.equal(readFileSync(file, 'utf8'), text, 'a second install changes nothing');

      const un = await run(['uninstall', 'codex', '--profile', 'e2e-codex'], { env });
      assert.equal(un.code, 0, un.stderr);
      const after = readFileSync(file, 'utf8');
      assert.ok(!after.includes('e2e-codex'), after);
      assert.equal(get(home, 'e2e-codex'), null, after);
      assert.equal(get(home, 'other')?.transport.command, 'npx', after);
    });
  }

  it('refuses arguments that are not strings, which Codex does not read either', async (t) => {
    if (!existsSync(codexBin)) { t.skip('codex is not installed: run npm ci in e2e/'); return; }
    const home = tempDir('home');
    const env = childEnv({ HOME: home, XDG_CONFIG_HOME: undefined, RESTMCP_CONFIG_DIR: tempDir('config') });
    const file = join(home, '.codex', 'config.toml');
    mkdirSync(dirname(file), { recursive: true });
    const text = '[mcp_servers]\ne2e-codex = { command = "restmcp", args = ["serve", "--profile", "e2e-codex", 30] }\n';
    writeFileSync(file, text);
    const r = codex(home, ['mcp', 'list', '--json']);
    assert.notEqual(r.code, 0, 'Codex reads none of the file');
    assert.match(r.stderr, /expected a string/);

    const inst = await run(['install', 'codex', '--profile', 'e2e-codex'], { env });
    assert.equal(inst.code, 1, inst.stdout);
    assert.match(inst.stderr, /the args of mcp_servers\.e2e-codex hold 30, but Codex takes only strings there .*quote it or remove it/);
    assert.equal(readFileSync(file, 'utf8'), text, 'nothing written');
  });
});

// The JSON clients take only strings in an entry's args too: Claude Code
// leaves such an entry out, Gemini CLI refuses its settings. install says
// which argument is not a string and writes nothing, as for Codex.
describe('restmcp install: arguments that are not strings, in JSON files', () => {
  const nodeBin = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.bin');
  const isolated = spawnSync('unshare', ['-rn', 'true'], { stdio: 'ignore' }).status === 0;
  const client = (name, home, args) => {
    const exe = join(nodeBin, name);
    const [cmd, argv] = isolated ? ['unshare', ['-rn', exe, ...args]] : [exe, args];
    const r = spawnSync(cmd, argv, { env: { ...childEnv({ HOME: home, XDG_CONFIG_HOME: undefined }), NO_COLOR: '1' }, encoding: 'utf8', timeout: 90_000 });
    return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
  };
  const cases = [
    { id: 'claude-code', title: 'Claude Code', exe: 'claude', file: ['.claude.json'], read: ['mcp', 'get', 'e2e-args'], refused: /No MCP server named "e2e-args"/ },
    { id: 'gemini', title: 'Gemini CLI', exe: 'gemini', file: ['.gemini', 'settings.json'], read: ['mcp', 'list'], refused: /Expected string, received number/ },
  ];
  for (const c of cases) {
    it(`${c.title}: refused, and the file left as it is`, async (t) => {
      if (!existsSync(join(nodeBin, c.exe))) { t.skip(`${c.exe} is not installed: run npm ci in e2e/`); return; }
      const home = tempDir('home');
      const env = childEnv({ HOME: home, XDG_CONFIG_HOME: undefined, RESTMCP_CONFIG_DIR: tempDir('config') });
      const file = join(home, ...c.file);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `{"mcpServers": {"e2e-args": {"command": ${JSON.stringify(bin())}, "args": ["serve", "--profile", "e2e-args", "--max-results", 30]}}}\n`);
      assert.match(client(c.exe, home, c.read).out, c.refused, `${c.title} does not take the entry as it is`);
      const before = readFileSync(file, 'utf8'); // Claude Code keeps its own state in the file

      const inst = await run(['install', c.id, '--profile', 'e2e-args'], { env });
      assert.equal(inst.code, 1, inst.stdout);
      assert.match(inst.stderr, new RegExp(`the args of e2e-args hold 30, but ${c.title} takes strings there \\(nothing was written\\): quote it or remove it`));
      assert.equal(readFileSync(file, 'utf8'), before, 'nothing written');
    });
  }
});
