/**
 * The fencer: a tiny process beside clawsupd that turns the gateway's cron off when clawsupd stops renewing its word.
 * clawsupd sends one line per renewal, `{"guardForMs":N}` (cron may stay on for N ms more) or `{"guardForMs":null}`
 * (cron is off, nothing to guard). When N ms pass with no new line (clawsupd frozen by SIGSTOP, or stuck), or stdin ends
 * (clawsupd died), it writes cron.enabled false itself: before the lease can expire and another node turn cron on.
 *
 * Usage: node fencer.js <openclaw-config-path>
 */
import { createInterface } from 'node:readline';
import { readCronEnabled, writeCronEnabled } from './cron-switch.js';

const configPath = process.argv[2];
if (configPath === undefined) {
  process.stderr.write('usage: fencer <openclaw-config-path>\n');
  process.exit(64);
}

let deadline: NodeJS.Timeout | null = null;

function fence(why: string): void {
  try {
    if (readCronEnabled(configPath as string)) {
      writeCronEnabled(configPath as string, false);
      process.stdout.write(`${JSON.stringify({ fenced: true, why })}\n`);
    }
  } catch (error) {
    process.stderr.write(`fencer: cannot turn cron off in ${configPath}: ${(error as Error).message}\n`);
  }
}

function guard(guardForMs: number | null): void {
  if (deadline !== null) clearTimeout(deadline);
  deadline = null;
  if (guardForMs === null) return;
  if (guardForMs <= 0) return fence('deadline');
  deadline = setTimeout(() => fence('heartbeat-missed'), guardForMs);
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  try {
    const message = JSON.parse(line) as { guardForMs?: unknown };
    guard(typeof message.guardForMs === 'number' ? message.guardForMs : null);
  } catch {
    process.stderr.write('fencer: a line that is not JSON; ignored\n');
  }
});
// clawsupd is gone: nobody renews the lease any more.
lines.on('close', () => {
  if (deadline !== null) clearTimeout(deadline);
  fence('clawsupd-gone');
  process.exit(0);
});
// Signals that would end the fencer first turn cron off: the fence must not go down with cron still on.
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.on(signal, () => {
    fence(signal);
    process.exit(0);
  });
}
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
