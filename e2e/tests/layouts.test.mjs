// The two compact layouts, through the TypeScript SDK against the example
// API: `resources` (one tool per resource with an action) and `search`
// (search_operations + call_operation).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { api, apiKey, apiRequestCount, childEnv, connectExample, json, tempDir, text } from '../lib/harness.mjs';

const env = () => childEnv({ RESTMCP_CONFIG_DIR: tempDir('config'), RESTMCP_API_KEY: apiKey() });

describe('--layout resources', () => {
  let s;
  let tools;
  before(async () => {
    s = await connectExample({ env: env(), extraArgs: ['--layout', 'resources'] });
    tools = new Map((await s.client.listTools()).tools.map((t) => [t.name, t]));
  });
  after(() => s?.close());
  const call = (name, args) => s.client.callTool({ name, arguments: args });

  it('has one tool per resource, its actions in an enum, and describe_action', () => {
    assert.deepEqual([...tools.keys()].sort(), ['describe_action', 'projects', 'tags', 'tasks']);
    assert.deepEqual(new Set(tools.get('projects').inputSchema.properties.action.enum),
      new Set(['list', 'create', 'retrieve', 'update', 'partial_update', 'delete', 'archive']));
    assert.ok(tools.get('tasks').inputSchema.required.includes('action'));
    assert.equal(tools.get('tasks').annotations?.destructiveHint, true, 'destructive when any action is');
    // What each action requires, which the one schema cannot say per action.
    assert.match(tools.get('tasks').description, /- create\b[^\n]*needs [^\n]*\bproject\b/);
    assert.match(tools.get('tasks').description, /- create\b[^\n]*needs [^\n]*\btitle\b/);
    assert.match(tools.get('projects').description, /- retrieve\b[^\n]*needs id\b/);
  });

  it('an operation tool name says which resource tool serves it', async () => {
    const res = await s.client.callTool({ name: 'create_task', arguments: {} }).catch((e) => e);
    assert.match(String(res?.message ?? text(res)), /tasks with action "create"/);
  });

  it('runs list, retrieve, create, partial update, the custom action and delete', async () => {
    const listed = json(await call('tasks', { action: 'list', search: 'onboarding' }));
    assert.deepEqual(listed, (await api('/api/tasks/?search=onboarding')).body);
    assert.deepEqual(json(await call('tags', { action: 'retrieve', id: 4 })), (await api('/api/tags/4/')).body);
    const p = json(await call('projects', { action: 'create', name: 'Layout check' }));
    const patched = json(await call('projects', { action: 'partial_update', id: p.id, description: 'via resources' }));
    assert.equal(patched.description, 'via resources');
    assert.equal(json(await call('projects', { action: 'archive', id: p.id })).status, 'archived');
    const del = await call('projects', { action: 'delete', id: p.id });
    assert.equal(del.isError ?? false, false, text(del));
    assert.equal((await api(`/api/projects/${p.id}/`)).status, 404);
  });

  it('describes one action in full', async () => {
    const d = json(await call('describe_action', { tool: 'tasks', action: 'create' }));
    assert.deepEqual([d.tool, d.action, d.readOnly], ['tasks', 'create', false]);
    assert.match(d.description, /POST \/api\/tasks\//);
    for (const f of ['project', 'title']) assert.ok(d.inputSchema.required.includes(f), `create requires ${f}`);
    const bad = await call('describe_action', { tool: 'tasks', action: 'explode' });
    assert.equal(bad.isError, true);
    assert.match(text(bad), /use one of/);
  });

  it("checks each action's own arguments before any request", async () => {
    const before = await apiRequestCount();
    const res = await call('projects', { action: 'retrieve' });
    assert.equal(res.isError, true);
    assert.match(text(res), /\bid\b/);
    assert.match(text(res), /retrieve/);
    const bad = await call('projects', { action: 'explode', id: 1 });
    assert.equal(bad.isError, true);
    assert.match(text(bad), /action/);
    assert.equal(await apiRequestCount(), before, 'no request reached the API');
  });
});

describe('--layout search', () => {
  let s;
  before(async () => {
    s = await connectExample({ env: env(), extraArgs: ['--layout', 'search'] });
  });
  after(() => s?.close());

  it('finds an operation by words and calls it by name', async () => {
    const { tools } = await s.client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ['call_operation', 'call_write_operation', 'search_operations']);
    // Reads and writes go through two tools: the client may run the one
    // that only reads without asking.
    const ann = Object.fromEntries(tools.map((t) => [t.name, t.annotations]));
    assert.equal(ann.call_operation.readOnlyHint, true);
    assert.equal(ann.call_write_operation.readOnlyHint, false);
    assert.equal(ann.call_write_operation.destructiveHint, true);
    const res = await s.client.callTool({ name: 'search_operations', arguments: { query: 'archive a project', limit: 3 } });
    const [body, note] = text(res).split('\n');
    const matches = JSON.parse(body);
    assert.equal(matches.length, 3);
    assert.deepEqual([matches[0].name, matches[0].readOnly], ['archive_project', false]);
    assert.deepEqual(matches[0].inputSchema.required, ['id']);
    assert.equal(matches[0].inputSchema.properties.id.type, 'integer');
    // The weaker matches (one word of two) come without their schemas,
    // which a search by name then gives.
    assert.deepEqual(matches.slice(1).map((m) => m.inputSchema), [undefined, undefined]);
    assert.match(note, /search for one by its name, with limit 1/);
    const [byName] = json(await s.client.callTool({ name: 'search_operations', arguments: { query: matches[1].name, limit: 1 } }));
    assert.equal(byName.name, matches[1].name);
    assert.equal(byName.inputSchema.type, 'object');
    const got = json(await s.client.callTool({ name: 'call_operation', arguments: { name: 'retrieve_task', arguments: { id: 6 } } }));
    assert.deepEqual(got, (await api('/api/tasks/6/')).body);
    // Arguments sent as the JSON text of an object, as some models do.
    const asText = json(await s.client.callTool({ name: 'call_operation', arguments: { name: 'retrieve_task', arguments: '{"id": 6}' } }));
    assert.deepEqual(asText, got);
    const bad = await s.client.callTool({ name: 'call_operation', arguments: { name: 'retrieve_task', arguments: { id: 'six' } } });
    assert.equal(bad.isError, true);
    assert.match(text(bad), /\bid\b/);
  });

  it('runs an operation that changes data with call_write_operation only', async () => {
    const w = (name, args) => s.client.callTool({ name: 'call_write_operation', arguments: { name, arguments: args } });
    const p = json(await w('create_project', { name: 'Search check' }));
    const refused = await s.client.callTool({ name: 'call_operation', arguments: { name: 'archive_project', arguments: { id: p.id } } });
    assert.equal(refused.isError, true);
    assert.match(text(refused), /archive_project changes data.*run it with call_write_operation/);
    assert.notEqual((await api(`/api/projects/${p.id}/`)).body.status, 'archived', 'nothing was sent');
    assert.equal(json(await w('archive_project', { id: p.id })).status, 'archived');
    const del = await w('destroy_project', { id: p.id });
    assert.equal(del.isError ?? false, false, text(del));
    assert.equal((await api(`/api/projects/${p.id}/`)).status, 404);
  });
});

