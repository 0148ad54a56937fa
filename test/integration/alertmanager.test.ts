import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDaemons, FIXTURES, startDaemon } from '../helpers/daemon.js';
import { freePort } from '../helpers/free-port.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

// Debian's prometheus-alertmanager (.ci/run installs it).
const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';
const node = process.execPath;
const ended: Array<() => Promise<void>> = [];

afterEach(async () => {
  await cleanupDaemons();
  for (const end of ended.splice(0).reverse()) await end();
});

interface Alertmanager {
  url: string;
  child: ChildProcess;
  output(): string;
}

/** A real Alertmanager on 127.0.0.1, routing everything to `receiverUrl` at once (group_wait and group_interval 1s), no cluster. */
async function startAlertmanager(dir: string, receiverUrl: string): Promise<Alertmanager> {
  const port = await freePort();
  const configPath = join(dir, 'alertmanager.yml');
  writeFileSync(
    configPath,
    [
      'route:',
      '  receiver: test',
      "  group_by: ['alertname']",
      '  group_wait: 1s',
      '  group_interval: 1s',
      '  repeat_interval: 4h',
      'receivers:',
      '  - name: test',
      '    webhook_configs:',
      `      - url: ${receiverUrl}`,
      '        send_resolved: true',
      '',
    ].join('\n'),
  );
  const child = spawn(ALERTMANAGER, [`--config.file=${configPath}`, `--storage.path=${join(dir, 'am-data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  ended.push(async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
    await exited;
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('Alertmanager answering /api/v2/status', async () => {
    if (child.exitCode !== null) throw new Error(`alertmanager exited ${child.exitCode}: ${output}`);
    const response = await fetch(`${url}/api/v2/status`);
    return response.ok;
  }, 20_000, 100);
  return { url, child, output: () => output };
}

describe('alerts to a real Alertmanager', () => {
  it('receives the diagnose alert (seen in its API) and, after recovery, its resolution (seen at the receiver behind it)', async () => {
    expect(existsSync(ALERTMANAGER), `${ALERTMANAGER} (apt-get install prometheus-alertmanager)`).toBe(true);
    const temp = makeTempDir('cs-am-');
    ended.push(async () => temp.remove());
    const receiver: WebhookReceiver = await startWebhookReceiver();
    ended.push(() => receiver.close());
    const alertmanager = await startAlertmanager(temp.path, receiver.url('/am'));

    const daemon = startDaemon({
      config: {
        gateway: { command: [node, join(FIXTURES, 'module-not-found.mjs')], stopTimeoutMs: 5_000 },
        alerts: { alertmanager: { url: alertmanager.url }, resolveHoldMs: 1_000, retryInitialDelayMs: 200, retryMaxDelayMs: 1_000 },
      },
    });
    await daemon.waitForStatus('diagnose', (s) => s.mode === 'diagnose');
    const [alert] = await waitFor('the diagnose alert in Alertmanager', async () => {
      const alerts = (await (await fetch(`${alertmanager.url}/api/v2/alerts`)).json()) as Array<Record<string, any>>;
      const found = alerts.filter((a) => a.labels.alertname === 'ClawsupDiagnose');
      return found.length > 0 ? found : undefined;
    }, 20_000, 100);
    expect(alert?.labels).toMatchObject({ alertname: 'ClawsupDiagnose', severity: 'critical', service: 'clawsup', rule: 'diagnose', host: daemon.status()?.daemon.host });
    expect(alert?.annotations.summary).toContain('module-not-found');
    expect(alert?.annotations.fix).toBe(daemon.status()?.diagnosis.hint);
    expect(alert?.status.state).toBe('active');

    // The fix: a gateway that runs. An edit of the config in diagnose mode is the fresh attempt.
    const config = JSON.parse(readFileSync(daemon.configPath, 'utf8'));
    config.gateway.command = [node, join(FIXTURES, 'forever.mjs')];
    writeFileSync(daemon.configPath, JSON.stringify(config, null, 2));
    daemon.child.kill('SIGHUP');
    await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy');

    const resolved = await waitFor('the resolution at the receiver behind Alertmanager', () =>
      receiver.requests.find((r) => r.body?.status === 'resolved' && r.body.alerts.some((a: Record<string, any>) => a.labels.alertname === 'ClawsupDiagnose')), 30_000, 100);
    const [resolvedAlert] = resolved.body.alerts;
    expect(resolvedAlert.status).toBe('resolved');
    expect(Date.parse(resolvedAlert.endsAt)).toBeGreaterThan(Date.parse(resolvedAlert.startsAt));
    expect(daemon.logs().filter((r) => r.msg === 'alert resolved').map((r) => r.alert)).toEqual(['diagnose']);
    await daemon.stop();
  }, 60_000);
});
