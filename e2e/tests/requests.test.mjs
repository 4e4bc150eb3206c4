// What a tool call sends, through the TypeScript SDK on the built binary,
// against an HTTP API the test runs that answers with what it received: a
// body property named "" goes as that property, every cookie of a request
// (a Cookie header parameter, cookie parameters, the key in a cookie) goes
// in one Cookie header, each cookie once (the key's and a cookie
// parameter's value in place of one the Cookie header argument holds), a
// header the path and the operation declare in two letter cases is one
// argument, a public operation takes a parameter of the key's name, an
// optional file goes as a file, a multipart field takes its encoding's
// style, and a tuple (prefixItems) is checked position by position.
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
        const json = (req.headers['content-type'] ?? '').includes('json');
        res.end(JSON.stringify({ cookies: [req.headers.cookie].flat().length, cookie, body: body && json ? JSON.parse(body) : body || null,
          requestId: req.headers['x-request-id'] ?? null }));
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
        '/trace': {
          parameters: [{ name: 'X-Request-Id', in: 'header', required: true, schema: { type: 'string' } }],
          get: { operationId: 'getTrace', responses: ok, parameters: [{ name: 'x-request-id', in: 'header', schema: { type: 'string' } }] },
        },
        '/verify': { get: { operationId: 'verifySession', security: [], responses: ok, parameters: [
          { name: 'sid', in: 'cookie', required: true, schema: { type: 'string' } },
        ] } },
        '/notes': { post: { operationId: 'attachNote', responses: ok, requestBody: { required: true, content: { 'multipart/form-data': {
          schema: { type: 'object', properties: { note: { anyOf: [{ type: 'string', format: 'binary' }, { type: 'null' }] },
            link: { type: 'object', properties: { create: { type: 'boolean' } } } } },
          encoding: { link: { style: 'deepObject', explode: true } } } } } } },
        '/marks': { post: { operationId: 'createMark', responses: ok, requestBody: json({
          type: 'object', properties: { point: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], items: false } } }) } },
      },
    }));
  });
  after(() => upstream?.close());

  it('sends a body property named "", every cookie once, one argument per header, a public operation\'s key-named cookie, an optional file as a file, a multipart field by its style, and each position of a tuple as described', async () => {
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
      // Each cookie once: the key in place of a sid the argument holds, the
      // cookie parameter's theme in place of the argument's.
      const once = await sent('get_prefs', { Cookie: 'sid=guess; csrftoken=c1; theme=light', theme: 'dark' });
      assert.equal(once.cookie, 'csrftoken=c1; theme=dark; sid=<key>');

      // X-Request-Id (the path's, required) and x-request-id (the
      // operation's, optional) are one header: one optional argument.
      const trace = tools.get('get_trace').inputSchema;
      assert.deepEqual(Object.keys(trace.properties).filter((k) => k.toLowerCase() === 'x-request-id'), ['x-request-id']);
      assert.ok(!(trace.required ?? []).length, JSON.stringify(trace.required));
      assert.equal((await sent('get_trace', {})).requestId, null);
      assert.equal((await sent('get_trace', { 'x-request-id': 'r-1' })).requestId, 'r-1');

      // A public operation goes without the key: its sid cookie is the model's to give.
      const verify = tools.get('verify_session').inputSchema;
      assert.deepEqual(verify.required, ['sid']);
      assert.equal((await sent('verify_session', { sid: 'other' })).cookie, 'sid=other');

      // An optional file (FastAPI's `UploadFile | None`: anyOf binary or
      // null) goes as a file part holding the data: URI's bytes.
      // A field whose encoding names a style (deepObject) goes as the
      // parts it makes, not as one JSON part.
      const note = (await sent('attach_note', { note: `data:text/plain;name=notes.txt;base64,${Buffer.from('hi').toString('base64')}`, link: { create: true } })).body;
      assert.match(note, /Content-Disposition: form-data; name="note"; filename="notes.txt"\r\nContent-Type: text\/plain\r\n\r\nhi\r\n/);
      assert.match(note, /Content-Disposition: form-data; name="link\[create\]"\r\n\r\ntrue\r\n/);

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
