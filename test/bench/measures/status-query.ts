import { join } from 'node:path';
import { buildBenchEnv } from '../lib/bench-env.js';
import { BENCH_FIXTURES, CLAWCTL, startContender, type ContenderName, type RunningContender } from '../lib/contenders.js';
import { freePort } from '../../helpers/free-port.js';
import type { Measure } from '../lib/measure.js';
import { runCommand } from '../lib/run-command.js';
import { summarize } from '../lib/stats.js';

const RUNS = 30;
// Over `node -e 0`, run interleaved with the query (one each in turn), so load drifts hit both alike.
const TARGET_RATIO = 1.3;

/** A status query as a whole process, start-up included: what a monitoring check or an operator's shell pays. */
export const statusQuery: Measure = {
  id: 'status-cli',
  title: 'status query as a whole process',
  async run(options, report) {
    const runs = Math.max(30, Math.round(RUNS * options.runsScale));
    const bareNode = () => runCommand(process.execPath, ['-e', '0'], { env: buildBenchEnv() });
    for (const name of options.contenders) {
      const port = await freePort();
      const running = await startContender(name, { argv: [process.execPath, join(BENCH_FIXTURES, 'http-gateway.mjs'), String(port)] });
      try {
        const query = queryFor(running);
        const first = await query();
        if (first.code !== 0 && !(name === 'clawsup' && first.code !== null && first.code < 3)) {
          throw new Error(`${name} status query failed (exit ${first.code}): ${first.stderr.slice(0, 300)}`);
        }
        // clawsup also runs the least a Node client of its socket can cost, in the same interleaving.
        const bareClient =
          name === 'clawsup' ? () => runCommand(process.execPath, [join(BENCH_FIXTURES, 'bare-status-client.cjs'), running.paths.socketPath ?? ''], { env: buildBenchEnv() }) : undefined;
        const { times, floorTimes, clientTimes } = await timeInterleaved(runs, query, bareNode, bareClient);
        const summary = summarize(times);
        const floor = summarize(floorTimes);
        const ratio = summary.median / floor.median;
        report({ measure: this.title, contender: `node -e 0 (interleaved with ${commandLabel(name)})`, unit: 'ms', summary: floor });
        if (clientTimes.length > 0) {
          const client = summarize(clientTimes);
          report({
            measure: this.title,
            contender: 'bare client: one CJS file, net.connect, one status request (floor)',
            unit: 'ms',
            summary: client,
            note: `${(client.median / floor.median).toFixed(2)}× node -e 0: what any Node client of the socket pays`,
          });
        }
        report({
          measure: this.title,
          contender: `${name}: ${commandLabel(name)}`,
          unit: 'ms',
          summary,
          note: `${ratio.toFixed(2)}× node -e 0 (medians of ${runs} interleaved runs each)`,
          ...(name === 'clawsup' ? { target: `≤ ${TARGET_RATIO}× node -e 0 (${(floor.median * TARGET_RATIO).toFixed(1)} ms)`, isMet: ratio <= TARGET_RATIO } : {}),
        });
      } finally {
        await running.stop();
      }
    }
  },
};

function commandLabel(name: ContenderName): string {
  return { clawsup: 'clawctl status', pm2: 'pm2 jlist', supervisord: 'supervisorctl status', 'bare-spawn': '' }[name];
}

function queryFor(running: RunningContender) {
  const env = buildBenchEnv();
  switch (running.name) {
    case 'clawsup':
      return () => runCommand(process.execPath, [CLAWCTL, '--socket', running.paths.socketPath ?? '', 'status'], { env });
    case 'pm2':
      return () => runCommand(running.paths.pm2 ?? 'pm2', ['jlist'], { env: buildBenchEnv({ PM2_HOME: running.paths.pm2Home ?? '' }) });
    case 'supervisord':
      return () => runCommand(running.paths.supervisorctl ?? 'supervisorctl', ['-c', running.paths.confPath ?? '', 'status'], { env });
    case 'bare-spawn':
      throw new Error('a bare spawn loop has no status');
  }
}

type Timed = () => Promise<{ elapsedMs: number }>;

async function timeInterleaved(runs: number, action: Timed, floor: Timed, client?: Timed): Promise<{ times: number[]; floorTimes: number[]; clientTimes: number[] }> {
  const times: number[] = [];
  const floorTimes: number[] = [];
  const clientTimes: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    floorTimes.push((await floor()).elapsedMs);
    if (client) clientTimes.push((await client()).elapsedMs);
    times.push((await action()).elapsedMs);
  }
  return { times, floorTimes, clientTimes };
}
