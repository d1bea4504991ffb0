import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

/** Only the journal layer (src/queue/journal.ts, migrations.ts, store/) speaks SQL or holds the database handle. */
const LAYER = [/^src\/queue\/journal\.ts$/, /^src\/queue\/migrations\.ts$/, /^src\/queue\/store\//, /^src\/queue\/lock\.ts$/];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('no database access outside the journal layer', () => {
  const offenders: string[] = [];
  for (const file of sources(join(repoRoot, 'src'))) {
    const rel = relative(repoRoot, file).replace(/\\/g, '/');
    if (LAYER.some((r) => r.test(rel))) continue;
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      if (/\.db\b|from 'better-sqlite3'|\.prepare\(\s*[`'"](SELECT|INSERT|UPDATE|DELETE|CREATE)/i.test(line)) offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(offenders, []);
});
