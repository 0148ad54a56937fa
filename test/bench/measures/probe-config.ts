import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../lib/contenders.js';

/** Whether the built clawsupd attaches HTTP probes (issue 3); the bench measures what the build has. */
export async function hasProbes(): Promise<boolean> {
  const { DAEMON_PARTS } = (await import(pathToFileURL(join(REPO_ROOT, 'dist', 'daemon', 'daemon-parts.js')).href)) as { DAEMON_PARTS: Array<{ name: string }> };
  return DAEMON_PARTS.some((part) => /probe|health/i.test(part.name));
}

/** clawsup's health section probing `url` every second. */
export function probeEverySecond(url: string): Record<string, unknown> {
  return { enabled: true, url, intervalMs: 1_000, timeoutMs: 500, failureThreshold: 3 };
}
