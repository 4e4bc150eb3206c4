// Files and the parameters the key fills, through the TypeScript SDK on the
// built binary, against an HTTP API the test runs: a model sends a file's
// bytes as a data: URI (base64) to a multipart file field or a binary body;
// an optional upload (FastAPI's `UploadFile | None`) is listed as a file,
// and a multipart field whose encoding asks for JSON goes as JSON;
// a query parameter the description declares for the key is not asked of
// the model, and a cookie parameter is an argument.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { childEnv, connect, run, tempDir, text } from '../lib/harness.mjs';

const KEY = 'sk-e2e-files-8c1d0e55aa';
// Bytes no text encoding keeps: a PNG signature, a NUL, high bytes.
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x80]);
const sha = (b) => createHash('sha256').update(b).digest('hex');

/** The parts of a multipart/form-data body: name → { type, bytes }. */
function parts(body, contentType) {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)[2];
  const out = {};
  const sep = Buffer.from(`--${boundary}`);
  let at = body.indexOf(sep);
  while (at >= 0) {
    const next = body.indexOf(sep, at + sep.length);
    if (next < 0) break;
    const part = body.subarray(at + sep.length + 2, next - 2); // after CRLF, before CRLF
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, split).toString();
    const name = /name="([^"]+)"/.exec(head)[1];
    out[name] = {
      type: /content-type: *([^\r\n]+)/i.exec(head)?.[1] ?? '',
      filename: /filename="([^"]*)"/.exec(head)?.[1] ?? null,
      bytes: part.subarray(split + 4),
    };
    at = next;
  }
  return out;
}

