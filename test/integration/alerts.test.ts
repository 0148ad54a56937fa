import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDaemons, FIXTURES, startDaemon, type Daemon } from '../helpers/daemon.js';
import { freePort } from '../helpers/free-port.js';
import { requestControl, runClawctl } from '../helpers/control.js';
import { killGroup } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { startWebhookReceiver, type Answer, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const node = process.execPath;
// The part of a webhook URL that is its key: it must never reach a log line, status.json or stderr.
const SECRET = `T0AL3RT/B0AL3RT/hook-secret-${process.pid}`;
const receivers: WebhookReceiver[] = [];
const temps: Array<{ remove(): void }> = [];

afterEach(async () => {
  await cleanupDaemons();
  for (const receiver of receivers.splice(0)) await receiver.close();
  for (const temp of temps.splice(0)) temp.remove();
});

async function receiver(answer?: (index: number) => Answer, port?: number): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver(answer, port);
  receivers.push(started);
  return started;
}

function expectNoSecret(daemon: Daemon): void {
  const everything = JSON.stringify(daemon.logs()) + daemon.stderr() + JSON.stringify(daemon.status());
  expect(everything).not.toContain(SECRET);
}

/** Rewrites the daemon's config file and has it reloaded (SIGHUP). */
function reload(daemon: Daemon, change: (config: Record<string, any>) => void): void {
  const config = JSON.parse(readFileSync(daemon.configPath, 'utf8'));
  change(config);
  writeFileSync(daemon.configPath, JSON.stringify(config, null, 2));
  daemon.child.kill('SIGHUP');
}

const DIAGNOSE_GATEWAY = { command: [node, join(FIXTURES, 'module-not-found.mjs')], stopTimeoutMs: 5_000 };
const fastRetry = { retryInitialDelayMs: 200, retryMaxDelayMs: 1_000 };

describe('alerts to a Slack webhook', () => {
  it('a flapping Slack socket, cleared and back within the hold, then cleared for good: one firing and one resolved message', async () => {
    const slack = await receiver();
    const port = await freePort();
    const daemon = startDaemon({
      config: {
        gateway: { command: [node, join(FIXTURES, 'fake-gateway.mjs'), '--port', String(port), '--startup-ms', '300'], stopTimeoutMs: 5_000 },
        restart: { initialDelayMs: 200, minUptimeMs: 500 },
        health: { enabled: true, url: `http://127.0.0.1:${port}/healthz`, intervalMs: 200, timeoutMs: 500, failureThreshold: 3, startupGraceMs: 15_000 },
        slack: { rpcIntervalMs: 300, staleAfterMs: 60_000, maxDisconnectsPerHour: 3 },
        alerts: { webhooks: [{ url: slack.url(`/services/${SECRET}`), format: 'slack' }], resolveHoldMs: 4_000, ...fastRetry },
      },
    });
    const control = async (command: object): Promise<void> => {
      const response = await fetch(`http://127.0.0.1:${port}/__control`, { method: 'POST', body: JSON.stringify(command) });
      expect(response.status).toBe(200);
    };
    await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy');
    // Four disconnects and a reconnect: connected, but past maxDisconnectsPerHour.
    await control({ slack: 'flapping', count: 4 });
    await control({ slack: 'connected' });
    await daemon.waitForStatus('flapping', (s) => s.probes?.slack.state === 'flapping');
    const [firing] = await slack.waitForRequests('the firing message', 1);
    expect(firing?.path).toBe(`/services/${SECRET}`);
    expect(firing?.body.text).toMatch(/^:warning: \[FIRING\] the gateway on .+ has a flapping Slack socket/);
    expect(firing?.body.text).toContain('4 disconnects in the last hour');
    expect(firing?.body.text).toContain('Fix: ');

    // The limit raised, the socket counts as connected; lowered again within the hold, it flaps again: the same alert.
    reload(daemon, (config) => void (config.slack.maxDisconnectsPerHour = 100));
    await daemon.waitForStatus('connected after the reload', (s) => s.probes?.slack.state === 'connected' && s.mode === 'healthy');
    reload(daemon, (config) => void (config.slack.maxDisconnectsPerHour = 3));
    await daemon.waitForStatus('flapping again', (s) => s.probes?.slack.state === 'flapping');
    await control({ slack: 'flapping', count: 2 });
    await control({ slack: 'connected' });
    reload(daemon, (config) => void (config.slack.maxDisconnectsPerHour = 100));
    const clearedAt = await daemon.waitForStatus('connected for good', (s) => s.probes?.slack.state === 'connected' && s.mode === 'healthy');

    const [, resolved] = await slack.waitForRequests('the resolved message', 2, 30_000);
    expect(resolved?.body.text).toMatch(/^:white_check_mark: \[RESOLVED\] the gateway on .+ has a flapping Slack socket/);
    // Resolved only after the hold: at least resolveHoldMs after the socket was last seen connected.
    expect(resolved!.atMs - Date.parse(clearedAt.updatedAt)).toBeGreaterThanOrEqual(3_000);
    expect((await daemon.stop()).code).toBe(0);
    expect(slack.requests.map((r) => r.body.text.split(' ')[1])).toEqual(['[FIRING]', '[RESOLVED]']);
    expect(daemon.logs().filter((r) => r.msg === 'alert firing').map((r) => r.alert)).toEqual(['slack-flapping']);
    expectNoSecret(daemon);
  }, 60_000);
});

