// README's first command: scripts/demo.sh, run as CI runs it (no terminal,
// no stdin), ends with successful tool calls printed and leaves nothing
// running. Inside e2e/run.sh a Secret Service is on the session bus, so the
// demo takes the "desktop keyring" path.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function runDemo() {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, CI: 'true', NO_COLOR: '1' };
    for (const k of Object.keys(env)) if (k.startsWith('RESTMCP_') || k.startsWith('E2E_')) delete env[k];
    const p = spawn('bash', [join(root, 'scripts', 'demo.sh')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (c) => { out += c; });
    p.stderr.on('data', (c) => { out += c; });
    const timer = setTimeout(() => { p.kill('SIGTERM'); reject(new Error(`demo.sh did not finish in 240 s:\n${out}`)); }, 240_000);
    p.on('exit', (code) => { clearTimeout(timer); resolve({ code, out }); });
  });
}

describe('scripts/demo.sh', () => {
  it('logs in, lists tools, calls them through an MCP client and restmcp call, prints editor entries', { timeout: 250_000 }, async () => {
    const { code, out } = await runDemo();
    assert.equal(code, 0, out);
    assert.match(out, /Stored the key|the key is in/, 'logged in with the keyring');
    assert.match(out, /19 tools/);
    assert.match(out, /"title": "Write the onboarding guide"/, 'the MCP client call printed its result');
    assert.match(out, /"title":"Fix the broken signup link".*"status":"done"/, 'restmcp call printed its result');
    assert.match(out, /"mcpServers"/);
    assert.match(out, /"args": \["serve", "--profile", "demo"\]/);
    assert.match(out, /the API is stopped/);
    assert.doesNotMatch(out, /\b[A-Za-z0-9]{8}\.[A-Za-z0-9]{32}\b/, 'an API key was printed');
    const port = /up on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1];
    assert.ok(port, 'the demo said where the API ran');
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`), 'the demo stopped its API');
  });
});