describe('files and the parameters the key fills', () => {
  let dir;
  let upstream;
  let spec;
  before(async () => {
    dir = tempDir('files');
    upstream = createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const u = new URL(req.url, 'http://x');
        let answer;
        if (u.searchParams.get('api_key') !== KEY) {
          answer = { error: 'no key' };
        } else if (u.pathname === '/avatar') {
          const p = parts(body, req.headers['content-type']);
          answer = { file: p.file && { type: p.file.type, sha256: sha(p.file.bytes) }, caption: p.caption?.bytes.toString() ?? null };
        } else if (u.pathname === '/documents') {
          const p = parts(body, req.headers['content-type']);
          const field = (f) => f && { type: f.type, filename: f.filename, text: f.bytes.toString() };
          answer = { file: p.file && { type: p.file.type, filename: p.file.filename, sha256: sha(p.file.bytes) }, status: field(p.status), tags: field(p.tags) };
        } else if (u.pathname === '/v1/files') {
          const p = parts(body, req.headers['content-type']);
          answer = {
            file: p.file && { type: p.file.type, filename: p.file.filename, sha256: sha(p.file.bytes) },
            purpose: p.purpose?.bytes.toString() ?? null,
            name: p.name && { filename: p.name.filename, text: p.name.bytes.toString() },
          };
        } else if (u.pathname === '/v1/notes') {
          answer = { type: req.headers['content-type'], form: Object.fromEntries(new URLSearchParams(body.toString())) };
        } else if (u.pathname === '/blob') {
          answer = { type: req.headers['content-type'], sha256: sha(body) };
        } else {
          answer = { lang: /(?:^|; )lang=([^;]*)/.exec(req.headers.cookie ?? '')?.[1] ?? null };
        }
        res.writeHead(answer.error ? 401 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer));
      });
    });
    await new Promise((r) => upstream.listen(0, '127.0.0.1', r));
    spec = join(dir, 'files.json');
    const key = { name: 'api_key', in: 'query', required: true, schema: { type: 'string' }, description: 'Your API key.' };
    writeFileSync(spec, JSON.stringify({
      openapi: '3.0.3',
      info: { title: 'Files API', version: '1' },
      servers: [{ url: `http://127.0.0.1:${upstream.address().port}` }],
      security: [{ q: [] }],
      components: { securitySchemes: { q: { type: 'apiKey', in: 'query', name: 'api_key' } } },
      paths: {
        '/avatar': { post: { operationId: 'uploadAvatar', parameters: [key], requestBody: { required: true, content: { 'multipart/form-data': { schema: {
          type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' }, caption: { type: 'string' } } } } } },
        responses: { 200: { description: 'ok' } } } },
        '/blob': { put: { operationId: 'putBlob', parameters: [key], requestBody: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
          responses: { 200: { description: 'ok' } } } },
        '/prefs': { get: { operationId: 'getPrefs', parameters: [key, { name: 'lang', in: 'cookie', required: true, schema: { type: 'string' } }],
          responses: { 200: { description: 'ok' } } } },
      },
    }));
  });
  after(() => upstream?.close());

  it('lists an optional upload as a file and sends JSON-encoded fields as JSON', async () => {
    // FastAPI's optional upload (`UploadFile | None`) beside fields whose
    // encoding asks for JSON, in an OpenAPI 3.1 description.
    const docs = join(dir, 'documents.json');
    writeFileSync(docs, JSON.stringify({
      openapi: '3.1.0',
      info: { title: 'Documents API', version: '1' },
      servers: [{ url: `http://127.0.0.1:${upstream.address().port}` }],
      security: [{ q: [] }],
      components: { securitySchemes: { q: { type: 'apiKey', in: 'query', name: 'api_key' } } },
      paths: {
        '/documents': { post: { operationId: 'createDocument', requestBody: { content: { 'multipart/form-data': {
          schema: { type: 'object', properties: {
            file: { anyOf: [{ type: 'string', format: 'binary' }, { type: 'null' }], title: 'File' },
            status: { type: 'string' },
            tags: { type: 'array', items: { type: 'string' } },
          } },
          encoding: { status: { contentType: 'application/json' }, tags: { contentType: 'application/json' } },
        } } }, responses: { 200: { description: 'ok' } } } },
      },
    }));
    const env = childEnv({ RESTMCP_CONFIG_DIR: join(dir, 'config-docs') });
    const login = await run(['login', '--profile', 'e2e-docs', '--spec', docs, '--with-key', '--no-check', '--layout', 'operations'], { env, input: `${KEY}\n` });
    assert.equal(login.code, 0, login.stderr);
    const s = await connect(['serve', '--profile', 'e2e-docs'], { env });
    try {
      const tool = (await s.client.listTools()).tools.find((t) => t.name === 'create_document');
      const file = tool.inputSchema.properties.file;
      assert.match(file.description ?? '', /data: URI, base64; to name the file: data:text\/csv;name=report\.csv/,
        'the optional upload says how to send and name a file, as a required one does');
      assert.ok(!JSON.stringify(file.anyOf).includes('data: URI'), 'said once, on the field');

      const res = await s.client.callTool({ name: 'create_document', arguments: {
        file: `data:image/png;name=scan.png;base64,${PNG.toString('base64')}`, status: 'draft', tags: ['a', 'b'],
      } });
      assert.ok(!res.isError, text(res));
      assert.deepEqual(JSON.parse(text(res)), {
        file: { type: 'image/png', filename: 'scan.png', sha256: sha(PNG) },
        status: { type: 'application/json', filename: null, text: '"draft"' },
        tags: { type: 'application/json', filename: null, text: '["a","b"]' },
      });
    } finally {
      await s.close();
    }
  });

  it('sends a file to a field that names one though declared a plain string, and JSON-encoded form fields as JSON', async () => {
    // Stripe declares POST /v1/files' `file` as a plain string ("A file to
    // upload"); a field said of the file ("The name of the file to upload")
    // stays text; a form field whose encoding asks for JSON goes as JSON.
    const stripeLike = join(dir, 'stripe-like.json');
    writeFileSync(stripeLike, JSON.stringify({
      openapi: '3.0.0',
      info: { title: 'Stripe-like API', version: '1' },
      servers: [{ url: `http://127.0.0.1:${upstream.address().port}` }],
      security: [{ q: [] }],
      components: { securitySchemes: { q: { type: 'apiKey', in: 'query', name: 'api_key' } } },
      paths: {
        '/v1/files': { post: { operationId: 'PostFiles', requestBody: { required: true, content: { 'multipart/form-data': {
          schema: { type: 'object', required: ['file', 'purpose'], properties: {
            file: { type: 'string', description: 'A file to upload. The file should follow the specifications of RFC 2388.' },
            purpose: { type: 'string', enum: ['dispute_evidence', 'identity_document'] },
            // Said of the file, not the file: a plain form field.
            name: { type: 'string', description: 'The name of the file to upload.' },
          } } } } }, responses: { 200: { description: 'ok' } } } },
        '/v1/notes': { post: { operationId: 'PostNotes', requestBody: { required: true, content: { 'application/x-www-form-urlencoded': {
          schema: { type: 'object', properties: { status: { type: 'string' }, title: { type: 'string' } } },
          encoding: { status: { contentType: 'application/json' } } } } }, responses: { 200: { description: 'ok' } } } },
      },
    }));
    const env = childEnv({ RESTMCP_CONFIG_DIR: join(dir, 'config-stripe-like') });
    const login = await run(['login', '--profile', 'e2e-stripe-like', '--spec', stripeLike, '--with-key', '--no-check', '--layout', 'operations'], { env, input: `${KEY}\n` });
    assert.equal(login.code, 0, login.stderr);
    const s = await connect(['serve', '--profile', 'e2e-stripe-like'], { env });
    try {
      const tools = new Map((await s.client.listTools()).tools.map((t) => [t.name, t]));
      const upload = [...tools.values()].find((t) => 'purpose' in t.inputSchema.properties);
      assert.ok(upload, `no upload tool among ${[...tools.keys()]}`);
      assert.match(upload.inputSchema.properties.file.description ?? '', /data: URI, base64; to name the file/,
        'the field says how to send a file');
      const res = await s.client.callTool({ name: upload.name, arguments: {
        file: `data:image/png;name=receipt.png;base64,${PNG.toString('base64')}`, purpose: 'dispute_evidence', name: 'receipt.png',
      } });
      assert.ok(!res.isError, text(res));
      assert.deepEqual(JSON.parse(text(res)), {
        file: { type: 'image/png', filename: 'receipt.png', sha256: sha(PNG) }, purpose: 'dispute_evidence',
        name: { filename: null, text: 'receipt.png' },
      });
      assert.doesNotMatch(upload.inputSchema.properties.name.description ?? '', /data: URI/, 'the file\'s name is no file');

      const notes = [...tools.values()].find((t) => 'title' in t.inputSchema.properties);
      const form = await s.client.callTool({ name: notes.name, arguments: { status: 'draft', title: 'draft' } });
      assert.ok(!form.isError, text(form));
      assert.deepEqual(JSON.parse(text(form)), {
        type: 'application/x-www-form-urlencoded', form: { status: '"draft"', title: 'draft' },
      });
    } finally {
      await s.close();
    }
  });

  it('sends bytes from a data: URI, asks no key of the model, and takes a cookie', async () => {
    // The description's one scheme, a query key, chosen by login.
    const env = childEnv({ RESTMCP_CONFIG_DIR: join(dir, 'config') });
    const login = await run(['login', '--profile', 'e2e-files', '--spec', spec, '--with-key', '--no-check', '--layout', 'operations'], { env, input: `${KEY}\n` });
    assert.equal(login.code, 0, login.stderr);
    const s = await connect(['serve', '--profile', 'e2e-files'], { env });
    try {
      const tools = new Map((await s.client.listTools()).tools.map((t) => [t.name, t]));
      for (const t of tools.values()) assert.ok(!('api_key' in t.inputSchema.properties), `${t.name} asks for api_key`);
      assert.deepEqual(tools.get('get_prefs').inputSchema.required, ['lang']);
      const file = tools.get('upload_avatar').inputSchema.properties.file;
      assert.match(file.description ?? '', /data: URI, base64/, 'the listing says how to send bytes');

      const uri = `data:image/png;base64,${PNG.toString('base64')}`;
      const call = async (name, args) => {
        const res = await s.client.callTool({ name, arguments: args });
        assert.ok(!res.isError, text(res));
        assert.ok(!text(res).includes(KEY));
        return JSON.parse(text(res));
      };
      assert.deepEqual(await call('upload_avatar', { file: uri, caption: 'me' }),
        { file: { type: 'image/png', sha256: sha(PNG) }, caption: 'me' });
      assert.deepEqual(await call('upload_avatar', { file: 'plain text file' }).then((r) => r.file),
        { type: 'application/octet-stream', sha256: sha(Buffer.from('plain text file')) });
      assert.deepEqual(await call('put_blob', { body: uri }), { type: 'application/octet-stream', sha256: sha(PNG) });
      assert.deepEqual(await call('get_prefs', { lang: 'fr' }), { lang: 'fr' });
    } finally {
      await s.close();
    }
  });
});
