// The compiled description cache seen from an MCP client: a URL description
// is served from the cache and fetched again in the background; when it
// changed, the client receives notifications/tools/list_changed and the new
// tools; cached and uncached starts list the same tools; a description
// that moved sends calls to the servers of its new place.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

import { apiKey, apiURL, bin, childEnv, connect, run, specFile, stderrLog, tempDir } from '../lib/harness.mjs';

/**
 * connect, with a handler of notifications/tools/list_changed set before
 * the client connects (as an editor does). Resolves to { client, changes, close }.
 */
async function connectWatching(args, env) {
  const transport = new StdioClientTransport({ command: bin(), args, env, stderr: 'pipe' });
  let stderr = '';
  transport.stderr.on('data', (c) => { stderr += c; });
  const client = new Client({ name: 'restmcp-e2e', version: '1.0.0' });
  const changes = [];
  let notify = () => {};
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => { changes.push(Date.now()); notify(); });
  await client.connect(transport);
  return {
    client,
    changes,
    changed: (ms) => new Promise((resolve) => {
      if (changes.length > 0) { resolve(true); return; }
      const timer = setTimeout(() => resolve(false), ms);
      notify = () => { clearTimeout(timer); resolve(true); };
    }),
    async close() { await client.close(); stderrLog.push(stderr); },
  };
}

/** Serves the example description with an ETag; version 2 renames a summary. */
function descriptionServer() {
  const original = readFileSync(specFile(), 'utf8');
  const state = { version: 1, requests: [] };
  const server = createServer((req, res) => {
    const etag = `"v${state.version}"`;
    state.requests.push({ ifNoneMatch: req.headers['if-none-match'] ?? null, status: 0 });
    const seen = state.requests[state.requests.length - 1];
    if (req.headers['if-none-match'] === etag) {
      seen.status = 304;
      res.writeHead(304).end();
      return;
    }
    const body = state.version === 1 ? original
      : original.replace('summary: List projects', 'summary: List the projects, newest first');
    seen.status = 200;
    res.writeHead(200, { 'Content-Type': 'application/vnd.oai.openapi', ETag: etag }).end(body);
  });
  return { server, state };
}

