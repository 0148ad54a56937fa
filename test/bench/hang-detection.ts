/**
 * Measures how long clawsupd takes to call a hung gateway hung, against the bound
 * `intervalMs × failureThreshold + timeoutMs`. The gateway (test/fixtures/fake-gateway.mjs) is SIGSTOPped at a known
 * instant; detection is the time of clawsupd's 'gateway unresponsive' log line.
 * Run: npm run build && node --import tsx test/bench/hang-detection.ts [runs] [intervalMs] [timeoutMs] [failureThreshold]
 */
import { join } from 'node:path';
import { cleanupDaemons, FIXTURES, startDaemon } from '../helpers/daemon.js';
import { freePort } from '../helpers/free-port.js';

const [runs = 5, intervalMs = 2_000, timeoutMs = 1_000, failureThreshold = 3] = process.argv.slice(2).map(Number);
const boundMs = intervalMs * failureThreshold + timeoutMs;
const slacksMs: number[] = [];

for (let run = 0; run < runs; run++) {
  const port = await freePort();
  const daemon = startDaemon({
    config: {
      gateway: { command: [process.execPath, join(FIXTURES, 'fake-gateway.mjs'), '--port', String(port)] },
      health: { enabled: true, url: `http://127.0.0.1:${port}/healthz`, intervalMs, timeoutMs, failureThreshold, startupGraceMs: 30_000 },
    },
  });
  try {
    const healthy = await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy', 30_000);
    // A random phase against the probe rounds, so the spread covers the best and the worst case.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * intervalMs));
    const hungAtMs = Date.now();
    process.kill(healthy.gateway.pid, 'SIGSTOP');
    const detected = await daemon.waitForLog('hang detected', (r) => r.msg === 'gateway unresponsive: killing its process group', boundMs + 30_000);
    const detectionMs = Date.parse(String(detected.time)) - hungAtMs;
    slacksMs.push(detectionMs - boundMs);
    process.stdout.write(`run ${run + 1}: detected after ${detectionMs} ms (bound ${boundMs} ms, slack ${detectionMs - boundMs} ms)\n`);
  } finally {
    await cleanupDaemons();
  }
}
slacksMs.sort((a, b) => a - b);
process.stdout.write(`slack over the bound: min ${slacksMs[0]} ms, median ${slacksMs[Math.floor(slacksMs.length / 2)]} ms, max ${slacksMs[slacksMs.length - 1]} ms (${runs} runs)\n`);