describe('--layout resources --separate-writes', () => {
  let s;
  before(async () => {
    s = await connectExample({ env: env(), extraArgs: ['--layout', 'resources', '--separate-writes'] });
  });
  after(() => s?.close());

  it('serves the actions that change data in a tool of their own, with annotations that hold for each', async () => {
    const { tools } = await s.client.listTools();
    const by = new Map(tools.map((t) => [t.name, t]));
    assert.deepEqual([...by.keys()].sort(), ['describe_action', 'projects', 'projects_write', 'tags', 'tags_write', 'tasks', 'tasks_write']);
    assert.equal(by.get('projects').annotations.readOnlyHint, true);
    assert.equal(by.get('projects_write').annotations.readOnlyHint, false);
    assert.equal(by.get('projects_write').annotations.destructiveHint, true);
    assert.deepEqual(new Set(by.get('projects').inputSchema.properties.action.enum), new Set(['list', 'retrieve']));
    assert.deepEqual(new Set(by.get('projects_write').inputSchema.properties.action.enum),
      new Set(['create', 'update', 'partial_update', 'delete', 'archive']));

    const call = (name, args) => s.client.callTool({ name, arguments: args });
    const p = json(await call('projects_write', { action: 'create', name: 'Separate writes' }));
    const refused = await call('projects', { action: 'archive', id: p.id });
    assert.equal(refused.isError, true);
    assert.match(text(refused), /action "archive" changes data: call projects_write with it/);
    assert.deepEqual(json(await call('projects', { action: 'retrieve', id: p.id })), (await api(`/api/projects/${p.id}/`)).body);
    assert.notEqual((await api(`/api/projects/${p.id}/`)).body.status, 'archived', 'nothing was sent');
    assert.equal(json(await call('projects_write', { action: 'archive', id: p.id })).status, 'archived');
    const del = await call('projects_write', { action: 'delete', id: p.id });
    assert.equal(del.isError ?? false, false, text(del));
    assert.equal((await api(`/api/projects/${p.id}/`)).status, 404);
  });
});
