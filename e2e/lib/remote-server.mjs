// A remote MCP server for the end-to-end tests, built with the official
// TypeScript SDK and served on 127.0.0.1: Streamable HTTP (stateful
// sessions) or only the older HTTP+SSE transport, optionally refusing every
// request without a key header. It records what it saw so tests can check
// what the bridge sent.
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';

import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const TOOLS = [
  {
    name: 'echo',
    description: 'Echoes its text.',
    inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'delete_everything',
    description: 'Deletes everything.',
    inputSchema: { type: 'object', properties: {} },
    annotations: { readOnlyHint: false, destructiveHint: true },
  },
  {
    name: 'ask',
    description: 'Asks the client to sample an answer to a question.',
    inputSchema: { type: 'object', properties: { question: { type: 'string' } }, required: ['question'] },
  },
  {
    name: 'grow',
    description: 'Adds the tool "late", then announces the change.',
    inputSchema: { type: 'object', properties: {} },
  },
];

/** One MCP server (one per session, as the SDK wants). */
function newServer(state) {
  const server = new Server({ name: 'e2e-remote', version: '1.0.0' }, { capabilities: { tools: { listChanged: true }, logging: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: [
      ...TOOLS,
      ...(state.grown ? [{ name: 'late', inputSchema: { type: 'object', properties: {} } }] : []),
      ...(state.cancelFirst ? [{ name: 'slow', description: 'Runs until cancelled.', inputSchema: { type: 'object', properties: {} } }] : []),
    ],
  }));
  server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
    const args = req.params.arguments ?? {};
    switch (req.params.name) {
      case 'echo':
        await server.sendLoggingMessage({ level: 'info', data: `echoing ${args.text}` });
        return { content: [{ type: 'text', text: `echo: ${args.text}` }] };
      case 'delete_everything':
        return { content: [{ type: 'text', text: 'deleted' }] };
      case 'ask': {
        const res = await server.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: args.question } }], maxTokens: 20 });
        return { content: [{ type: 'text', text: `sampled: ${res.content.text}` }] };
      }
      case 'slow':
        // Runs until it is cancelled (or 15 s), and says why it stopped.
        state.slowStarted();
        await new Promise((resolve) => {
          if (extra.signal.aborted) resolve();
          extra.signal.addEventListener('abort', resolve);
          setTimeout(resolve, 15_000);
        });
        state.slowStopped = extra.signal.aborted ? String(extra.signal.reason) : 'ran to its end';
        return { content: [{ type: 'text', text: 'slow done' }] };
      case 'grow':
        state.grown = true;
        // After the answer, outside any request: on the server's own stream.
        setTimeout(() => { server.sendToolListChanged().catch(() => {}); }, 300);
        return { content: [{ type: 'text', text: 'grown' }] };
      default:
        return { isError: true, content: [{ type: 'text', text: `unknown tool ${req.params.name}` }] };
    }
  });
  return server;
}

/**
 * Answers a call of echo whose text asks for it as some servers answer
 * calls: 'refuse-json' with 400 and the server's own JSON-RPC error under
 * the call's id (invalid params); 'needs-scope' with 403 asking for a scope
 * the credentials lack (step-up authorization). True when answered.
 */
function refuseCall(body, res) {
  if (body?.method !== 'tools/call' || body.params?.name !== 'echo') return false;
  switch (body.params.arguments?.text) {
    case 'refuse-json':
      res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({
        jsonrpc: '2.0', id: body.id, error: { code: -32602, message: 'Invalid params: this text is refused', data: { field: 'text' } },
      }));
      return true;
    case 'needs-scope':
      res.writeHead(403, {
        'Content-Type': 'text/plain',
        'WWW-Authenticate': 'Bearer realm="e2e", error="insufficient_scope", scope="mcp:tools mcp:admin", error_description="needs mcp:admin, sorry"',
      }).end('insufficient scope');
      return true;
    default:
      return false;
  }
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const s = Buffer.concat(chunks).toString('utf8');
  return s ? JSON.parse(s) : undefined;
}

/**
 * Starts a server. Options: sse (only HTTP+SSE), header and key (refuse
 * requests whose header is not exactly key), cancelFirst (a tool "slow",
 * and a server that reads a call's cancellation before the call, as one
 * under load may: the POST of a tools/call is held until the first
 * notifications/cancelled has been answered, 202, and ignored, as it names
 * no call the session knows yet; a later one is passed on once the tool
 * runs). Resolves to { url, seen, initializes, slowStopped, dropSessions(),
 * close() }: seen lists every request's method, path, header value and
 * X-Region header; slowStopped says why "slow" stopped (undefined while it
 * has not).
 */
