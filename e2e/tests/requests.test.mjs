// What a tool call sends, through the TypeScript SDK on the built binary,
// against an HTTP API the test runs that answers with what it received: a
// body property named "" goes as that property, every cookie of a request
// (a Cookie header parameter, cookie parameters, the key in a cookie) goes
// in one Cookie header, and a tuple (prefixItems) is checked position by
// position.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { childEnv, connect, run, tempDir, text } from '../lib/harness.mjs';

const KEY = 'sk-e2e-requests-5b9e04c2d1';

describe('what a tool call sends', () => {
  let dir;
  let upstream;
  let spec;
  before(async () => {
    dir = tempDir('requests');
    upstream = createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        // The key is never echoed: it is said to be there.
        const cookie = (req.headers.cookie ?? '').replace(`sid=${KEY}`, 'sid=<key>');
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ cookies: [req.headers.cookie].flat().length, cookie, body: body ? JSON.parse(body) : null }));
      });
    });
    await new Promise((r) => upstream.listen(0, '127.0.0.1', r));
    spec = join(dir, 'requests.json');
    const json = (schema) => ({ required: true, content: { 'application/json': { schema } } });
    const ok = { 200: { description: 'ok' } };
    writeFileSync(spec, JSON.stringify({
      openapi: '3.1.0',
      info: { title: 'Requests API', version: '1' },
      servers: [{ url: `http://127.0.0.1:${upstream.address().port}` }],
      security: [{ c: [] }],
      components: { securitySchemes: { c: { type: 'apiKey', in: 'cookie', name: 'sid' } } },
      paths: {
        '/labels': { post: { operationId: 'createLabel', responses: ok, requestBody: json({
          type: 'object', required: ['name'], properties: { '': { type: 'string' }, name: { type: 'string' } } }) } },
        '/prefs': { get: { operationId: 'getPrefs', responses: ok, parameters: [
          { name: 'Cookie', in: 'header', schema: { type: 'string' } },
          { name: 'theme', in: 'cookie', schema: { type: 'string' } },
        ] } },
        '/marks': { post: { operationId: 'createMark', responses: ok, requestBody: json({
          type: 'object', properties: { point: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], items: false } } }) } },
      },
    }));
  });
  after(() => upstream?.close());

  it('sends a body property named "", every cookie, and each position of a tuple as described', async () => {
    const env = childEnv({ RESTMCP_CONFIG_DIR: join(dir, 'config') });
    const login = await run(['login', '--profile', 'e2e-requests', '--spec', spec, '--with-key', '--no-check', '--layout', 'operations'], { env, input: `${KEY}\n` });
    assert.equal(login.code, 0, login.stderr);
    const s = await connect(['serve', '--profile', 'e2e-requests'], { env });
    try {
      const tools = new Map((await s.client.listTools()).tools.map((t) => [t.name, t]));
      const call = async (name, args) => {
        const res = await s.client.callTool({ name, arguments: args });
        assert.ok(!text(res).includes(KEY));
        return res;
      };
      const sent = async (name, args) => {
        const res = await call(name, args);
        assert.ok(!res.isError, text(res));
        return JSON.parse(text(res));
      };

      // The property "" is the argument param, sent as "" beside name.
      assert.deepEqual(Object.keys(tools.get('create_label').inputSchema.properties).sort(), ['name', 'param']);
      assert.deepEqual((await sent('create_label', { name: 'bug', param: 'x' })).body, { '': 'x', name: 'bug' });

      // One Cookie header: the header parameter's, the cookie parameter, the key.
      const prefs = await sent('get_prefs', { Cookie: 'csrftoken=c1', theme: 'dark' });
      assert.equal(prefs.cookie, 'csrftoken=c1; theme=dark; sid=<key>');
      assert.equal(prefs.cookies, 1);

      // A tuple: each position checked against its own schema.
      const point = tools.get('create_mark').inputSchema.properties.point;
      assert.ok(!('prefixItems' in point), 'prefixItems is not listed');
      assert.match(point.description ?? '', /items in this order: string, integer/);
      assert.deepEqual((await sent('create_mark', { point: ['a', 1] })).body, { point: ['a', 1] });
      const refused = await call('create_mark', { point: [1, 'a'] });
      assert.ok(refused.isError, text(refused));
      assert.match(text(refused), /argument "point\[0\]"/);
    } finally {
      await s.close();
    }
  });
});
