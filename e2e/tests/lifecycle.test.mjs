// How serve behaves as a process an editor owns: clean exits, a dead API,
// tool selection flags, and its log.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  api, apiKey, apiURL, bin, childEnv, connect, connectExample, json, specFile, tempDir, text,
} from '../lib/harness.mjs';

/**
 * Starts serve with a raw pipe, sends initialize, then ends it with how
 * ('EOF' closes stdin, else a signal). Resolves to { code, signal, stdout }.
 */
function serveAndEnd(how) {
  return new Promise((resolve, reject) => {
    const p = spawn(bin(), ['serve', '--spec', specFile(), '--base-url', 'http://127.0.0.1:9'],
      { env: childEnv({ RESTMCP_CONFIG_DIR: tempDir('config') }), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let ended = false;
    p.stdout.on('data', (c) => {
      stdout += c;
      if (!ended && stdout.includes('\n')) {
        ended = true;
        if (how === 'EOF') p.stdin.end();
        else p.kill(how);
      }
    });
    const timer = setTimeout(() => { p.kill('SIGKILL'); reject(new Error(`serve did not exit within 5 s after ${how}`)); }, 5000);
    p.on('exit', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout }); });
    p.stdin.write(`${JSON.stringify({
      jsonrpc: '2.0', id: 1, method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'e2e', version: '1' } },
    })}\n`);
  });
}

