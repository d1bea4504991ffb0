import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  license: string; files: string[]; dependencies: Record<string, string>;
};

/** What `npm pack` would ship, as npm computes it (no build: --ignore-scripts). */
function packList(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
}

test('packaging: a LICENSE that says what package.json says', () => {
  assert.equal(pkg.license, 'MIT');
  assert.match(readFileSync(join(repoRoot, 'LICENSE'), 'utf8'), /^MIT License/);
});

test('packaging: the files list names only what ships, so no state directory can ever be packed', () => {
  // A state directory may appear anywhere under examples/ (the example's paths.state is relative):
  // no entry may be a folder that could hold one.
  for (const entry of pkg.files) {
    assert.notEqual(entry, 'examples', 'examples/ as a whole would ship examples/state');
    assert.ok(!'examples/state/'.startsWith(`${entry}/`), `${entry} would ship examples/state`);
  }
  const list = packList();
  assert.ok(list.includes('LICENSE') && list.includes('examples/labmss.json') && list.includes('bin/labmss.js'));
  assert.deepEqual(list.filter((p) => /^(examples\/state|src|test|build|node_modules)\//.test(p)), []);
});

test('packaging: the example config\'s $schema resolves inside the installed package', () => {
  const example = JSON.parse(readFileSync(join(repoRoot, 'examples', 'labmss.json'), 'utf8')) as { $schema: string };
  const target = posix.normalize(posix.join('examples', example.$schema));
  assert.equal(target, 'dist/config/config.schema.json', 'the schema tsc copies into dist/, which ships');
  assert.ok(pkg.files.includes('dist'));
});

test('packaging: every dependency is imported by the code', () => {
  const sources: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p); else if (n.endsWith('.ts')) sources.push(readFileSync(p, 'utf8'));
    }
  };
  walk(join(repoRoot, 'src'));
  const all = sources.join('\n');
  const unused = Object.keys(pkg.dependencies).filter((d) => !new RegExp(`['"]${d.replace(/[/.]/g, '\\$&')}(/[^'"]*)?['"]`).test(all));
  assert.deepEqual(unused, []);
});

test('packaging: the cron example names labmss by an absolute path (cron\'s PATH is minimal)', () => {
  const cron = readFileSync(join(repoRoot, 'examples', 'cron', 'labmss.cron'), 'utf8');
  const job = cron.split('\n').find((l) => /^[*\d]/.test(l))!;
  const command = job.trim().split(/\s+/)[6]!;
  assert.ok(command.startsWith('/') && command.endsWith('/labmss'), job);
  assert.equal(dirname(command), '/usr/local/bin');
});

test('packaging: .ci/run packs the tarball, installs it in a temporary prefix and runs the example and --help', () => {
  const ci = readFileSync(join(repoRoot, '.ci', 'run'), 'utf8');
  assert.match(ci, /npm pack/);
  assert.match(ci, /npm install --global --prefix/);
  assert.match(ci, /labmss" run --config demo\/labmss\.json/);
  assert.match(ci, /--help/);
});
