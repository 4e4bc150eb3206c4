// Load on one Streamable HTTP MCP endpoint: for each number of concurrent
// clients, that many MCP clients (the official TypeScript SDK's
// StreamableHTTPClientTransport, one session each) call one tool in a loop
// for --seconds; prints one JSON line per level: calls, calls/s, p50 and p99
// latency, errors, and the peak RSS (VmHWM) of the server processes --pids.
//
//   node bench/http-load.mjs --url http://127.0.0.1:8080/mcp --tool notes \
//     [--header 'Authorization: Bearer k'] [--clients 1,8,64] [--seconds 5] [--pids 1,2]
import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const opt = { clients: '1,8,64', seconds: '5', pids: '', header: '', tool: '' };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) opt[argv[i].replace(/^--/, '')] = argv[i + 1];
if (!opt.url) {
  console.error('http-load: --url is required');
  process.exit(2);
}
const headers = {};
if (opt.header) {
  const i = opt.header.indexOf(':');
  headers[opt.header.slice(0, i).trim()] = opt.header.slice(i + 1).trim();
}

async function connect() {
  const client = new Client({ name: 'http-load', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(opt.url), { requestInit: { headers } }));
  return client;
}

function hwmKB(pid) {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

const first = await connect();
const { tools } = await first.listTools();
const tool = tools.find((t) => t.name.toLowerCase().includes(opt.tool.toLowerCase()));
if (!tool) {
  console.error(`http-load: no tool matches ${JSON.stringify(opt.tool)} in ${tools.map((t) => t.name).join(', ')}`);
  process.exit(1);
}
// A warm-up call: the first answer must be a success.
const warm = await first.callTool({ name: tool.name, arguments: {} });
if (warm.isError) {
  console.error(`http-load: ${tool.name} failed: ${JSON.stringify(warm.content)}`);
  process.exit(1);
}
await first.close();

for (const n of opt.clients.split(',').map(Number)) {
  const clients = await Promise.all(Array.from({ length: n }, connect));
  const lat = [];
  let errors = 0;
  let firstError = '';
  const start = performance.now();
  const end = start + Number(opt.seconds) * 1000;
  await Promise.all(clients.map(async (c) => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        const r = await c.callTool({ name: tool.name, arguments: {} });
        if (r.isError) {
          errors++;
          firstError ||= JSON.stringify(r.content).slice(0, 200);
        }
      } catch (e) {
        errors++;
        firstError ||= String(e).slice(0, 200);
      }
      lat.push(performance.now() - t0);
    }
  }));
  const elapsed = (performance.now() - start) / 1000;
  await Promise.all(clients.map((c) => c.close().catch(() => {})));
  lat.sort((a, b) => a - b);
  const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
  const pids = opt.pids ? opt.pids.split(',').filter(Boolean) : [];
  console.log(JSON.stringify({
    clients: n, tool: tool.name, calls: lat.length, callsPerSec: lat.length / elapsed,
    p50: q(0.5), p99: q(0.99), errors, firstError, hwmKB: pids.map(hwmKB),
  }));
}
