// The real MCP clients read what `restmcp install` writes: Claude Code,
// Gemini CLI and Codex (their command-line programs, pinned in
// package-lock.json) and the MCP Inspector CLI. Each runs in a throwaway
// $HOME, with no account, and — where `unshare` can make a network
// namespace — with no network at all: the servers are started over stdio
// and load the committed description, so nothing needs one. Each client's
// own listing command must show the server, and the clients that start it
// to check (Claude Code, Gemini CLI) must report it connected. Both also
// connect to a running `serve --http` through a remote entry.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { api, apiKey, apiURL, bin, childEnv, exampleFlags, run, specFile, tempDir } from '../lib/harness.mjs';

const nodeBin = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.bin');

// A client program slow to start on a loaded machine still answers well
// within this.
const CLIENT_TIMEOUT_MS = 90_000;

/** Whether `unshare -rn` can run a command without any network. */
function probeIsolation() {
  const r = spawnSync('unshare', ['-rn', 'true'], { stdio: 'ignore' });
  return r.status === 0 ? null : `unshare -rn is not available here (${r.error?.code ?? `exit ${r.status}`})`;
}
let isolation;

/**
 * Runs a client program: in a new network namespace (only a loopback
 * interface, down) when possible. Resolves to { code, stdout, stderr }.
 */
function client(t, name, args, { env, cwd, network = false }) {
  const prog = join(nodeBin, name);
  const [cmd, argv] = isolation === null && !network ? ['unshare', ['-rn', prog, ...args]] : [prog, args];
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, argv, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c) => { stdout += c; });
    p.stderr.on('data', (c) => { stderr += c; });
    const timer = setTimeout(() => { p.kill('SIGKILL'); reject(new Error(`${name} ${args.join(' ')}: no exit within ${CLIENT_TIMEOUT_MS} ms\n${stdout}\n${stderr}`)); }, CLIENT_TIMEOUT_MS);
    p.on('error', (e) => { clearTimeout(timer); reject(e); });
    p.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

/**
 * Skips the test, saying why, unless the client program is installed and
 * starts here; returns true when it may run.
 */
function ready(t, name, versionArgs, env) {
  const prog = join(nodeBin, name);
  if (!existsSync(prog)) {
    t.skip(`${name} is not installed: run npm ci in e2e/`);
    return false;
  }
  const r = spawnSync(prog, versionArgs, { env, encoding: 'utf8', timeout: CLIENT_TIMEOUT_MS });
  if (r.status !== 0) {
    t.skip(`${name} ${versionArgs.join(' ')} does not run here (Node ${process.version}): ${(r.error?.message ?? r.stderr ?? '').trim().split('\n').slice(-3).join(' ')}`);
    return false;
  }
  if (isolation !== null) t.diagnostic(`${name} runs with the network: ${isolation}`);
  return true;
}

/**
 * A throwaway $HOME with a project directory, a saved profile for the
 * example API (its committed description, the key in the keyring) and the
 * environment a client is started with: that HOME, restmcp on PATH (a
 * project file runs it by name), no update checks or telemetry.
 */
async function setup(profileName) {
  const home = tempDir('home');
  const project = join(home, 'project');
  mkdirSync(project);
  const env = {
    ...childEnv({ HOME: home, XDG_CONFIG_HOME: undefined }),
    PATH: [dirname(bin()), nodeBin, process.env.PATH].join(':'),
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    GEMINI_CLI_NO_RELAUNCH: 'true',
    NO_COLOR: '1',
  };
  const login = await run(['login', '--profile', profileName, '--spec', specFile(), '--base-url', apiURL(), '--auth-scheme', 'Api-Key', '--with-key'],
    { env, input: `${apiKey()}\n` });
  assert.equal(login.code, 0, login.stderr);
  const install = async (...args) => {
    const r = await run(['install', ...args, '--profile', profileName], { env });
    assert.equal(r.code, 0, r.stderr);
    return r;
  };
  return { home, project, env, install };
}

