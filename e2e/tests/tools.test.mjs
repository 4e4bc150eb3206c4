// The core bridge, end to end: the built binary serving the example Django
// REST Framework API to the official TypeScript MCP client over stdio, with
// the key from RESTMCP_API_KEY.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  api, apiKey, apiRequestCount, apiURL, childEnv, connectExample, connect, exampleFlags, json, run,
  stderrLog, tempDir, text, toolsByName, withBody,
} from '../lib/harness.mjs';

const EXPECTED_TOOLS = [
  'list_projects', 'create_project', 'retrieve_project', 'update_project', 'partial_update_project',
  'destroy_project', 'archive_project',
  'list_tasks', 'create_task', 'retrieve_task', 'update_task', 'partial_update_task', 'destroy_task',
  'list_tags', 'create_tag', 'retrieve_tag', 'update_tag', 'partial_update_tag', 'destroy_tag',
];

const env = () => childEnv({ RESTMCP_API_KEY: apiKey(), RESTMCP_CONFIG_DIR: tempDir('config') });


describe('serve with the example API', () => {
  let client;
  let tools;
  let session;
  before(async () => {
    session = await connectExample({ env: env() });
    client = session.client;
    tools = await toolsByName(client);
  });
  after(async () => {
    await session?.close();
  });

  const call = (name, args) => client.callTool({ name, arguments: args });

  it('answers initialize with its name, version and the API title', () => {
    const v = client.getServerVersion();
    assert.equal(v.name, 'restmcp');
    assert.match(v.version, /\S/);
    assert.match(client.getInstructions() ?? '', /Task tracker API/);
  });

  it('lists one valid tool per operation', () => {
    assert.deepEqual([...tools.keys()].sort(), [...EXPECTED_TOOLS].sort());
    for (const t of tools.values()) {
      assert.match(t.name, /^[A-Za-z0-9_-]{1,64}$/);
      assert.equal(t.inputSchema.type, 'object', t.name);
      const s = JSON.stringify(t.inputSchema);
      assert.doesNotMatch(s, /"\$ref"|"\$schema"|"\$defs"/, `${t.name} schema must be self-contained`);
      assert.ok(t.description || t.title, `${t.name} has no description`);
    }
  });

  it('derives annotations from the HTTP method', () => {
    const cases = [
      ['list_tasks', { readOnlyHint: true }],
      ['retrieve_project', { readOnlyHint: true }],
      ['destroy_task', { readOnlyHint: false, destructiveHint: true, idempotentHint: true }],
      ['update_project', { readOnlyHint: false, idempotentHint: true }],
      ['create_tag', { readOnlyHint: false }],
      ['archive_project', { readOnlyHint: false }],
    ];
    for (const [name, want] of cases) {
      for (const [k, v] of Object.entries(want)) {
        assert.equal(tools.get(name).annotations?.[k] ?? false, v, `${name}.annotations.${k}`);
      }
    }
    // Every tool sets the three hints app directories ask for; a read-only
    // one is explicitly not destructive.
    for (const t of tools.values()) {
      for (const k of ['readOnlyHint', 'destructiveHint', 'openWorldHint']) {
        assert.equal(typeof t.annotations?.[k], 'boolean', `${t.name}.annotations.${k} set`);
      }
      if (t.annotations.readOnlyHint) assert.equal(t.annotations.destructiveHint, false, `${t.name} read-only and destructive`);
    }
  });

  it('keeps enums, required fields and descriptions from the description', () => {
    const list = tools.get('list_tasks').inputSchema;
    assert.deepEqual(list.properties.status.enum, ['todo', 'doing', 'done']);
    for (const p of ['search', 'page', 'page_size', 'project', 'tag']) assert.ok(list.properties[p], `list_tasks.${p}`);
    const create = tools.get('create_task');
    const body = create.inputSchema.properties.body?.properties ? create.inputSchema.properties.body : create.inputSchema;
    for (const f of ['project', 'title']) assert.ok(body.required?.includes(f), `create_task requires ${f}`);
    assert.match(JSON.stringify(body.properties.priority), /urgent/);
    assert.equal(tools.get('retrieve_project').inputSchema.properties.id.type, 'integer');
    assert.ok(tools.get('retrieve_project').inputSchema.required.includes('id'));
  });

  it('`restmcp tools --json` prints the tools exactly as tools/list returns them', async () => {
    const r = await run(['tools', '--json', ...exampleFlags()], { env: childEnv({ RESTMCP_CONFIG_DIR: tempDir('config') }) });
    assert.equal(r.code, 0, r.stderr);
    const printed = JSON.parse(r.stdout);
    assert.deepEqual(new Map(printed.map((t) => [t.name, t.inputSchema])), new Map([...tools].map(([n, t]) => [n, t.inputSchema])));
  });

  it('`restmcp tools --diff` names the changes from a saved listing, and fails on breaking ones', async () => {
    const dir = tempDir('diff');
    const e = env();
    const saved = await run(['tools', '--json', ...exampleFlags()], { env: e });
    assert.equal(saved.code, 0, saved.stderr);
    writeFileSync(join(dir, 'tools.json'), saved.stdout);
    // The API's own description, read from its URL with the key, lists the same tools.
    const live = ['tools', '--spec', `${apiURL()}/api/schema/`, '--base-url', apiURL(), '--auth-scheme', 'Api-Key'];
    let r = await run([...live, '--diff', join(dir, 'tools.json')], { env: e });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^no change from .*tools\.json \(19 tools\)$/m);
    // A listing from a release whose list_tasks took one more argument and
    // described its search otherwise, that had a tool since gone, and
    // another under an older name: all but the description break what was
    // written against it.
    const old = JSON.parse(saved.stdout);
    const lt = old.find((t) => t.name === 'list_tasks');
    lt.inputSchema.properties.archived = { type: 'boolean' };
    const search = lt.inputSchema.properties.search.description;
    assert.ok(search, 'list_tasks describes its search argument');
    lt.inputSchema.properties.search.description = 'Words to look for.';
    old.push({ ...old.find((t) => t.name === 'archive_project'), name: 'unarchive_project' });
    old.find((t) => t.name === 'retrieve_project').name = 'get_project';
    writeFileSync(join(dir, 'old.json'), JSON.stringify(old));
    r = await run([...live, '--diff', join(dir, 'old.json'), '--json'], { env: e });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      changes: [
        { tool: 'list_tasks', argument: 'archived', what: 'removed', breaking: true },
        { tool: 'list_tasks', argument: 'search', what: 'description changed', breaking: false, before: 'Words to look for.', after: search },
        { tool: 'retrieve_project', what: 'probably renamed from get_project', breaking: true, before: 'get_project', after: 'retrieve_project' },
        { tool: 'unarchive_project', what: 'removed', breaking: true },
      ],
      breaking: 3,
    });
    // In words, what breaks first and the descriptions last.
    r = await run([...live, '--diff', join(dir, 'old.json')], { env: e });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.deepEqual(r.stdout.trimEnd().split('\n').slice(0, -1), [
      'list_tasks: argument "archived" removed (breaking)',
      'retrieve_project: probably renamed from get_project (breaking)',
      'unarchive_project: removed (breaking)',
      'list_tasks: description of argument "search" changed',
    ]);
  });

  it('lists with search, filters and pagination, as the API answers', async () => {
    const cases = [
      [{ search: 'onboarding' }, '?search=onboarding'],
      [{ status: 'done' }, '?status=done'],
      [{ tag: 'bug' }, '?tag=bug'],
      [{ search: 'onboarding', status: 'todo' }, '?search=onboarding&status=todo'],
      [{ page_size: 5, page: 2 }, '?page_size=5&page=2'],
    ];
    for (const [args, query] of cases) {
      const got = json(await call('list_tasks', args));
      const want = (await api(`/api/tasks/${query}`)).body;
      assert.ok(want.count > 0, `the seed data has tasks for ${query}`);
      assert.deepEqual(got.results.map((t) => t.id), want.results.map((t) => t.id), query);
      assert.equal(got.count, want.count, query);
    }
  });

  it('keeps only the fields asked for', async () => {
    assert.match(tools.get('list_tasks').inputSchema.properties.fields?.description ?? '', /dotted paths/);
    const want = (await api('/api/tasks/?page_size=5')).body;
    const res = await call('list_tasks', { page_size: 5, fields: ['count', 'results.id', 'results.title'] });
    const got = json(res);
    assert.deepEqual(Object.keys(got).sort(), ['count', 'results']);
    assert.equal(got.count, want.count);
    assert.deepEqual(got.results, want.results.map((t) => ({ id: t.id, title: t.title })));
    assert.ok(JSON.stringify(got).length < JSON.stringify(want).length / 2, 'the answer is smaller');
  });

  it('retrieves one object', async () => {
    const want = (await api('/api/projects/1/')).body;
    const res = await call('retrieve_project', { id: 1 });
    assert.deepEqual(json(res), want);
    assert.equal(res.structuredContent, undefined, 'the JSON comes back once, as text');
  });

  it('creates, replaces, partially updates, archives and deletes', async () => {
    const created = json(await call('create_project', withBody(tools.get('create_project'), {}, {
      name: 'E2E launch', description: 'made by the end-to-end suite',
    })));
    assert.equal(created.status, 'active');
    assert.deepEqual((await api(`/api/projects/${created.id}/`)).body.name, 'E2E launch');

    const replaced = json(await call('update_project', withBody(tools.get('update_project'), { id: created.id }, {
      name: 'E2E relaunch',
    })));
    assert.equal(replaced.name, 'E2E relaunch');

    const task = json(await call('create_task', withBody(tools.get('create_task'), {}, {
      project: created.id, title: 'Ship it', tags: ['ops'], priority: 2, due_date: '2030-01-31',
    })));
    assert.equal(task.due_date, '2030-01-31');
    // null clears a field the API declares nullable; a null for any other
    // field means "not set" and is left out.
    const cleared = json(await call('partial_update_task', withBody(tools.get('partial_update_task'), { id: task.id }, {
      due_date: null, title: null,
    })));
    assert.deepEqual([cleared.due_date, cleared.title], [null, 'Ship it']);
    assert.equal((await api(`/api/tasks/${task.id}/`)).body.due_date, null);
    const patched = json(await call('partial_update_task', withBody(tools.get('partial_update_task'), { id: task.id }, {
      status: 'done',
    })));
    assert.deepEqual([patched.status, patched.title, patched.tags], ['done', 'Ship it', ['ops']]);
    assert.equal((await api(`/api/tasks/${task.id}/`)).body.status, 'done');

    const archived = json(await call('archive_project', { id: created.id }));
    assert.equal(archived.status, 'archived');
    const again = await call('archive_project', { id: created.id });
    assert.equal(again.isError, true, 'archiving twice is an API error');
    assert.match(text(again), /409/);

    const rejected = await call('create_task', withBody(tools.get('create_task'), {}, { project: created.id, title: 'Too late' }));
    assert.equal(rejected.isError, true);
    assert.match(text(rejected), /400/);
    assert.match(text(rejected), /archived project/, 'the API\'s own message reaches the model');

    const deleted = await call('destroy_task', { id: task.id });
    assert.equal(deleted.isError ?? false, false, text(deleted));
    assert.equal((await api(`/api/tasks/${task.id}/`)).status, 404);
    await call('destroy_project', { id: created.id });
    assert.equal((await api(`/api/projects/${created.id}/`)).status, 404);
  });

  it('rejects invalid arguments before any request, naming the field', async () => {
    const cases = [
      ['create_task', withBody(tools.get('create_task'), {}, { project: 1, title: 'x', priority: 'urgent' }), /priority/],
      ['list_tasks', { status: 'later' }, /status/],
      ['retrieve_task', {}, /\bid\b/],
    ];
    for (const [name, args, field] of cases) {
      const before = await apiRequestCount();
      const res = await call(name, args);
      assert.equal(res.isError, true, `${name} ${JSON.stringify(args)} should be a tool error`);
      assert.match(text(res), field);
      assert.equal(await apiRequestCount(), before, `${name}: no request may reach the API`);
    }
  });

  it('turns a 404 into a tool error with the status', async () => {
    const res = await call('retrieve_project', { id: 999999 });
    assert.equal(res.isError, true);
    assert.match(text(res), /404/);
    assert.match(text(res), /Not Found|No Project matches/i);
  });

  it('keeps running after an unknown tool', async () => {
    let failed = false;
    try {
      const res = await call('no_such_tool', {});
      failed = res.isError === true;
    } catch (e) {
      failed = /no_such_tool|unknown tool|not found/i.test(e.message);
    }
    assert.ok(failed, 'an unknown tool is reported');
    assert.equal(json(await call('retrieve_tag', { id: 1 })).id, 1);
  });

  it('never shows the key in a tool result or in its log', async () => {
    const key = apiKey();
    const res = await call('list_projects', {});
    assert.ok(!JSON.stringify(res).includes(key));
    assert.ok(!session.stderr().includes(key));
  });
});

