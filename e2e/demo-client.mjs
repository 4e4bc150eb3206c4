#!/usr/bin/env node
// A minimal MCP client (the official TypeScript SDK) for scripts/demo.sh:
// starts an MCP server over stdio, lists its tools and calls one.
//
//   node e2e/demo-client.mjs [--call TOOL] [--args JSON] -- COMMAND [ARG...]
//
// Prints the server's name, its tools and the call's result; exits 1 when
// the call returns a tool error, 2 on bad usage.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

function usage(msg) {
  console.error(`demo-client: ${msg}\nusage: node e2e/demo-client.mjs [--call TOOL] [--args JSON] -- COMMAND [ARG...]`);
  process.exit(2);
}

const argv = process.argv.slice(2);
const sep = argv.indexOf('--');
if (sep < 0 || sep === argv.length - 1) usage('the server command goes after --');
const [command, ...args] = argv.slice(sep + 1);
let tool;
let toolArgs = {};
for (let i = 0; i < sep; i++) {
  if (argv[i] === '--call') tool = argv[++i];
  else if (argv[i] === '--args') {
    try { toolArgs = JSON.parse(argv[++i]); } catch (e) { usage(`--args is not JSON: ${e.message}`); }
  } else usage(`unknown option ${argv[i]}`);
}

const transport = new StdioClientTransport({ command, args, env: process.env, stderr: 'inherit' });
const client = new Client({ name: 'restmcp-demo-client', version: '1.0.0' });
await client.connect(transport);
try {
  const v = client.getServerVersion();
  console.log(`connected to ${v.name} ${v.version} over stdio`);
  const { tools } = await client.listTools();
  console.log(`${tools.length} tools: ${tools.map((t) => t.name).join(', ')}`);
  if (tool) {
    console.log(`\ntools/call ${tool} ${JSON.stringify(toolArgs)}`);
    const res = await client.callTool({ name: tool, arguments: toolArgs });
    for (const c of res.content ?? []) {
      if (c.type !== 'text') { console.log(`[${c.type} content]`); continue; }
      try { console.log(JSON.stringify(JSON.parse(c.text), null, 2)); } catch { console.log(c.text); }
    }
    if (res.isError) {
      console.error('demo-client: the tool call returned an error');
      process.exitCode = 1;
    }
  }
} finally {
  await client.close();
}
