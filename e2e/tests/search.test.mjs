// The default layout of a large API is search: through the TypeScript SDK,
// search_operations on each shared description that gets it finds the
// operation for what a model asks (server/testdata/search_queries.json)
// among the first five, and first most of the time.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { childEnv, connect, tempDir, text } from '../lib/harness.mjs';

const dir = process.env.E2E_SHARED_SPECS ?? '';
const queries = JSON.parse(readFileSync(fileURLToPath(new URL('../../server/testdata/search_queries.json', import.meta.url)), 'utf8'));
const files = Object.keys(queries).filter((f) => existsSync(join(dir, f))).sort();

describe('search_operations on the shared descriptions', { skip: files.length === 0 ? `no specs in ${dir || '../shared/specs'}` : false }, () => {
  for (const f of files) {
    it(f, { timeout: 120_000 }, async (t) => {
      // No --layout: what a user gets.
      const s = await connect(['serve', '--spec', join(dir, f), '--base-url', 'http://127.0.0.1:9'],
        { env: childEnv({ RESTMCP_CONFIG_DIR: tempDir('config') }) });
      try {
        const { tools } = await s.client.listTools();
        if (!tools.some((x) => x.name === 'search_operations')) {
          t.diagnostic(`${f}: served as ${tools.length} tools, not searched`);
          return;
        }
        let first = 0;
        let five = 0;
        const misses = [];
        for (const { q, want } of queries[f]) {
          const res = await s.client.callTool({ name: 'search_operations', arguments: { query: q } });
          assert.equal(res.isError ?? false, false, text(res));
          // The matches, then a note when some are listed without their
          // schema to stay within the result budget.
          const found = JSON.parse(text(res).split('\n')[0]);
          assert.ok(found.length <= 5, 'five matches by default');
          const rank = found.findIndex((m) => want.includes(m.name));
          if (rank === 0) first++;
          if (rank >= 0) five++;
          else misses.push(`${q} → ${want[0]}`);
          if (rank === 0) assert.ok(found[0].inputSchema, `${q}: the first match has its input schema`);
        }
        const n = queries[f].length;
        t.diagnostic(`${f}: ${n} queries, first ${first}, in the first five ${five}${misses.length ? `; missed: ${misses.join('; ')}` : ''}`);
        assert.ok(five >= 0.9 * n && first >= 0.7 * n, `${f}: first ${first}/${n}, in the first five ${five}/${n}`);
      } finally {
        await s.close();
      }
    });
  }
});