describe('compiled description cache', () => {
  let desc;
  let specURL;
  before(async () => {
    desc = descriptionServer();
    await new Promise((resolve) => desc.server.listen(0, '127.0.0.1', resolve));
    specURL = `http://127.0.0.1:${desc.server.address().port}/openapi.yaml`;
  });
  after(() => desc.server.close());

  const args = (...extra) => ['serve', '--spec', specURL, '--base-url', apiURL(), '--auth-scheme', 'Api-Key', ...extra];

  it('serves a changed URL description after telling the client', async () => {
    const config = tempDir('cache');
    const env = childEnv({ RESTMCP_CONFIG_DIR: config });

    // First start: fetched, compiled, written to the cache.
    const first = await connect(args(), { env });
    const before = await first.client.listTools();
    await first.close();
    assert.ok(readdirSync(join(config, 'cache')).some((f) => f.endsWith('.tools')), 'an entry is written');

    // Unchanged: answered 304, the same tools, no notification.
    desc.state.requests.length = 0;
    const same = await connectWatching(args(), env);
    const sameTools = await same.client.listTools();
    assert.equal(await same.changed(500), false, 'no notifications/tools/list_changed');
    await same.close();
    assert.deepEqual(sameTools, before);
    assert.deepEqual(desc.state.requests.map((r) => [r.ifNoneMatch, r.status]), [['"v1"', 304]]);

    // Changed: the client is told, and lists the new tools.
    desc.state.version = 2;
    const changed = await connectWatching(args(), env);
    assert.equal(await changed.changed(10_000), true, 'notifications/tools/list_changed received');
    const after = await changed.client.listTools();
    await changed.close();
    const listProjects = after.tools.find((t) => t.name === 'list_projects');
    assert.match(listProjects.description, /newest first/);
    assert.notDeepEqual(after, before);
  });

  it('sends calls to the servers of the place a description moved to', async () => {
    // The operation's server is relative to where the description is read;
    // the description's own server is absolute, and the bytes never change.
    const state = { moved: false, calls: [] };
    const moving = createServer((req, res) => {
      if (req.url === '/a/openapi.yaml' && state.moved) {
        res.writeHead(302, { Location: '/b/openapi.yaml' }).end();
      } else if (req.url.endsWith('/openapi.yaml')) {
        res.writeHead(200, { 'Content-Type': 'application/yaml' }).end(movingSpec);
      } else {
        state.calls.push(req.url);
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
      }
    });
    await new Promise((resolve) => moving.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${moving.address().port}`;
    const movingSpec = [
      'openapi: 3.0.3',
      'info: {title: Moving, version: "1"}',
      `servers: [{url: "${origin}/api"}]`,
      'paths:',
      '  /ping:',
      '    get:',
      '      operationId: ping',
      '      servers: [{url: v2}]',
      '      responses: {"200": {description: ok}}',
      '',
    ].join('\n');
    const env = childEnv({ RESTMCP_CONFIG_DIR: tempDir('cache'), RESTMCP_API_KEY: 'sk-e2e-moving-71c2' });
    const serveArgs = ['serve', '--spec', `${origin}/a/openapi.yaml`];
    const ping = async () => {
      const s = await connect(serveArgs, { env });
      try {
        const res = await s.client.callTool({ name: 'ping', arguments: {} });
        assert.ok(!res.isError, JSON.stringify(res));
      } finally {
        await s.close();
      }
      return state.calls[state.calls.length - 1];
    };
    try {
      assert.equal(await ping(), '/a/v2/ping');
      state.moved = true;
      // Read again from its new place in the background of this start.
      const s = await connect(serveArgs, { env });
      await s.client.listTools();
      await s.close();
      assert.equal(await ping(), '/b/v2/ping', 'the next start calls the new place');
    } finally {
      moving.close();
    }
  });

  it('lists the same tools with and without the cache', async () => {
    const env = childEnv({ RESTMCP_CONFIG_DIR: tempDir('cache') });
    const lists = [];
    for (const extra of [[], [], ['--no-cache']]) {
      const c = await connect(['serve', '--spec', specFile(), '--base-url', apiURL(), '--auth-scheme', 'Api-Key', ...extra], { env });
      lists.push(await c.client.listTools());
      await c.close();
    }
    assert.deepEqual(lists[1], lists[0], 'cached = first start');
    assert.deepEqual(lists[2], lists[0], '--no-cache = cached');
  });

  it('login checks the key with the copy saved earlier when the description URL gives no answer', async () => {
    const body = readFileSync(specFile(), 'utf8');
    const docs = createServer((req, res) => res.writeHead(200, { 'Content-Type': 'application/vnd.oai.openapi' }).end(body));
    await new Promise((resolve) => docs.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${docs.address().port}/openapi.yaml`;
    const env = childEnv({ RESTMCP_CONFIG_DIR: tempDir('cache') });
    const profile = 'e2e-cache-offline';
    const login = ['login', '--profile', profile, '--with-key'];
    try {
      let r = await run([...login, '--spec', url, '--base-url', apiURL(), '--auth-scheme', 'Api-Key'], { env, input: `${apiKey()}\n` });
      assert.equal(r.code, 0, r.stderr);
      const s = await connect(['serve', '--profile', profile], { env }); // saves the description
      await s.close();
      await new Promise((resolve) => docs.close(resolve));
      r = await run(login, { env, input: `${apiKey()}\n` });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /using the copy of the API description saved earlier/);
      assert.match(r.stderr, /The API accepted the key \(GET \S+\/api\/\S+: 200\)/);
    } finally {
      docs.close();
      await run(['logout', '--profile', profile, '--all'], { env });
    }
  });
});
