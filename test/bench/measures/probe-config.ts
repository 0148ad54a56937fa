import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../lib/contenders.js';

/** Whether the built clawsupd attaches HTTP probes (issue 3); the bench measures what the build has. */
export async function hasProbes(): Promise<boolean> {
  const { ATTACHMENTS } = (await import(pathToFileURL(join(REPO_ROOT, 'dist', 'attachments.js')).href)) as { ATTACHMENTS: Array<{ name: string }> };
  return ATTACHMENTS.some((attachment) => /probe|health/i.test(attachment.name));
}

/** clawsup's health section probing `url` every second. */
export function probeEverySecond(url: string): Record<string, unknown> {
  return { enabled: true, url, intervalMs: 1_000, timeoutMs: 500, failureThreshold: 3 };
}
