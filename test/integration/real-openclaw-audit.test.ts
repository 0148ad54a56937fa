/**
 * Opt-in (CLAWSUP_REAL_OPENCLAW=1): the capability audit against the real openclaw@2026.9.6 gateway supervised by
 * clawsupd, with a custom OpenAI-compatible provider pointed at a fake provider on 127.0.0.1 and a Slack account whose
 * tokens cannot connect. The gateway installs @openclaw/slack into its state dir on first start (npm registry access).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runClawctl } from '../helpers/control.js';
import { cleanupDaemons, startDaemon } from '../helpers/daemon.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-openai-provider.js';
import { freePort } from '../helpers/free-port.js';
import { waitFor } from '../helpers/wait-for.js';
import { UNSET_TEST_RUNNER } from '../helpers/openclaw-test-mode.js';

const ENABLED = process.env['CLAWSUP_REAL_OPENCLAW'] === '1';
const INSTALL_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'helpers', 'install-openclaw.sh');
const TOKEN = `clawsup-audit-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
const KEY = `sk-real-audit-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
const SLACK_BOT = 'xoxb-0000000000-0000000000000-notarealtokenatall';
// Environment keys that make the gateway believe a service manager owns it, or point it at another config.
const LEAKS = ['INVOCATION_ID', 'SYSTEMD_EXEC_PID', 'JOURNAL_STREAM', 'OPENCLAW_SYSTEMD_UNIT', 'OPENCLAW_SUPERVISOR_MODE', 'OPENCLAW_GATEWAY_TOKEN', 'OPENCLAW_GATEWAY_PORT', 'OPENCLAW_PROFILE'];


function installOpenClaw(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [INSTALL_SCRIPT], { timeout: 15 * 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`install-openclaw.sh failed: ${error.message}\n${stderr.slice(-4000)}`));
      else resolve(stdout.trim().split('\n').at(-1)?.trim() ?? '');
    });
  });
}

describe.skipIf(!ENABLED)('the capability audit of the real OpenClaw gateway (CLAWSUP_REAL_OPENCLAW=1)', () => {
  let tempRoot: string | undefined;
  let fake: FakeProvider | undefined;

  afterEach(async () => {
    await cleanupDaemons();
    await fake?.close();
    if (tempRoot) await rm(tempRoot, { recursive: true, force: true });
  }, 60_000);

  it('sees the provider ok and the Slack account failed, then the rotated key lost, the node degraded and the diff naming it', async () => {
    const bin = await installOpenClaw();
    tempRoot = await mkdtemp(join(tmpdir(), 'clawsup-real-audit-'));
    fake = await startFakeProvider({ keys: [KEY], models: ['tiny-1'] });
    const port = await freePort();
    const openclawPath = join(tempRoot, 'openclaw.json');
    writeFileSync(
      openclawPath,
      JSON.stringify({
        gateway: { mode: 'local', port, bind: 'loopback', auth: { mode: 'token', token: TOKEN } },
        models: { providers: { fakeai: { baseUrl: fake.baseUrl(), apiKey: KEY, api: 'openai-completions', models: [{ id: 'tiny-1', name: 'Tiny' }] } } },
        agents: { defaults: { model: { primary: 'fakeai/tiny-1' } } },
        plugins: { entries: { slack: { enabled: true } } },
        channels: { slack: { botToken: SLACK_BOT, appToken: 'xapp-1-A0000000000-0000000000000-notreal' } },
      }),
    );
    for (const key of LEAKS) if (process.env[key] !== undefined) process.stdout.write(`note: the gateway inherits ${key}\n`);
    const daemon = startDaemon({
      env: UNSET_TEST_RUNNER,
      config: {
        gateway: {
          command: [join(bin, 'openclaw'), 'gateway', 'run', '--port', String(port), '--bind', 'loopback'],
          cwd: tempRoot,
          openclawConfigPath: openclawPath,
          env: { HOME: join(tempRoot, 'home'), OPENCLAW_STATE_DIR: join(tempRoot, 'state'), OPENCLAW_CONFIG_PATH: openclawPath, OPENCLAW_SKIP_CRON: '1', PATH: `${bin}:${process.env['PATH'] ?? ''}`, NO_COLOR: '1' },
          stopTimeoutMs: 20_000,
        },
        health: { enabled: true, url: `http://127.0.0.1:${port}/healthz`, intervalMs: 1_000, timeoutMs: 1_000, startupGraceMs: 120_000, startTimeoutMs: 240_000 },
        audit: { intervalMs: 20_000, settleMs: 5_000 },
      },
    });
    const auditDir = join(daemon.statusDir, 'audit');
    type Latest = { capabilities: { id: string; result: string; detail: string; latencyMs: number | null }[]; lost: string[]; notes: string[]; durationMs: number };
    const readLatest = (): Latest => JSON.parse(readFileSync(join(auditDir, 'latest.json'), 'utf8')) as Latest;
    const resultOf = (latest: Latest, id: string) => latest.capabilities.find((capability) => capability.id === id);

    const first = await waitFor('an audit of the running gateway with its Slack account probed', () => {
      const latest = readLatest();
      return resultOf(latest, 'model:fakeai/tiny-1')?.result === 'ok' && resultOf(latest, 'channel:slack:default')?.result !== 'unverified' && latest;
    }, 300_000, 500);
    expect(resultOf(first, 'channel:slack:default')).toMatchObject({ result: 'failed' });
    // openclaw models status ran beside the gateway and had nothing against the route.
    expect(first.notes).toEqual([]);
    expect(first.durationMs).toBeLessThan(60_000);
    const table = await runClawctl(['--config', daemon.configPath, 'audit'], { timeoutMs: 90_000, env: UNSET_TEST_RUNNER });
    process.stdout.write(`real clawctl audit (exit ${table.code}):\n${table.stdout}${table.stderr}`);
    expect(table.stdout).toMatch(/^ok +model:fakeai\/tiny-1 /m);
    expect(table.stdout).toMatch(/^failed +channel:slack:default /m);

    fake.rotate(KEY);
    const degraded = await daemon.waitForStatus('the rotated key lost', (status) => (status['reasons'] as string[]).includes('capability-lost:model:fakeai/tiny-1'), 120_000);
    expect(degraded['mode']).toBe('degraded');
    const diff = await runClawctl(['--config', daemon.configPath, 'audit', 'diff']);
    process.stdout.write(`real clawctl audit diff (exit ${diff.code}):\n${diff.stdout}${diff.stderr}`);
    expect(diff.stdout).toContain('lost       model:fakeai/tiny-1');
    expect(diff.code).toBe(1);

    await daemon.stop('SIGTERM');
    const everything = [JSON.stringify(daemon.logs()), daemon.stderr(), table.stdout, diff.stdout, readFileSync(join(auditDir, 'latest.json'), 'utf8'), readFileSync(join(auditDir, 'baseline.json'), 'utf8'), readFileSync(join(daemon.statusDir, 'status.json'), 'utf8')].join('\n');
    for (const secret of [KEY, TOKEN, SLACK_BOT]) expect(everything).not.toContain(secret);
  }, 15 * 60_000);
});