describe('restmcp call', () => {
  it('runs one tool call and prints the result', async () => {
    const r = await run(['call', 'list_tasks', ...exampleFlags(), '--arg', 'search=onboarding'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    const want = (await api('/api/tasks/?search=onboarding')).body;
    assert.deepEqual(JSON.parse(r.stdout).results.map((t) => t.id), want.results.map((t) => t.id));
  });

  it('takes JSON arguments and exits non-zero on a tool error', async () => {
    const r = await run(['call', 'retrieve_project', ...exampleFlags(), '--json', '{"id": 999999}'], { env: env() });
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /404/);
    assert.ok(!(r.stdout + r.stderr).includes(apiKey()));
  });

  it("README's create_task with a repeated --arg runs as written", async () => {
    const r = await run(['call', 'create_task', ...exampleFlags(), '--arg', 'project=3', '--arg', 'title=Write docs',
      '--arg', 'tags=docs', '--arg', 'tags=frontend'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    const task = JSON.parse(r.stdout);
    assert.deepEqual([task.project, task.title, task.tags], [3, 'Write docs', ['docs', 'frontend']]);
    const del = await run(['call', 'destroy_task', ...exampleFlags(), '--arg', `id=${task.id}`], { env: env() });
    assert.equal(del.code, 0, del.stderr);
  });

  it('--help lists switches as they are typed, and one given =false is off', async () => {
    const help = await run(['call', '--help'], { env: env() });
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^ {6}--raw {2,}print the whole MCP result/m);
    assert.match(help.stdout, /^ {2}-h, --help {2,}help for call$/m);
    assert.doesNotMatch(help.stdout, /\[=/);
    const r = await run(['call', 'list_tags', ...exampleFlags(), '--raw=false'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(Array.isArray(JSON.parse(r.stdout).results), 'the API answer, not the whole MCP result');
  });
});

describe('serve with the description fetched from the API', () => {
  it('fetches the key-protected schema view with the key (same origin as --base-url)', async () => {
    const s = await connect(['serve', '--spec', `${apiURL()}/api/schema/`, '--base-url', apiURL(), '--auth-scheme', 'Api-Key'], { env: env() });
    try {
      const tools = await toolsByName(s.client);
      assert.equal(tools.size, EXPECTED_TOOLS.length);
      const got = json(await s.client.callTool({ name: 'retrieve_tag', arguments: { id: 1 } }));
      assert.deepEqual(got, (await api('/api/tags/1/')).body);
    } finally {
      await s.close();
    }
  });
});

describe('no secret in any output', () => {
  it('no stderr of any process of this file contains the key', () => {
    const key = apiKey();
    assert.ok(stderrLog.length > 0);
    for (const s of stderrLog) assert.ok(!s.includes(key), 'the key appeared on stderr');
  });
});
