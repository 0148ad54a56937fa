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

// Slack's hosts resolve on every online node, and the Slack probe's kernel samples then run: this machine resolves
// nothing outside, so a name it does resolve stands in for them (the gateway holds no socket to it).
export const RESOLVING_SLACK_HOSTS = { slack: { socketHosts: ['localhost'] } };

/** The events issue's metrics textfile and one alert webhook, to port 9 where nothing listens: an idle node sends nothing. */
export function metricsAndAlertsOn(dir: string): Record<string, unknown> {
  return { metrics: { textfile: join(dir, 'clawsup.prom') }, alerts: { webhooks: [{ url: 'http://127.0.0.1:9/hook', format: 'json' }] } };
}
