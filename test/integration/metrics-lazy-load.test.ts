import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDaemons, FIXTURES, REPO_ROOT, startDaemon } from '../helpers/daemon.js';
import { freePort } from '../helpers/free-port.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const dirs: Array<{ remove(): void }> = [];
afterEach(async () => {
  await cleanupDaemons();
  for (const dir of dirs.splice(0)) dir.remove();
});

/** Starts clawsupd with a module-load recorder, waits for it to be up, and returns the ES module files it loaded. */
async function loadedModules(config: Record<string, unknown>): Promise<string[]> {
  const dir = makeTempDir('csm-');
  dirs.push(dir);
  const recordPath = join(dir.path, 'loads.txt');
  const daemon = startDaemon({
    dir: dir.path,
    config: { gateway: { command: [process.execPath, join(FIXTURES, 'forever.mjs')] }, ...config },
    env: { NODE_OPTIONS: `--import ${pathToFileURL(join(FIXTURES, 'record-loads.mjs')).href}`, RECORD_LOADS_FILE: recordPath, NOTIFY_SOCKET: '' },
  });
  await daemon.waitForLog('clawsupd started', (record) => record.msg === 'clawsupd started');
  await daemon.stop();
  return readFileSync(recordPath, 'utf8').split('\n').filter((url) => url !== '');
}

describe('metrics, alerts and the cron leader cost nothing when off, and little when on', () => {
  it('loads no listener and no metrics module without http.listen or metrics.textfile', async () => {
    const loaded = await loadedModules({});
    expect(loaded.some((url) => url.endsWith('dist/daemon/supervisor.js'))).toBe(true);
    const featureFiles = loaded.filter((url) => url.includes('/dist/http/') || url.includes('/dist/metrics/') || url.includes('prom-client'));
    // The config schema checks http.listen with this small pure parser; nothing else of the feature loads.
    expect(featureFiles.map((url) => url.slice(url.indexOf('/dist/')))).toEqual(['/dist/http/listen-address.js']);
  });

  it('loads no alerts module and no cron leader (nor its Redis client) while they are not configured', async () => {
    const loaded = await loadedModules({});
    const alertFiles = loaded.filter((url) => url.includes('/dist/alerts/')).map((url) => url.slice(url.indexOf('/dist/')));
    // The config schema checks alerts.rules.disabled against the rule names; nothing else of alerts loads.
    expect(alertFiles).toEqual(['/dist/alerts/alert-rule-names.js']);
    // The control socket's tiny registry of the cron part is all of cron that loads: no lease code, no Redis client.
    expect(loaded.filter((url) => url.includes('/dist/cron/')).map((url) => url.slice(url.indexOf('/dist/')))).toEqual(['/dist/cron/cron-control.js']);
    expect(loaded.filter((url) => url.includes('/node_modules/redis/') || url.includes('/node_modules/@redis/'))).toEqual([]);
  });

  it('loads the alerts part, its delivery and its status section with alerts.webhooks', async () => {
    const loaded = await loadedModules({ alerts: { webhooks: [{ url: `http://127.0.0.1:${await freePort()}/hook`, format: 'json' }] } });
    for (const file of ['dist/alerts/alerts-part.js', 'dist/alerts/alert-delivery.js', 'dist/alerts/alerts-status.js']) {
      expect(loaded.filter((url) => url.endsWith(file))).toHaveLength(1);
    }
    expect(loaded.some((url) => url.includes('/dist/metrics/') || url.includes('prom-client'))).toBe(false);
  });

  it('loads the listener and the collector with http.listen', async () => {
    const loaded = await loadedModules({ http: { listen: `127.0.0.1:${await freePort()}` } });
    for (const file of ['dist/http/http-part.js', 'dist/http/http-server.js', 'dist/metrics/metrics-collector.js']) {
      expect(loaded.filter((url) => url.endsWith(file))).toHaveLength(1);
    }
  });

  it('takes from prom-client only its registry, counter, gauge and histogram (not its index: default metrics, cluster, OpenTelemetry)', () => {
    const collector = pathToFileURL(join(REPO_ROOT, 'dist/metrics/metrics-collector.js')).href;
    const script = `
      import { createRequire } from 'node:module';
      const { createMetricsCollector } = await import(${JSON.stringify(collector)});
      const status = { schemaVersion: 1, mode: 'healthy', since: '2026-12-01T00:00:00.000Z', reasons: [], updatedAt: '2026-12-01T00:00:00.000Z',
        gateway: { pid: 1, startedAt: '2026-12-01T00:00:00.000Z', restarts: 0, lastExit: null, nextAttemptAt: null, failuresInWindow: 0, failureLimit: 3 }, diagnosis: null,
        daemon: { pid: 1, version: '0', startedAt: '2026-12-01T00:00:00.000Z', host: 'h' } };
      const text = await createMetricsCollector({ getStatus: () => status, onStateChange: () => {} }, { nodeVersion: '20', nowMs: () => 0 }).render();
      if (!text.includes('clawsup_mode{mode="healthy"} 1')) throw new Error('no mode in ' + text);
      const cache = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify(cache.filter((path) => path.includes('node_modules')).map((path) => path.split('node_modules/')[1]).sort()));
    `;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual([
      'prom-client/lib/counter.js',
      'prom-client/lib/exemplar.js',
      'prom-client/lib/gauge.js',
      'prom-client/lib/histogram.js',
      'prom-client/lib/metric.js',
      'prom-client/lib/registry.js',
      'prom-client/lib/util.js',
      'prom-client/lib/validation.js',
    ]);
  });
});