// run() starts restmcp in this process's directory; --project needs the
// project's.
function runIn(dir, args, env) {
  const r = spawnSync(bin(), args, { cwd: dir, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Starts `restmcp serve --http` for the example API on a free loopback
 * port, stopped after the test; resolves to its MCP URL once ready.
 */
async function serveHTTP(t) {
  const port = await new Promise((resolve) => {
    const l = createServer().listen(0, '127.0.0.1', () => { const { port: p } = l.address(); l.close(() => resolve(p)); });
  });
  const srv = spawn(bin(), ['serve', '--http', `127.0.0.1:${port}`, ...exampleFlags()],
    { env: childEnv({ RESTMCP_CONFIG_DIR: tempDir('remote-entry') }), stdio: ['ignore', 'ignore', 'pipe'] });
  t.after(() => srv.kill());
  let up = false;
  for (let i = 0; i < 150 && !up; i++) {
    up = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
    if (!up) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(up, 'serve --http became ready');
  return `http://127.0.0.1:${port}/mcp`;
}

describe('real MCP clients read what install writes', () => {
  before(() => { isolation = probeIsolation(); });

  it('Claude Code: claude mcp list shows the user and project servers connected', async (t) => {
    const { home, project, env, install } = await setup('e2e-claude');
    if (!ready(t, 'claude', ['--version'], env)) return;

    const inst = await install('claude-code');
    assert.match(inst.stdout, /claude mcp list/);
    let r = await client(t, 'claude', ['mcp', 'list'], { env, cwd: project });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^e2e-claude: ${bin()} serve --profile e2e-claude - .*Connected`, 'm'), r.stdout);

    // The project's .mcp.json runs restmcp by name; Claude Code waits for
    // the user's approval, as install says, then starts it from PATH.
    const proj = runIn(project, ['install', 'claude-code', '--project', '--profile', 'e2e-claude', '--name', 'team'], env);
    assert.equal(proj.code, 0, proj.stderr);
    assert.match(proj.stdout, /approve "team"/);
    assert.equal(JSON.parse(readFileSync(join(project, '.mcp.json'), 'utf8')).mcpServers.team.command, 'restmcp');
    r = await client(t, 'claude', ['mcp', 'list'], { env, cwd: project });
    assert.match(r.stdout, /^team: restmcp serve --profile e2e-claude - .*Pending approval/m, r.stdout);
    // What approving it in claude records.
    const state = JSON.parse(readFileSync(join(home, '.claude.json'), 'utf8'));
    state.projects = { ...state.projects, [project]: { ...state.projects?.[project], hasTrustDialogAccepted: true, enabledMcpjsonServers: ['team'] } };
    writeFileSync(join(home, '.claude.json'), JSON.stringify(state, null, 2));
    r = await client(t, 'claude', ['mcp', 'list'], { env, cwd: project });
    assert.match(r.stdout, /^team: restmcp serve --profile e2e-claude - .*Connected/m, r.stdout);

    // uninstall takes the user's entry out again.
    const un = await run(['uninstall', 'claude-code', '--profile', 'e2e-claude'], { env });
    assert.equal(un.code, 0, un.stderr);
    r = await client(t, 'claude', ['mcp', 'list'], { env, cwd: home });
    assert.doesNotMatch(r.stdout, /e2e-claude:/, r.stdout);
  });

  it('Claude Code: install writes the older ~/.claude/.config.json that claude still reads when it exists', async (t) => {
    const { home, project, env, install } = await setup('e2e-claude-legacy');
    if (!ready(t, 'claude', ['--version'], env)) return;
    // A settings file from an older Claude Code, which it prefers to
    // ~/.claude.json while it exists.
    const legacy = join(home, '.claude', '.config.json');
    mkdirSync(dirname(legacy), { recursive: true });
    writeFileSync(legacy, JSON.stringify({ numStartups: 1 }, null, 2));

    const inst = await install('claude-code');
    assert.ok(inst.stdout.includes(`reads its servers from ${legacy}`), inst.stdout);
    assert.equal(JSON.parse(readFileSync(legacy, 'utf8')).mcpServers['e2e-claude-legacy'].command, bin());
    assert.ok(!existsSync(join(home, '.claude.json')), 'no ~/.claude.json written');
    const r = await client(t, 'claude', ['mcp', 'list'], { env, cwd: project });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^e2e-claude-legacy: ${bin()} serve --profile e2e-claude-legacy - .*Connected`, 'm'), r.stdout);
  });

  it('Gemini CLI: gemini mcp list shows the server connected in a trusted folder', async (t) => {
    const { home, project, env, install } = await setup('e2e-gemini');
    if (!ready(t, 'gemini', ['--version'], env)) return;

    const inst = await install('gemini');
    assert.match(inst.stdout, /untrusted folder/);
    // Trusting the folder, as gemini's prompt or /permissions does.
    writeFileSync(join(home, '.gemini', 'trustedFolders.json'), JSON.stringify({ [project]: 'TRUST_FOLDER' }));
    const r = await client(t, 'gemini', ['mcp', 'list'], { env, cwd: project });
    assert.equal(r.code, 0, r.stderr);
    // gemini writes the list to stderr.
    assert.match(r.stdout + r.stderr, new RegExp(`e2e-gemini: ${bin()} serve --profile e2e-gemini \\(stdio\\) - Connected`), r.stdout + r.stderr);
  });

  it('Gemini CLI: with GEMINI_CLI_HOME set, install writes the settings gemini reads there', async (t) => {
    const { home, project, env: base } = await setup('e2e-gemini-home');
    const geminiHome = join(home, 'gemini-home');
    mkdirSync(join(geminiHome, '.gemini'), { recursive: true });
    const env = { ...base, GEMINI_CLI_HOME: geminiHome };
    if (!ready(t, 'gemini', ['--version'], env)) return;

    const inst = await run(['install', 'gemini', '--profile', 'e2e-gemini-home'], { env });
    assert.equal(inst.code, 0, inst.stderr);
    const file = join(geminiHome, '.gemini', 'settings.json');
    assert.ok(inst.stdout.includes(file), inst.stdout);
    assert.ok(!existsSync(join(home, '.gemini', 'settings.json')), 'nothing written to ~/.gemini');
    writeFileSync(join(geminiHome, '.gemini', 'trustedFolders.json'), JSON.stringify({ [project]: 'TRUST_FOLDER' }));
    const r = await client(t, 'gemini', ['mcp', 'list'], { env, cwd: project });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout + r.stderr, new RegExp(`e2e-gemini-home: ${bin()} serve --profile e2e-gemini-home \\(stdio\\) - Connected`), r.stdout + r.stderr);
  });

  it('Codex: codex mcp list shows the user and trusted-project servers, and keeps startup_timeout_sec and a note', async (t) => {
    const { home, project, env, install } = await setup('e2e-codex');
    if (!ready(t, 'codex', ['--version'], env)) return;
    const list = async () => {
      const r = await client(t, 'codex', ['mcp', 'list', '--json'], { env, cwd: project });
      assert.equal(r.code, 0, r.stderr);
      return new Map(JSON.parse(r.stdout).map((s) => [s.name, s]));
    };

    await install('codex');
    const config = join(home, '.codex', 'config.toml');
    // The user's own settings and a note in the entry, and this project
    // trusted.
    writeFileSync(config, readFileSync(config, 'utf8').replace(/^(command = .*)$/m, '$1 # where restmcp is')
      .replace(/^(args = .*\n)/m, '$1startup_timeout_sec = 45\n') +
      `\n[projects.${JSON.stringify(project)}]\ntrust_level = "trusted"\n`);
    const proj = runIn(project, ['install', 'codex', '--project', '--profile', 'e2e-codex', '--name', 'team'], env);
    assert.equal(proj.code, 0, proj.stderr);
    assert.match(proj.stdout, /only in a trusted project/);

    let servers = await list();
    assert.deepEqual(servers.get('e2e-codex')?.transport, { type: 'stdio', command: bin(), args: ['serve', '--profile', 'e2e-codex'], env: null, env_vars: [], cwd: null });
    assert.equal(servers.get('e2e-codex').startup_timeout_sec, 45);
    assert.equal(servers.get('team')?.transport.command, 'restmcp');
    assert.equal(servers.get('team').enabled, true);

    // The binary moves: the command is updated, the setting stays.
    const moved = join(tempDir('moved'), 'restmcp');
    symlinkSync(bin(), moved);
    const upd = await run(['install', 'codex', '--profile', 'e2e-codex', '--command', moved], { env });
    assert.equal(upd.code, 0, upd.stderr);
    assert.match(upd.stdout, new RegExp(`The command changed from ${bin()} to ${moved}\\.`));
    servers = await list();
    assert.equal(servers.get('e2e-codex').transport.command, moved);
    assert.equal(servers.get('e2e-codex').startup_timeout_sec, 45);
    // The note after the command stays on its line, after the new value.
    assert.ok(readFileSync(config, 'utf8').includes(`command = ${JSON.stringify(moved)} # where restmcp is\n`), readFileSync(config, 'utf8'));
  });

  it('MCP Inspector CLI: tools/list and tools/call through the installed entry', async (t) => {
    const { home, env, install } = await setup('e2e-inspector');
    if (!ready(t, 'mcp-inspector', ['--cli', '--help'], env)) return;

    await install('cursor');
    const config = join(home, '.cursor', 'mcp.json');
    // The Inspector starts servers with a minimal environment, without the
    // session bus the keyring is reached through: the user adds it to the
    // entry, and installing again keeps it.
    const doc = JSON.parse(readFileSync(config, 'utf8'));
    doc.mcpServers['e2e-inspector'].env = { DBUS_SESSION_BUS_ADDRESS: env.DBUS_SESSION_BUS_ADDRESS };
    writeFileSync(config, JSON.stringify(doc, null, 2));
    const again = await install('cursor');
    assert.match(again.stdout, /nothing changed/);
    assert.deepEqual(JSON.parse(readFileSync(config, 'utf8')), doc);
    const inspect = (args, opts = {}) => client(t, 'mcp-inspector', ['--cli', '--config', config, '--server', 'e2e-inspector', ...args], { env, cwd: home, ...opts });
    let r = await inspect(['--method', 'tools/list']);
    assert.equal(r.code, 0, r.stderr);
    const names = JSON.parse(r.stdout).tools.map((x) => x.name);
    assert.equal(names.length, 19);
    assert.ok(names.includes('retrieve_project'), names.join(', '));
    // The call goes to the example API on 127.0.0.1, outside the namespace.
    r = await inspect(['--method', 'tools/call', '--tool-name', 'list_projects'], { network: true });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const result = JSON.parse(r.stdout);
    assert.notEqual(result.isError, true, r.stdout);
    assert.deepEqual(JSON.parse(result.content[0].text), (await api('/api/projects/')).body);
  });

  it('Claude Code: a remote entry (install --url --header) connects to serve --http, the key read from the environment', async (t) => {
    const { home, env } = await setup('e2e-remote-entry');
    if (!ready(t, 'claude', ['--version'], env)) return;
    const url = await serveHTTP(t);
    const inst = await run(['install', 'claude-code', '--name', 'shared', '--url', url, '--header', 'Authorization'], { env });
    assert.equal(inst.code, 0, inst.stderr);
    assert.match(inst.stderr, /RESTMCP_HEADER_AUTHORIZATION/);
    const entry = JSON.parse(readFileSync(join(home, '.claude.json'), 'utf8')).mcpServers.shared;
    assert.deepEqual(entry, { type: 'http', url, headers: { Authorization: '${RESTMCP_HEADER_AUTHORIZATION}' } });
    assert.ok(!JSON.stringify(entry).includes(apiKey()), 'no key in the file');
    // The server is on 127.0.0.1, outside a network namespace.
    let r = await client(t, 'claude', ['mcp', 'list'], { env: { ...env, RESTMCP_HEADER_AUTHORIZATION: `Api-Key ${apiKey()}` }, cwd: home, network: true });
    assert.match(r.stdout, new RegExp(`^shared: ${url} \\(HTTP\\) - .*Connected`, 'm'), r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /Missing environment variables/, r.stdout);
    // Without the variable, Claude Code names it: the header is read from
    // its environment, not from the file.
    r = await client(t, 'claude', ['mcp', 'list'], { env, cwd: home, network: true });
    assert.match(r.stdout, /Missing environment variables: RESTMCP_HEADER_AUTHORIZATION/, r.stdout);
  });

  it('Gemini CLI: a remote entry (install --url --header) connects to serve --http, the key read from the environment', async (t) => {
    const { home, project, env } = await setup('e2e-gemini-remote');
    if (!ready(t, 'gemini', ['--version'], env)) return;
    const url = await serveHTTP(t);
    const inst = await run(['install', 'gemini', '--name', 'shared', '--url', url, '--header', 'Authorization'], { env });
    assert.equal(inst.code, 0, inst.stderr);
    assert.match(inst.stderr, /environment variable RESTMCP_HEADER_AUTHORIZATION/);
    const entry = JSON.parse(readFileSync(join(home, '.gemini', 'settings.json'), 'utf8')).mcpServers.shared;
    assert.deepEqual(entry, { httpUrl: url, headers: { Authorization: '${RESTMCP_HEADER_AUTHORIZATION}' } });
    assert.ok(!JSON.stringify(entry).includes(apiKey()), 'no key in the file');
    writeFileSync(join(home, '.gemini', 'trustedFolders.json'), JSON.stringify({ [project]: 'TRUST_FOLDER' }));
    const list = async (e) => {
      const r = await client(t, 'gemini', ['mcp', 'list'], { env: e, cwd: project, network: true });
      assert.equal(r.code, 0, r.stderr);
      return r.stdout + r.stderr; // gemini writes the list to stderr
    };
    let out = await list({ ...env, RESTMCP_HEADER_AUTHORIZATION: `Api-Key ${apiKey()}` });
    assert.match(out, new RegExp(`shared: ${url} \\(http\\) - Connected`), out);
    // Without the variable the server refuses the connection: the header
    // comes from the environment, not from the file.
    out = await list(env);
    assert.match(out, new RegExp(`shared: ${url} \\(http\\) - Disconnected`), out);
  });
});
