// CLAWSUP_BENCH_CLAWSUPD=/copy/of/dist/daemon/clawsupd.js to measure another build (default dist/clawsupd.cjs, as the
// units run it); CLAWSUP_BENCH_NODE_FLAGS for its Node flags (default: those of units/clawsupd.service);
// CLAWSUP_BENCH_NODE=/path/to/node runs the whole bench on that Node: clawsupd, the floors, the fixtures and PM2.
// --real-openclaw (or CLAWSUP_BENCH_REAL_OPENCLAW=1) adds the real gateway's crash recovery (opt-in: it installs
// openclaw@2026.9.6 with test/helpers/install-openclaw.sh and boots it a few times).
// npm run bench [-- --peers] [--only restart,flood] [--runs-scale 0.5] [--soak-minutes 60] [--out FILE]
import { spawnSync } from 'node:child_process';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { describeMachine, readLoadAvg } from './lib/bench-env.js';
import type { ContenderName } from './lib/contenders.js';
import type { BenchOptions, BenchRow, Measure } from './lib/measure.js';
import { formatTable } from './lib/format-table.js';
import { MEASURES } from './measures/index.js';

const DEFAULT_OUT = join(homedir(), '.cache', 'clawsup', 'bench', 'results', 'latest.json');

async function main(): Promise<void> {
  const benchNode = process.env.CLAWSUP_BENCH_NODE;
  if (benchNode !== undefined && realpathSync(benchNode) !== realpathSync(process.execPath)) {
    // Everything the bench starts uses process.execPath: run the bench itself on that Node.
    const rerun = spawnSync(benchNode, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
    process.exitCode = rerun.status ?? 1;
    return;
  }
  const { values } = parseArgs({
    options: {
      peers: { type: 'boolean', default: false },
      'real-openclaw': { type: 'boolean', default: false },
      only: { type: 'string' },
      'runs-scale': { type: 'string', default: '1' },
      'soak-minutes': { type: 'string', default: '0' },
      'idle-seconds': { type: 'string', default: '120' },
      out: { type: 'string', default: DEFAULT_OUT },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(
      `Usage: npm run bench -- [--peers] [--real-openclaw] [--only ${MEASURES.map((m) => m.id).join(',')}] [--runs-scale N] [--idle-seconds N] [--soak-minutes N] [--out FILE]\n`,
    );
    return;
  }
  const contenders: ContenderName[] = values.peers ? ['clawsup', 'pm2', 'supervisord'] : ['clawsup'];
  const options: BenchOptions = {
    contenders,
    runsScale: Number(values['runs-scale']),
    soakMinutes: Number(values['soak-minutes']),
    idleSampleSeconds: Number(values['idle-seconds']),
  };
  const isRealOpenClaw = values['real-openclaw'] || process.env.CLAWSUP_BENCH_REAL_OPENCLAW === '1';
  const selected = values.only ? values.only.split(',') : MEASURES.filter((measure) => !measure.isOptIn || isRealOpenClaw).map((measure) => measure.id);
  const unknown = selected.filter((id) => !MEASURES.some((measure) => measure.id === id));
  if (unknown.length > 0) throw new Error(`unknown measure(s): ${unknown.join(', ')}`);

  const machine = describeMachine();
  const startedAt = new Date().toISOString();
  process.stderr.write(`clawsup bench on ${machine.cpuCount}× ${machine.cpuModel}, Node ${machine.node}, load ${machine.loadAvgAtStart.join(' ')}\n`);
  process.stderr.write('NODE_EXTRA_CA_CERTS is unset for every contender alike (it adds ~150 ms to each Node start here).\n');
  const rows: BenchRow[] = [];
  const failures: Array<{ measure: string; error: string }> = [];
  for (const measure of MEASURES.filter((candidate) => selected.includes(candidate.id))) {
    process.stderr.write(`measuring: ${measure.title}\n`);
    try {
      await measure.run(options, (row) => {
        const full = { ...row, loadAvg: readLoadAvg() };
        rows.push(full);
        process.stderr.write(`  ${row.contender}: median ${row.summary.median.toFixed(2)} ${row.unit}, p99 ${row.summary.p99.toFixed(2)} (${row.summary.runs} runs)\n`);
      });
    } catch (error) {
      failures.push({ measure: measure.id, error: (error as Error).message });
      process.stderr.write(`  failed: ${(error as Error).message}\n`);
    }
  }
  const result = {
    startedAt,
    finishedAt: new Date().toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine,
    loadAvgAtEnd: readLoadAvg(),
    env: 'NODE_EXTRA_CA_CERTS unset for every contender',
    rows,
    failures,
  };
  process.stdout.write(`${formatTable(rows)}\n`);
  process.stdout.write(`machine: ${machine.cpuCount}× ${machine.cpuModel}, ${machine.memoryGiB} GiB, Linux ${machine.kernel}, Node ${machine.node}\n`);
  process.stdout.write(`load average at start ${machine.loadAvgAtStart.join(' ')}, at end ${result.loadAvgAtEnd.join(' ')}\n`);
  process.stdout.write('NODE_EXTRA_CA_CERTS unset for every contender alike.\n');
  const outPath = resolve(values.out ?? DEFAULT_OUT);
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`results: ${outPath}\n`);
  if (failures.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exitCode = 1;
});

export type { Measure };
