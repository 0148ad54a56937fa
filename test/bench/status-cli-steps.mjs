// Where `clawctl status`'s time goes, one step at a time, each step a whole Node process, all interleaved so load
// drifts hit each alike: Node alone, + node:net, + a connect to the control socket, + one status request (the bench's
// bare client), then clawctl status itself. Medians of RUNS each, and each over `node -e 0`.
//   NODE_EXTRA_CA_CERTS= node test/bench/status-cli-steps.mjs SOCKET [RUNS] [--node PATH]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const nodeAt = args.indexOf('--node');
const nodePath = nodeAt === -1 ? process.execPath : args.splice(nodeAt, 2)[1];
const [socketPath, runsArg = '30'] = args;
if (!socketPath) {
  process.stderr.write('usage: node test/bench/status-cli-steps.mjs SOCKET [RUNS] [--node PATH]\n');
  process.exit(2);
}
const runs = Number(runsArg);
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;
const fixture = (name) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const clawctl = fileURLToPath(new URL('../../dist/clawctl.cjs', import.meta.url));
const steps = [
  ['node -e 0', ['-e', '0']],
  ['+ node:net loaded', ['-e', "require('node:net')"]],
  ['+ connected to the socket', ['-e', "const s = require('node:net').connect(process.argv[1]); s.on('connect', () => s.destroy())", socketPath]],
  ['+ one status request (bare client)', [fixture('bare-status-client.cjs'), socketPath]],
  ['clawctl status', [clawctl, '--socket', socketPath, 'status']],
];
const times = steps.map(() => []);
for (let run = 0; run < runs; run += 1) {
  steps.forEach(([, argv], i) => {
    const startedAt = performance.now();
    spawnSync(nodePath, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    times[i].push(performance.now() - startedAt);
  });
}
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const base = median(times[0]);
const version = spawnSync(nodePath, ['--version'], { encoding: 'utf8' }).stdout.trim();
process.stdout.write(`Node ${version}, ${runs} interleaved runs each\n`);
steps.forEach(([label], i) => process.stdout.write(`${label.padEnd(36)} ${median(times[i]).toFixed(1).padStart(6)} ms  ${(median(times[i]) / base).toFixed(2)}×\n`));
