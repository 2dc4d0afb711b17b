// Summarises the CPU profiles `npm run bench:sync -- --cpu-prof` writes (one per thread):
// self time by function and by source file or package, idle excluded.
// Usage: node bin/run-ts.js bench/sync/prof-summary.ts DIR [TOP=25]
// (DIR holds *.cpuprofile files, e.g. the `hub` or `secretariat` folder the bench prints).
// Native calls (SQLite, hashing) count as the self time of the JS function calling them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [dir, topArg] = process.argv.slice(2);
if (!dir) {
  process.stderr.write('usage: node bin/run-ts.js bench/sync/prof-summary.ts DIR [TOP]\n');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;

for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort()) {
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    total += us;
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    // Repository-relative paths, whether the code ran from the compiled runtime or the sources.
    const where = url.replace(/^.*node_modules\/(?!\.cache)/, 'npm:').replace(/^.*runtime\/[0-9a-f]+\//, '').replace(/^file:\/\/.*?\/(hub|secretariat|protocol)\//, '$1/');
    const fn = `${functionName || '(anonymous)'} ${where}${where ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    const unit = where.startsWith('npm:') ? where.split('/').slice(0, where.startsWith('npm:@') ? 2 : 1).join('/') : where || functionName;
    byFile.set(unit, (byFile.get(unit) ?? 0) + us);
  }
  const busy = total - idle;
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)} %`;
  process.stdout.write(`\n== ${file}: ${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(2)} s busy\n`);
  for (const [name, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`  ${ms(us)} ${pct(us)}  ${name}\n`);
  process.stdout.write('  -- by source file / package\n');
  for (const [name, us] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 15)) process.stdout.write(`  ${ms(us)} ${pct(us)}  ${name}\n`);
}
