import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, startContender } from '../lib/contenders.js';
import { freePort } from '../../helpers/free-port.js';
import type { Measure } from '../lib/measure.js';
import { pollFor } from '../lib/proc-stats.js';
import { summarize } from '../lib/stats.js';

const RUNS = 8;
const DEFAULT_INTERVAL_MS = 2_000;
const TARGET_MS = 100;
// The fake gateway binds, then prints `[gateway] ready` this long after (plus a random phase against the rounds).
const BOOT_MS = 500;
const FAKE_GATEWAY = join(REPO_ROOT, 'test/fixtures/fake-gateway.mjs');

/**
 * From the gateway printing `[gateway] ready` (its own clock) to clawsup's `healthy` (the `since` of that mode in
 * status.json, stamped by the supervisor when it decided), at the default probe interval and at 1 s.
 */
export const readyToHealthy: Measure = {
  id: 'ready',
  title: 'gateway prints `[gateway] ready` → clawsup says healthy',
  async run(options, report) {
    const runs = Math.max(3, Math.round(RUNS * options.runsScale));
    for (const intervalMs of [DEFAULT_INTERVAL_MS, 1_000]) {
      const lags: number[] = [];
      for (let run = 0; run < runs; run += 1) lags.push(await measureOnce(intervalMs));
      const summary = summarize(lags);
      const isDefault = intervalMs === DEFAULT_INTERVAL_MS;
      report({
        measure: `${this.title} (interval ${intervalMs} ms${isDefault ? ', the default' : ''})`,
        contender: 'clawsup',
        unit: 'ms',
        summary,
        ...(isDefault ? { target: `≤ ${TARGET_MS} ms at the default interval`, isMet: summary.median <= TARGET_MS } : {}),
        note: 'the ready line lands at a random phase against the probe rounds',
      });
    }
  },
};

async function measureOnce(intervalMs: number): Promise<number> {
  const port = await freePort();
  const startupMs = Math.round(BOOT_MS + Math.random() * intervalMs);
  const running = await startContender('clawsup', {
    argv: [process.execPath, FAKE_GATEWAY, '--port', String(port), '--startup-ms', String(startupMs)],
    health: { enabled: true, url: `http://127.0.0.1:${port}/healthz`, intervalMs },
  });
  try {
    const statusPath = join(running.paths.statusDir ?? '', 'status.json');
    const healthySince = await pollFor('healthy', () => {
      const status = readStatus(statusPath);
      return status?.mode === 'healthy' ? Date.parse(status.since ?? '') : undefined;
    }, 30_000, 5);
    const seen = (await (await fetch(`http://127.0.0.1:${port}/__probes`)).json()) as { readyLineAtMs: number | null };
    if (seen.readyLineAtMs === null) throw new Error('the fake gateway never printed its ready line');
    return healthySince - seen.readyLineAtMs;
  } finally {
    await running.stop();
  }
}

function readStatus(path: string): { mode?: string; since?: string } | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { mode?: string; since?: string };
  } catch {
    return null;
  }
}