describe('serve as a process', () => {
  for (const how of ['EOF', 'SIGTERM', 'SIGINT']) {
    it(`answers initialize on stdout and exits 0 on ${how}`, async () => {
      const r = await serveAndEnd(how);
      assert.deepEqual([r.code, r.signal], [0, null]);
      const first = JSON.parse(r.stdout.split('\n')[0]);
      assert.equal(first.id, 1);
      assert.equal(first.result.serverInfo.name, 'restmcp');
      for (const line of r.stdout.split('\n').filter(Boolean)) {
        assert.doesNotThrow(() => JSON.parse(line), 'stdout carries only JSON-RPC messages');
      }
    });
  }

  it('answers a line that is not JSON-RPC with a parse error and keeps serving', async () => {
    const p = spawn(bin(), ['serve', '--spec', specFile(), '--base-url', 'http://127.0.0.1:9'],
      { env: childEnv({ RESTMCP_CONFIG_DIR: tempDir('config') }), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    p.stdout.on('data', (c) => { stdout += c; });
    const exited = new Promise((resolve) => p.on('exit', (code) => resolve(code)));
    p.stdin.write('this is not json\n');
    p.stdin.end(`${JSON.stringify({
      jsonrpc: '2.0', id: 7, method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'e2e', version: '1' } },
    })}\n`);
    assert.equal(await exited, 0);
    const [parseError, init] = stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(parseError.error.code, -32700);
    assert.equal(init.id, 7);
    assert.equal(init.result.serverInfo.name, 'restmcp');
  });

  it('answers a line over 16 MiB with an error carrying its id and keeps serving', async () => {
    const p = spawn(bin(), ['serve', '--spec', specFile(), '--base-url', 'http://127.0.0.1:9'],
      { env: childEnv({ RESTMCP_CONFIG_DIR: tempDir('config') }), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    p.stdout.on('data', (c) => { stdout += c; });
    const exited = new Promise((resolve) => p.on('exit', (code) => resolve(code)));
    p.stdin.write(`{"jsonrpc":"2.0","id":"big","method":"tools/call","params":{"name":"list_projects","arguments":{"search":"${'x'.repeat(17 << 20)}"}}}\n`);
    p.stdin.end(`${JSON.stringify({
      jsonrpc: '2.0', id: 8, method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'e2e', version: '1' } },
    })}\n`);
    assert.equal(await exited, 0);
    const [tooLong, init] = stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(tooLong.id, 'big');
    assert.equal(tooLong.error.code, -32600);
    assert.match(tooLong.error.message, /16 MiB/);
    assert.equal(init.id, 8);
    assert.equal(init.result.serverInfo.name, 'restmcp');
  });

  it('reports an API that does not answer as a tool error and keeps serving', async () => {
    const s = await connect(['serve', '--spec', specFile(), '--base-url', 'http://127.0.0.1:9', '--auth-scheme', 'Api-Key'],
      { env: childEnv({ RESTMCP_CONFIG_DIR: tempDir('config'), RESTMCP_API_KEY: apiKey() }) });
    try {
      const res = await s.client.callTool({ name: 'list_projects', arguments: {} });
      assert.equal(res.isError, true);
      assert.match(text(res), /127\.0\.0\.1:9|connect|refused|unreachable/i);
      assert.ok(!text(res).includes(apiKey()));
      const { tools } = await s.client.listTools();
      assert.equal(tools.length, 19, 'still serving');
    } finally {
      await s.close();
    }
  });

  it('--prefix and --read-only shape the tool list, and calls still work', async () => {
    const s = await connectExample({
      env: childEnv({ RESTMCP_CONFIG_DIR: tempDir('config'), RESTMCP_API_KEY: apiKey() }),
      extraArgs: ['--prefix', 'tracker', '--read-only'],
    });
    try {
      const { tools } = await s.client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), [
        'tracker_list_projects', 'tracker_list_tags', 'tracker_list_tasks',
        'tracker_retrieve_project', 'tracker_retrieve_tag', 'tracker_retrieve_task',
      ]);
      for (const t of tools) assert.equal(t.annotations?.readOnlyHint, true, t.name);
      const got = json(await s.client.callTool({ name: 'tracker_retrieve_task', arguments: { id: 3 } }));
      assert.deepEqual(got, (await api('/api/tasks/3/')).body);
    } finally {
      await s.close();
    }
  });

  it('--verbose logs each call on stderr, without the key', async () => {
    const key = apiKey();
    const s = await connectExample({
      env: childEnv({ RESTMCP_CONFIG_DIR: tempDir('config'), RESTMCP_API_KEY: key }),
      extraArgs: ['--verbose'],
    });
    try {
      json(await s.client.callTool({ name: 'list_tags', arguments: { search: 'ops' } }));
      await s.client.callTool({ name: 'retrieve_tag', arguments: { id: 424242 } });
    } finally {
      await s.close();
    }
    const log = s.stderr();
    assert.match(log, /list_tags/);
    assert.match(log, /retrieve_tag/);
    assert.match(log, /404/);
    assert.ok(!log.includes(key), 'the key appeared in the log');
    assert.ok(!log.includes(key.split('.')[1]), 'the secret part of the key appeared in the log');
    assert.ok(log.includes(apiURL().replace('http://', '')) || /\/api\/tags\//.test(log), 'the log names what was called');
  });

  it('cuts a long answer to --max-result-bytes, still JSON, with a note saying how to page', async () => {
    const s = await connectExample({
      env: childEnv({ RESTMCP_CONFIG_DIR: tempDir('config'), RESTMCP_API_KEY: apiKey() }),
      extraArgs: ['--max-result-bytes', '800'],
    });
    try {
      const res = await s.client.callTool({ name: 'list_tasks', arguments: { page_size: 12 } });
      assert.equal(res.isError ?? false, false);
      const [answer, ...rest] = res.content;
      assert.ok(Buffer.byteLength(answer.text) <= 800, `${Buffer.byteLength(answer.text)} bytes`);
      const cut = JSON.parse(answer.text);
      assert.equal(cut.count, 12);
      assert.ok(cut.results.length > 0 && cut.results.length < 12, `${cut.results.length} of 12 tasks kept`);
      const note = rest.map((c) => c.text).join('\n');
      assert.match(note, /truncated/);
      assert.match(note, /page/);
    } finally {
      await s.close();
    }
  });

  it('--audit-log records a start and an end line per call, without argument values or the key', async () => {
    const key = apiKey();
    const audit = join(tempDir('audit'), 'calls.jsonl');
    const s = await connectExample({
      env: childEnv({ RESTMCP_CONFIG_DIR: tempDir('config'), RESTMCP_API_KEY: key }),
      extraArgs: ['--audit-log', audit],
    });
    try {
      json(await s.client.callTool({ name: 'list_tasks', arguments: { search: 'onboarding' } }));
      await s.client.callTool({ name: 'retrieve_project', arguments: { id: 987654 } });
      await s.client.callTool({ name: 'list_tasks', arguments: { status: 'someday-maybe' } });
    } finally {
      await s.close();
    }
    const raw = readFileSync(audit, 'utf8');
    const all = raw.trim().split('\n').map((l) => JSON.parse(l));
    // A start line before each request, an end line after it, paired by call.
    assert.deepEqual(all.map((l) => [l.event, l.tool, l.outcome]), [
      ['start', 'list_tasks', undefined], ['end', 'list_tasks', 'ok'],
      ['start', 'retrieve_project', undefined], ['end', 'retrieve_project', 'http_error'],
      ['end', 'list_tasks', 'invalid_arguments'],
    ]);
    assert.equal(all[0].call, all[1].call);
    const lines = all.filter((l) => l.event === 'end');
    assert.equal(lines[1].status, 404);
    assert.equal(lines[0].path, '/api/tasks/');
    assert.equal(lines[1].path, '/api/projects/{id}/', 'the path template, not the ID');
    for (const secret of [key, 'onboarding', 'someday-maybe']) {
      assert.ok(!raw.includes(secret), `the audit log contains ${secret === key ? 'the key' : secret}`);
    }
  });
});
