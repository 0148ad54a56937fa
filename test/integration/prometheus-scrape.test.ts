import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDaemons, FIXTURES, startDaemon } from '../helpers/daemon.js';
import { freePort } from '../helpers/free-port.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { WaitAborted, waitFor } from '../helpers/wait-for.js';

// Debian's prometheus package (.ci/run installs it): the real scraper, not a parser of our own.
const PROMETHEUS = '/usr/bin/prometheus';

let prometheus: ChildProcess | null = null;
const temps: Array<{ remove(): void }> = [];

afterEach(async () => {
  if (prometheus !== null) await stopByPid(prometheus);
  prometheus = null;
  await cleanupDaemons();
  for (const temp of temps.splice(0)) temp.remove();
});

async function stopByPid(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

interface QueryResult {
  status: string;
  data: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> };
}

async function query(port: number, promql: string): Promise<QueryResult['data']['result']> {
  const response = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await response.json()) as QueryResult;
  if (body.status !== 'success') throw new Error(`query ${promql}: ${JSON.stringify(body)}`);
  return body.data.result;
}

describe('a real Prometheus scrapes clawsupd', () => {
  it('reads clawsup_mode{mode="diagnose"} 1 through its HTTP API after the gateway fails structurally, sending the token', async () => {
    expect(existsSync(PROMETHEUS), `${PROMETHEUS} is missing: apt-get install --no-install-recommends prometheus (.ci/run does)`).toBe(true);
    const temp = makeTempDir();
    temps.push(temp);
    const [listenPort, prometheusPort] = [await freePort(), await freePort()];
    const tokenFile = join(temp.path, 'scrape-token');
    writeFileSync(tokenFile, 'prometheus-scrape-token\n');
    chmodSync(tokenFile, 0o600);
    const daemon = startDaemon({
      config: { gateway: { command: [process.execPath, join(FIXTURES, 'module-not-found-on-signal.mjs')] }, http: { listen: `127.0.0.1:${listenPort}`, tokenFile } },
    });
    const healthy = await daemon.waitForStatus('healthy', (status) => status.mode === 'healthy');

    const configFile = join(temp.path, 'prometheus.yml');
    writeFileSync(configFile, [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: clawsup',
      '    authorization:',
      `      credentials_file: ${tokenFile}`,
      '    static_configs:',
      `      - targets: ['127.0.0.1:${listenPort}']`,
      '',
    ].join('\n'));
    let prometheusOutput = '';
    const child = spawn(PROMETHEUS, [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(temp.path, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${prometheusPort}`,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    prometheus = child;
    child.stdout?.on('data', (chunk: Buffer) => void (prometheusOutput += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => void (prometheusOutput += chunk.toString()));
    const whilePrometheusRuns = <T>(probe: () => Promise<T | undefined>) => async (): Promise<T | undefined> => {
      if (child.exitCode !== null) throw new WaitAborted(`prometheus exited (${child.exitCode}): ${prometheusOutput.slice(-2000)}`);
      return probe();
    };
    await waitFor('prometheus ready', whilePrometheusRuns(async () => ((await fetch(`http://127.0.0.1:${prometheusPort}/-/ready`)).ok ? true : undefined)), 30_000, 100);

    // Scraped with the token: Prometheus' own `up` for the target is 1, and it holds the healthy mode.
    await waitFor('healthy scraped', whilePrometheusRuns(async () => {
      const result = await query(prometheusPort, 'clawsup_mode{mode="healthy"}');
      return result[0]?.value[1] === '1' ? true : undefined;
    }), 30_000, 200);
    expect(await query(prometheusPort, 'up{job="clawsup"}')).toMatchObject([{ value: [expect.any(Number), '1'] }]);

    await daemon.waitForLog('the gateway waits for its signal', (record) => record.line === 'waiting for SIGUSR2');
    process.kill(healthy.gateway.pid, 'SIGUSR2');
    await daemon.waitForStatus('diagnose', (status) => status.mode === 'diagnose');
    const diagnose = await waitFor('diagnose scraped', whilePrometheusRuns(async () => {
      const result = await query(prometheusPort, 'clawsup_mode{mode="diagnose"}');
      return result[0]?.value[1] === '1' ? result : undefined;
    }), 30_000, 200);
    expect(diagnose).toMatchObject([{ metric: { __name__: 'clawsup_mode', mode: 'diagnose', job: 'clawsup', instance: `127.0.0.1:${listenPort}` } }]);
    // One series per mode, exactly one at 1.
    const modes = await query(prometheusPort, 'clawsup_mode');
    expect(modes.filter((series) => series.value[1] === '1').map((series) => series.metric.mode)).toEqual(['diagnose']);
    expect(await query(prometheusPort, 'clawsup_diagnose_entries_total')).toMatchObject([{ metric: { reason: 'module-not-found' }, value: [expect.any(Number), '1'] }]);

    await stopByPid(child);
    prometheus = null;
    await daemon.stop();
  });
});