describe('alert delivery faults', () => {
  it('a webhook URL that is not http(s): clawsupd refuses the config, naming the key, never the URL', async () => {
    const daemon = startDaemon({ config: { gateway: DIAGNOSE_GATEWAY, alerts: { webhooks: [{ url: `file:///tmp/${SECRET}`, format: 'slack' }] } } });
    const { code } = await daemon.exited;
    expect(code).toBe(78);
    expect(daemon.stderr() + JSON.stringify(daemon.logs())).toMatch(/alerts\.webhooks\.0\.url: expected an http:\/\/ or https:\/\/ URL, found a string \(not shown/);
    expectNoSecret(daemon);
  });

  it('a webhook answering 500 and then 200: retried with backoff, delivered once, the failure said clearly', async () => {
    const hook = await receiver((index) => ({ status: index === 0 ? 500 : 200 }));
    const daemon = startDaemon({ config: { gateway: DIAGNOSE_GATEWAY, alerts: { webhooks: [{ url: hook.url(`/${SECRET}`), format: 'json' }], ...fastRetry } } });
    await daemon.waitForStatus('diagnose', (s) => s.mode === 'diagnose');
    const delivered = await daemon.waitForLog('delivered', (r) => r.msg === 'alert delivered again after failures');
    expect(delivered).toMatchObject({ target: 'webhook #1', host: `127.0.0.1:${hook.port}`, alert: 'diagnose firing' });
    const failed = daemon.logs().find((r) => r.msg === 'alert not delivered: trying again');
    expect(failed).toMatchObject({ target: 'webhook #1', error: 'answered HTTP 500', attempts: 1, retryInMs: 200 });
    await daemon.stop();
    expect(hook.requests).toHaveLength(2);
    expect(hook.requests[1]?.body).toMatchObject({ version: 1, source: 'clawsup', status: 'firing', alert: 'diagnose', severity: 'critical', endsAt: null });
    expect(hook.requests[1]?.body.fix).toEqual(expect.any(String));
    expect(hook.requests[1]?.body.summary).toContain('module-not-found');
    expectNoSecret(daemon);
  }, 30_000);

  it('a webhook that hangs: the daemon keeps answering, the delivery times out and is tried again, and waits in the outbox', async () => {
    const hook = await receiver(() => 'hang');
    const daemon = startDaemon({ config: { gateway: DIAGNOSE_GATEWAY, alerts: { webhooks: [{ url: hook.url(`/${SECRET}`), format: 'slack' }], timeoutMs: 500, ...fastRetry } } });
    await daemon.waitForStatus('diagnose', (s) => s.mode === 'diagnose');
    await hook.waitForRequests('a first attempt', 1);
    const startedMs = Date.now();
    const { result } = await requestControl(daemon.socketPath, 'status');
    expect(result.mode).toBe('diagnose');
    expect(Date.now() - startedMs).toBeLessThan(400);
    const timedOut = await daemon.waitForLog('timed out', (r) => r.msg === 'alert not delivered: trying again');
    expect(timedOut.error).toBe('no answer within 500 ms (timed out)');
    await hook.waitForRequests('a second attempt', 2);
    expect((await daemon.stop()).signal).toBeNull();
    const outbox = JSON.parse(readFileSync(join(daemon.statusDir, 'alerts-outbox.json'), 'utf8'));
    expect(outbox.messages.map((m: { label: string }) => m.label)).toEqual(['diagnose firing']);
    expect(JSON.stringify(outbox)).not.toContain(SECRET);
    expectNoSecret(daemon);
  }, 30_000);

  it('a webhook answering 200 slowly, within the timeout: delivered once, the daemon answering meanwhile', async () => {
    const hook = await receiver(() => ({ status: 200, delayMs: 1_500 }));
    const daemon = startDaemon({ config: { gateway: DIAGNOSE_GATEWAY, alerts: { webhooks: [{ url: hook.url(`/${SECRET}`), format: 'json' }], timeoutMs: 5_000, ...fastRetry } } });
    await hook.waitForRequests('the attempt', 1);
    const { result } = await requestControl(daemon.socketPath, 'status');
    expect(result.mode).toBe('diagnose');
    await daemon.waitForLog('delivered', (r) => r.msg === 'alert delivered');
    await daemon.stop();
    expect(hook.requests).toHaveLength(1);
    expect(daemon.logs().some((r) => r.msg === 'alert not delivered: trying again')).toBe(false);
  }, 30_000);

  it('a webhook that redirects: not followed, said clearly, the URL it points to never reached', async () => {
    const elsewhere = await receiver();
    const hook = await receiver(() => ({ status: 302, headers: { location: elsewhere.url('/caught') } }));
    const daemon = startDaemon({ config: { gateway: DIAGNOSE_GATEWAY, alerts: { webhooks: [{ url: hook.url(`/${SECRET}`), format: 'slack' }], ...fastRetry } } });
    const failed = await daemon.waitForLog('redirect refused', (r) => r.msg === 'alert not delivered: trying again');
    expect(failed.error).toBe('answered HTTP 302 (a redirect): not followed; put the URL it redirects to in the config');
    await hook.waitForRequests('tried again', 2);
    await daemon.stop();
    expect(elsewhere.requests).toEqual([]);
    expectNoSecret(daemon);
  }, 30_000);

  it('status.json and clawctl status show what fires, the outbox and each target\'s last error, never the URL; cleared once delivered', async () => {
    let isRefusing = true;
    const hook = await receiver(() => ({ status: isRefusing ? 500 : 200 }));
    const daemon = startDaemon({ config: { gateway: DIAGNOSE_GATEWAY, alerts: { webhooks: [{ url: hook.url(`/${SECRET}`), format: 'json' }], ...fastRetry } } });
    const failing = await daemon.waitForStatus('the alerts section with a failing target', (s) => s.alerts?.targets?.[0]?.lastError != null && s.alerts.firing.length === 1);
    expect(failing.alerts).toMatchObject({
      firing: [{ key: 'diagnose', rule: 'diagnose', subject: null, severity: 'critical', clearedAt: null }],
      outboxDepth: 1,
      droppedMessages: 0,
      targets: [{ target: 'webhook #1', pending: 1, lastDeliveredAt: null, lastError: 'answered HTTP 500' }],
    });
    expect(Date.parse(failing.alerts.firing[0].since)).toBeLessThanOrEqual(Date.parse(failing.alerts.targets[0].lastErrorAt));
    const shown = await runClawctl(['--config', daemon.configPath, 'status']);
    expect(shown.stdout.split('\n').filter((line) => line.startsWith('alerts:'))).toEqual([
      expect.stringMatching(/^alerts: 1 firing \(diagnose since .+ ago\); webhook #1 failing .+ ago: answered HTTP 500 \(1 pending\)$/),
    ]);
    expect(shown.stdout).not.toContain(SECRET);
    isRefusing = false;
    const delivered = await daemon.waitForStatus('delivered: the target no longer failing', (s) => s.alerts?.targets?.[0]?.lastError === null && s.alerts.outboxDepth === 0);
    expect(delivered.alerts.targets[0]).toMatchObject({ pending: 0, lastDeliveredAt: expect.any(String), lastErrorAt: expect.any(String) });
    // Still firing (diagnose), nothing failing: still the one line, with the alert alone.
    expect((await runClawctl(['--config', daemon.configPath, 'status'])).stdout).toMatch(/^alerts: 1 firing \(diagnose since .+ ago\)$/m);
    await daemon.stop();
    expectNoSecret(daemon);
  }, 30_000);

  it('an alert not delivered before a daemon restart is delivered by the next daemon, once', async () => {
    const port = await freePort();
    const config = { gateway: DIAGNOSE_GATEWAY, alerts: { webhooks: [{ url: `http://127.0.0.1:${port}/${SECRET}`, format: 'json' }], ...fastRetry } };
    const first = startDaemon({ config });
    const refused = await first.waitForLog('refused', (r) => r.msg === 'alert not delivered: trying again');
    expect(refused.error).toBe('ECONNREFUSED');
    await first.stop();
    const outboxPath = join(first.statusDir, 'alerts-outbox.json');
    expect(JSON.parse(readFileSync(outboxPath, 'utf8')).messages).toHaveLength(1);

    const hook = await receiver(undefined, port);
    const second = startDaemon({ config: { ...config, status: { dir: first.statusDir } }, dir: first.dir });
    await second.waitForLog('from before', (r) => r.msg === 'undelivered alerts from before: sending them' && r.pending === 1);
    await second.waitForStatus('diagnose again', (s) => s.mode === 'diagnose');
    await second.waitForLog('delivered', (r) => r.msg === 'alert delivered');
    await second.stop();
    // The same diagnose episode continued: the old message delivered, no second firing.
    expect(hook.requests.map((r) => `${r.body.alert} ${r.body.status}`)).toEqual(['diagnose firing']);
    expect(second.logs().some((r) => r.msg === 'alert firing')).toBe(false);
    expect(JSON.parse(readFileSync(outboxPath, 'utf8')).messages).toEqual([]);
    expectNoSecret(first);
    expectNoSecret(second);
  }, 40_000);

  it('clawsupd back after a crash of its own alerts once; after a clean stop it does not', async () => {
    const hook = await receiver();
    const config = { gateway: { command: [node, join(FIXTURES, 'forever.mjs')], stopTimeoutMs: 5_000 }, alerts: { webhooks: [{ url: hook.url(`/${SECRET}`), format: 'json' }], ...fastRetry } };
    const first = startDaemon({ config });
    const healthy = await first.waitForStatus('healthy', (s) => s.mode === 'healthy');
    await waitFor('the running mark', () => existsSync(join(first.statusDir, 'alerts-running.json')));
    await first.stop('SIGKILL');
    killGroup(healthy.gateway.pid);

    const second = startDaemon({ config: { ...config, status: { dir: first.statusDir } }, dir: first.dir });
    const [crashed] = await hook.waitForRequests('the crash alert', 1);
    expect(crashed?.body).toMatchObject({ alert: 'daemon-crashed', status: 'firing' });
    expect(crashed?.body.description).toContain(`pid ${first.pid}`);
    await second.waitForStatus('healthy', (s) => s.mode === 'healthy');
    await second.waitForLog('delivered', (r) => r.msg === 'alert delivered');
    await second.stop();
    expect(existsSync(join(first.statusDir, 'alerts-running.json'))).toBe(false);

    const third = startDaemon({ config: { ...config, status: { dir: first.statusDir } }, dir: first.dir });
    await third.waitForStatus('healthy', (s) => s.mode === 'healthy' && s.daemon.pid === third.pid);
    await third.waitForLog('alerts on', (r) => r.msg === 'alerts on');
    await third.stop();
    expect(third.logs().some((r) => r.msg === 'alert firing' && r.alert === 'daemon-crashed')).toBe(false);
    expect(hook.requests.map((r) => `${r.body.alert} ${r.body.status}`).filter((t) => t.startsWith('daemon-crashed firing'))).toHaveLength(1);
  }, 40_000);
});

describe('alert rules and Alertmanager, end to end', () => {
  it('more restarts in the hour than alerts.rules.restartsPerHour: restart-storm fires, before diagnose mode', async () => {
    const hook = await receiver();
    startDaemon({
      config: {
        gateway: { command: [node, join(FIXTURES, 'crash-after.mjs'), '300'] },
        restart: { initialDelayMs: 200, multiplier: 2, maxDelayMs: 5_000, minUptimeMs: 500 },
        alerts: { webhooks: [{ url: hook.url(`/${SECRET}`), format: 'json' }], rules: { restartsPerHour: 1 }, ...fastRetry },
      },
    });
    const requests = await waitFor('restart-storm and diagnose', () => {
      const alerts = hook.requests.map((r) => r.body.alert);
      return alerts.includes('restart-storm') && alerts.includes('diagnose') ? hook.requests : undefined;
    }, 30_000);
    expect(requests.map((r) => `${r.body.alert} ${r.body.status}`)).toEqual(['restart-storm firing', 'diagnose firing']);
    expect(requests[0]?.body.summary).toMatch(/restarted the gateway 2 times in the last hour \(limit 1\)/);
  }, 40_000);

  it('Alertmanager gets the active alert again every resendIntervalMs, without endsAt, and once with endsAt when resolved', async () => {
    const api = await receiver();
    const daemon = startDaemon({
      config: {
        gateway: { command: [node, join(FIXTURES, 'module-not-found.mjs')], stopTimeoutMs: 5_000 },
        alerts: { alertmanager: { url: api.url('/am'), resendIntervalMs: 1_000 }, resolveHoldMs: 0, ...fastRetry },
      },
    });
    const sent = await api.waitForRequests('three sends while active', 3);
    for (const request of sent) {
      expect(request).toMatchObject({ method: 'POST', path: '/am/api/v2/alerts' });
      expect(request.body).toEqual([expect.objectContaining({ labels: expect.objectContaining({ alertname: 'ClawsupDiagnose' }) })]);
      expect(request.body[0]).not.toHaveProperty('endsAt');
    }
    expect(new Set(sent.map((r) => r.body[0].startsAt)).size).toBe(1);
    const config = JSON.parse(readFileSync(daemon.configPath, 'utf8'));
    config.gateway.command = [node, join(FIXTURES, 'forever.mjs')];
    writeFileSync(daemon.configPath, JSON.stringify(config, null, 2));
    daemon.child.kill('SIGHUP');
    const ended = await waitFor('the resolution', () => api.requests.find((r) => r.body[0]?.endsAt !== undefined));
    expect(Date.parse(ended.body[0].endsAt)).toBeGreaterThan(Date.parse(ended.body[0].startsAt));
    await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy');
    await daemon.stop();
    // Nothing active after the resolution: no more refreshes.
    expect(api.requests.at(-1)?.body[0].endsAt).toBeDefined();
  }, 30_000);

  it.each([
    ['not configured: no alerts module is loaded', {}, false],
    ['configured: the alerts part is loaded', { alerts: { webhooks: [{ url: 'http://127.0.0.1:9/hook', format: 'json' }] } }, true],
  ])('%s', async (_name, extra, isLoaded) => {
    const temp = makeTempDir('cs-alert-loads-');
    temps.push(temp);
    const recordPath = join(temp.path, 'loads.txt');
    const daemon = startDaemon({
      dir: temp.path,
      config: { gateway: { command: [node, join(FIXTURES, 'forever.mjs')] }, ...extra },
      env: { NODE_OPTIONS: `--import ${pathToFileURL(join(FIXTURES, 'record-loads.mjs')).href}`, RECORD_LOADS_FILE: recordPath },
    });
    // The load recorder's hooks slow every import: a busy machine needs longer than the usual 20 s.
    await daemon.waitForLog('clawsupd started', (record) => record.msg === 'clawsupd started', 45_000);
    await daemon.stop();
    const loaded = readFileSync(recordPath, 'utf8').split('\n');
    expect(loaded.some((url) => url.endsWith('dist/daemon/supervisor.js'))).toBe(true);
    expect(loaded.some((url) => url.endsWith('dist/alerts/alerts-part.js'))).toBe(isLoaded);
    expect(loaded.some((url) => url.endsWith('dist/alerts/alert-delivery.js'))).toBe(isLoaded);
  }, 60_000);
});