export async function startRemoteServer({ sse = false, header, key, cancelFirst = false } = {}) {
  const state = { grown: false, cancelFirst };
  let cancelled; // resolved once the first cancellation was answered
  const firstCancel = new Promise((r) => { cancelled = r; });
  const slowStarted = new Promise((r) => { state.slowStarted = r; });
  let cancels = 0;
  const seen = [];
  let initializes = 0;
  const sessions = new Map(); // session ID → transport
  const http = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const value = header ? req.headers[header.toLowerCase()] : undefined;
    seen.push({ method: req.method, path: url.pathname, value, region: req.headers['x-region'] });
    if (header && value !== key) {
      res.writeHead(401, { 'Content-Type': 'text/plain' }).end('a valid key is required');
      return;
    }
    try {
      if (sse) {
        if (req.method === 'GET' && url.pathname === '/sse') {
          const t = new SSEServerTransport('/messages', res);
          sessions.set(t.sessionId, t);
          t.onclose = () => sessions.delete(t.sessionId);
          await newServer(state).connect(t);
          return;
        }
        if (req.method === 'POST' && url.pathname === '/messages') {
          const t = sessions.get(url.searchParams.get('sessionId'));
          if (!t) { res.writeHead(404).end('no such session'); return; }
          const body = await readBody(req);
          if (body?.method === 'initialize') initializes++;
          if (refuseCall(body, res)) return;
          await t.handlePostMessage(req, res, body);
          return;
        }
        res.writeHead(405).end();
        return;
      }
      if (url.pathname !== '/mcp') { res.writeHead(404).end(); return; }
      const body = req.method === 'POST' ? await readBody(req) : undefined;
      const sid = req.headers['mcp-session-id'];
      let t = sid ? sessions.get(sid) : undefined;
      if (sid && !t) { res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"jsonrpc":"2.0","error":{"code":-32001,"message":"Session not found"},"id":null}'); return; }
      if (!t) {
        if (body?.method !== 'initialize') { res.writeHead(400).end('initialize first'); return; }
        initializes++;
        t = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (id) => { sessions.set(id, t); },
        });
        t.onclose = () => { if (t.sessionId) sessions.delete(t.sessionId); };
        await newServer(state).connect(t);
      }
      if (refuseCall(body, res)) return;
      if (cancelFirst && body?.method === 'tools/call' && body.params?.name === 'slow') await firstCancel;
      if (cancelFirst && body?.method === 'notifications/cancelled') {
        if (++cancels === 1) {
          res.writeHead(202).end();
          cancelled();
          return;
        }
        await slowStarted;
      }
      await t.handleRequest(req, res, body);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500).end(String(e));
    }
  });
  await new Promise((r) => http.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${http.address().port}`;
  return {
    url: sse ? `${base}/sse` : `${base}/mcp`,
    seen,
    get initializes() { return initializes; },
    get slowStopped() { return state.slowStopped; },
    /** Forgets every session: the next request with an old ID gets 404. */
    dropSessions() { sessions.clear(); },
    async close() {
      http.closeAllConnections?.();
      await new Promise((r) => http.close(r));
    },
  };
}

/**
 * Starts a Streamable HTTP server that wants OAuth: an authorization server
 * from the SDK's in-memory demo provider (dynamic client registration,
 * authorization code with PKCE, approved at once) and the MCP endpoint
 * behind the SDK's bearer-token middleware. Resolves to { url, seen,
 * failToken(on), close() }.
 */
export async function startOAuthServer() {
  const { default: express } = await import('express');
  const { DemoInMemoryAuthProvider } = await import('@modelcontextprotocol/sdk/examples/server/demoInMemoryOAuthProvider.js');
  const { mcpAuthRouter, mcpAuthMetadataRouter, createOAuthMetadata, getOAuthProtectedResourceMetadataUrl } = await import('@modelcontextprotocol/sdk/server/auth/router.js');
  const { requireBearerAuth } = await import('@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js');

  const listen = (app) => new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  const provider = new DemoInMemoryAuthProvider();
  const authApp = express();
  authApp.use(express.json());
  authApp.use(express.urlencoded());
  // The issuer is known once listening: a placeholder router is replaced.
  let authRouter = (req, res, next) => next();
  // failToken makes the token endpoint fail, as a proxy in front of it
  // that is down would.
  const ctl = { failToken: false };
  authApp.use((req, res, next) => {
    if (ctl.failToken && req.path === '/token') { res.status(502).type('text/plain').send('bad gateway'); return; }
    next();
  });
  authApp.use((req, res, next) => authRouter(req, res, next));
  const authHTTP = await listen(authApp);
  const issuer = new URL(`http://127.0.0.1:${authHTTP.address().port}`);
  authRouter = mcpAuthRouter({ provider, issuerUrl: issuer, scopesSupported: ['mcp:tools'] });

  const state = { grown: false };
  const seen = [];
  const sessions = new Map();
  const app = express();
  let mcpRoutes = (req, res, next) => next();
  app.use((req, res, next) => { seen.push({ method: req.method, path: req.path, value: req.headers.authorization }); next(); });
  app.use((req, res, next) => mcpRoutes(req, res, next));
  const http = await listen(app);
  const mcpURL = new URL(`http://127.0.0.1:${http.address().port}/mcp`);
  const routes = express.Router();
  routes.use(mcpAuthMetadataRouter({
    oauthMetadata: createOAuthMetadata({ provider, issuerUrl: issuer, scopesSupported: ['mcp:tools'] }),
    resourceServerUrl: mcpURL,
    scopesSupported: ['mcp:tools'],
  }));
  routes.all('/mcp', express.json(), requireBearerAuth({
    verifier: provider,
    resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(mcpURL),
  }), async (req, res) => {
    const sid = req.headers['mcp-session-id'];
    let t = sid ? sessions.get(sid) : undefined;
    if (sid && !t) { res.status(404).end(); return; }
    if (!t) {
      t = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), onsessioninitialized: (id) => { sessions.set(id, t); } });
      await newServer(state).connect(t);
    }
    await t.handleRequest(req, res, req.body);
  });
  mcpRoutes = routes;
  return {
    url: mcpURL.href,
    seen,
    /** Makes the token endpoint answer 502 (true) or work again. */
    failToken(on) { ctl.failToken = on; },
    async close() {
      for (const s of [http, authHTTP]) {
        s.closeAllConnections?.();
        await new Promise((r) => s.close(r));
      }
    },
  };
}
