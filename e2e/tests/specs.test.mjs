// Every real-world description in ../shared/specs, served by restmcp and
// listed by the official TypeScript MCP client: one tool per operation, and
// every tool passes the SDK's tools/list validation, in the operations
// layout and in the resources layout. The size of each tools/list answer is
// recorded in $E2E_REPORT_DIR/spec-tools.json.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYAML } from 'yaml';

import { childEnv, connect, tempDir } from '../lib/harness.mjs';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const dir = process.env.E2E_SHARED_SPECS ?? '';
const files = existsSync(dir) ? readdirSync(dir).filter((f) => /\.(json|ya?ml)$/.test(f)).sort() : [];

/** The operations of a Swagger 2.0 or OpenAPI 3.x document (webhooks are not operations). */
export function countOperations(doc) {
  let n = 0;
  for (const item of Object.values(doc.paths ?? {})) {
    let it = item;
    if (it?.$ref?.startsWith('#/')) it = it.$ref.slice(2).split('/').reduce((o, k) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
    for (const m of METHODS) if (it && typeof it[m] === 'object') n++;
  }
  return n;
}

function load(file) {
  const text = readFileSync(file, 'utf8');
  return file.endsWith('.json') ? JSON.parse(text) : parseYAML(text, { maxAliasCount: -1, intAsBigInt: false });
}

const sizes = {};

describe('../shared/specs', { skip: files.length === 0 ? `no specs in ${dir || '../shared/specs'}` : false }, () => {
  after(() => {
    if (Object.keys(sizes).length === 0) return;
    const out = join(process.env.E2E_REPORT_DIR ?? tempDir('report'), 'spec-tools.json');
    writeFileSync(out, `${JSON.stringify(sizes, null, 2)}\n`);
  });

  for (const f of files) {
    it(f, { timeout: 180_000 }, async (t) => {
      const path = join(dir, f);
      const want = countOperations(load(path));
      assert.ok(want > 0, `${f} has operations`);
      const started = Date.now();
      const s = await connect(['serve', '--spec', path, '--base-url', 'http://127.0.0.1:9', '--layout', 'operations'],
        { env: childEnv({ RESTMCP_CONFIG_DIR: tempDir('config') }) });
      try {
        const ready = Date.now() - started;
        // listTools validates every tool against the MCP schema (zod) and
        // fails on the first invalid one.
        const { tools } = await s.client.listTools();
        // describe_tool is listed beside the operations when a large body
        // is listed by its fields' names alone.
        const describe = tools.find((t) => t.name === 'describe_tool');
        assert.equal(tools.length - (describe ? 1 : 0), want, `${f}: tools vs operations`);
        const names = new Set();
        for (const tool of tools) {
          assert.match(tool.name, /^[A-Za-z0-9_-]{1,64}$/, `${f}: tool name`);
          assert.ok(!names.has(tool.name), `${f}: duplicate tool ${tool.name}`);
          names.add(tool.name);
          assert.equal(tool.inputSchema.type, 'object');
          assert.ok(!JSON.stringify(tool.inputSchema).includes('"$schema"'), `${f}: ${tool.name} has $schema`);
        }
        // The field selection is explained to the model once: in each
        // tool's schema, or (shared by enough tools) in the instructions.
        const instructions = s.client.getInstructions() ?? '';
        for (const tool of tools) {
          for (const [name, arg] of Object.entries(tool.inputSchema.properties ?? {})) {
            if (!['fields', 'result_fields', '_fields'].includes(name) || arg.description) continue;
            assert.ok(instructions.includes(`${name}: `), `${f}: ${tool.name} lists ${name} undescribed and the instructions do not describe it`);
          }
        }
        // What a description adds to the summary says what the operation
        // does: never a bare label or heading ("Note", "Deprecation
        // Notice", "Required scope"), and never one sentence that ten or
        // more tools add.
        const added = new Map();
        for (const tool of tools) {
          // The paragraphs after the summary, but the method and path
          // (left out where the tool's name says them).
          const paras = (tool.description ?? '').split('\n\n').slice(1);
          if (/^[A-Z]+ \//.test(paras.at(-1) ?? '')) paras.pop();
          for (const p of paras) {
            assert.doesNotMatch(p, /^(notes?|warning|important|deprecation notice|required scopes?)$/i, `${f}: ${tool.name} is described by a label: ${p}`);
            if (!p.startsWith('Deprecated: prefer another tool')) added.set(p, (added.get(p) ?? 0) + 1);
          }
        }
        for (const [p, n] of added) assert.ok(n < 10, `${f}: ${n} tools add the same sentence: ${p}`);
        // No tool asks the model for the API's own key (Slack declares a
        // required `token`, "Authentication token", on 170 methods).
        for (const tool of tools) {
          const token = tool.inputSchema.properties?.token;
          const said = token?.description ?? (token && /(^|; )token: ([^;]*)/.exec(instructions)?.[2]) ?? '';
          assert.doesNotMatch(said, /^Authentication token/i, `${f}: ${tool.name} asks for the authentication token`);
        }
        // Every argument listed by its fields' names ("{a, b}", as a JSON
        // object holds them) is shown in full by describe_tool: its
        // fields, as many as the note named.
        const summarised = [];
        for (const tool of tools) {
          for (const [name, arg] of Object.entries(tool.inputSchema.properties ?? {})) {
            const m = /(?:^| )\{([^{}]*)\}$/.exec(arg.description ?? '');
            if (m && !arg.properties && !/ more$/.test(m[1])) summarised.push([tool.name, name, m[1]]);
          }
        }
        if (summarised.length > 0) assert.ok(describe, `${f}: ${summarised.length} arguments listed by their fields' names, and no describe_tool`);
        // And only then, nested fields included.
        if (describe) assert.ok(tools.some((t) => t !== describe && /"description":"(?:[^"]* )?\[?\{[^"{}]*\}\]?"|\((items' )?fields: /.test(JSON.stringify(t.inputSchema))), `${f}: describe_tool listed, and every field is`);
        if (describe) assert.match(instructions, /Arguments listed as \{a, b\} \(or \[\{a, b\}\] for a list\) are named by their fields alone: describe_tool shows their fields in full/, `${f}: the instructions name the notation and describe_tool`);
        if (f.startsWith('stripe')) assert.ok(summarised.length > 0, `${f}: no body listed by its fields' names`);
        t.diagnostic(`${f}: ${summarised.length} arguments listed by their fields' names; describe_tool asked for ${Math.min(3, summarised.length)}`);
        for (const [tool, arg, note] of summarised.slice(0, 3)) {
          const res = await s.client.callTool({ name: 'describe_tool', arguments: { tool, argument: arg } });
          assert.ok(!res.isError, `${f}: describe_tool ${tool} ${arg}: ${res.content[0].text}`);
          const d = JSON.parse(res.content[0].text);
          const named = note.replace(/^required /, '').split(/; (?:optional )?|, /);
          const fields = Object.keys(d.schema.properties ?? d.schema.items?.properties ?? {});
          for (const n of named) assert.ok(fields.includes(n), `${f}: describe_tool ${tool} ${arg} lacks ${n}: ${fields}`);
        }
        const bytes = Buffer.byteLength(JSON.stringify({ tools }));
        sizes[f] = { operations: want, tools: tools.length, toolsListBytes: bytes, initializeMs: ready };
        t.diagnostic(`${f}: ${tools.length} tools, tools/list ${(bytes / 1024).toFixed(0)} KiB, ready in ${ready} ms`);
      } finally {
        await s.close();
      }

      // The resources layout groups operations into fewer tools; the SDK
      // must accept those (union) schemas too.
      const r = await connect(['serve', '--spec', path, '--base-url', 'http://127.0.0.1:9', '--layout', 'resources'],
        { env: childEnv({ RESTMCP_CONFIG_DIR: tempDir('config') }) });
      try {
        const { tools } = await r.client.listTools();
        assert.ok(tools.length > 0 && tools.length <= want, `${f}: ${tools.length} resource tools for ${want} operations`);
        for (const tool of tools) {
          assert.match(tool.name, /^[A-Za-z0-9_-]{1,64}$/, `${f}: resource tool name`);
          assert.equal(tool.inputSchema.type, 'object');
        }
        // An argument the compact listing names by its fields in braces
        // ("{required day, month, year}") is shown with those fields, and
        // as many of them required, by describe_action.
        const braced = tools.flatMap((tool) => Object.entries(tool.inputSchema.properties ?? {})
          .map(([name, arg]) => [tool, name, /^\{required ([^;{}]*)[;}]/.exec(arg.description ?? '')?.[1]])
          .filter(([, , required]) => required));
        if (f.startsWith('stripe')) assert.ok(braced.length > 0, `${f}: no argument named by its fields in braces`);
        if (braced.length > 0) assert.match(r.client.getInstructions() ?? '', /Arguments listed as \{a, b\} \(or \[\{a, b\}\] for a list\) are named by their fields alone/, `${f}: the instructions name the notation`);
        // (describe_action's own answer may be cut to its budget: Box's
        // AI agents.)
        if (f.startsWith('stripe')) {
          const [tool, name, required] = braced[0];
          let shown;
          for (const action of tool.inputSchema.properties.action?.enum ?? []) {
            const res = await r.client.callTool({ name: 'describe_action', arguments: { tool: tool.name, action } });
            assert.ok(!res.isError, `${f}: describe_action ${tool.name} ${action}: ${res.content[0].text}`);
            shown = JSON.parse(res.content[0].text).inputSchema.properties?.[name];
            if (shown) break;
          }
          // The object, or its object alternative (Stripe's dob also takes
          // "" to clear it).
          if (shown && !shown.properties) shown = [...(shown.anyOf ?? []), ...(shown.oneOf ?? [])].find((alt) => alt.properties);
          assert.ok(shown?.properties, `${f}: describe_action shows no fields of ${tool.name} ${name}`);
          assert.deepEqual([...(shown.required ?? [])].sort(), required.split(', ').sort(), `${f}: ${tool.name} ${name}: the required fields named`);
          for (const field of required.split(', ')) assert.ok(field in shown.properties, `${f}: ${tool.name} ${name}: ${field} not shown`);
        }
        const bytes = Buffer.byteLength(JSON.stringify({ tools }));
        Object.assign(sizes[f], { resourceTools: tools.length, resourcesToolsListBytes: bytes });
        t.diagnostic(`${f}: resources layout ${tools.length} tools, ${(bytes / 1024).toFixed(0)} KiB`);
      } finally {
        await r.close();
      }
    });
  }
});
