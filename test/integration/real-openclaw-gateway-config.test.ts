/**
 * Opt-in (CLAWSUP_REAL_OPENCLAW=1): clawctl gateway-config against the real openclaw@2026.9.6 gateway under a real
 * clawsupd: the gateway's own validator (`openclaw config validate --json`, OPENCLAW_CONFIG_PATH on a staged copy),
 * a good change kept, one the validator rejects refused before the swap, a rollback by id; prints the timings.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runClawctl } from '../helpers/control.js';
import { cleanupDaemons, startDaemon } from '../helpers/daemon.js';
import { freePort } from '../helpers/free-port.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-openai-provider.js';
import { UNSET_TEST_RUNNER } from '../helpers/openclaw-test-mode.js';

const ENABLED = process.env['CLAWSUP_REAL_OPENCLAW'] === '1';
const INSTALL_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'helpers', 'install-openclaw.sh');
const KEY = `sk-real-gate-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
const TOKEN = `clawsup-test-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;

function installOpenClaw(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [INSTALL_SCRIPT], { timeout: 15 * 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`install-openclaw.sh failed: ${error.message}\n${stderr.slice(-4000)}`));
      const bin = stdout.trim().split('\n').at(-1)?.trim();
      return bin ? resolve(bin) : reject(new Error('install-openclaw.sh printed no bin dir'));
    });
  });
}

describe.skipIf(!ENABLED)('clawctl gateway-config with the real OpenClaw gateway (CLAWSUP_REAL_OPENCLAW=1)', () => {
  let tempRoot: string | undefined;
  let fake: FakeProvider | undefined;

  afterEach(async () => {
    await cleanupDaemons();
    await fake?.close();
    fake = undefined;
    if (tempRoot) await rm(tempRoot, { recursive: true, force: true });
  }, 60_000);

  it('keeps a good change, refuses one its validator rejects (the live file untouched), and rolls back by id', async () => {
    const bin = await installOpenClaw();
    tempRoot = await mkdtemp(join(tmpdir(), 'clawsup-real-gwconfig-'));
    const port = await freePort();
    const live = join(tempRoot, 'home', '.openclaw', 'openclaw.json');
    mkdirSync(dirname(live), { recursive: true });
    const v1 = '// v1\n{ gateway: { mode: "local" } }\n';
    writeFileSync(live, v1, { mode: 0o600 });
    const daemon = startDaemon({
      env: UNSET_TEST_RUNNER,
      config: {
        gateway: {
          command: [join(bin, 'openclaw'), 'gateway', 'run', '--allow-unconfigured', '--port', String(port), '--bind', 'loopback', '--auth', 'token', '--token', TOKEN],
          cwd: tempRoot,
          openclawConfigPath: live,
          env: { HOME: join(tempRoot, 'home'), OPENCLAW_STATE_DIR: join(tempRoot, 'state'), OPENCLAW_CONFIG_PATH: live, OPENCLAW_SKIP_CRON: '1', OPENCLAW_GATEWAY_TOKEN: TOKEN, PATH: `${bin}:${process.env['PATH'] ?? ''}`, NO_COLOR: '1' },
          stopTimeoutMs: 20_000,
        },
        health: { enabled: true, url: `http://127.0.0.1:${port}/healthz`, intervalMs: 1_000, timeoutMs: 1_000, startupGraceMs: 90_000, startTimeoutMs: 180_000 },
        gatewayConfig: { healthTimeoutMs: 180_000, settleMs: 5_000 },
      },
    });
    await daemon.waitForStatus('healthy', (status) => status.mode === 'healthy', 180_000);
    const gate = (args: string[]) => runClawctl(['--socket', daemon.socketPath, 'gateway-config', ...args], { timeoutMs: 8 * 60_000 });
    const candidate = (name: string, text: string): string => {
      const path = join(tempRoot as string, name);
      writeFileSync(path, text);
      return path;
    };

    let startedAtMs = Date.now();
    const good = await gate(['apply', candidate('v2.json5', '{ gateway: { mode: "local", reload: { mode: "hybrid" } } }\n')]);
    const goodMs = Date.now() - startedAtMs;
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/validated by the gateway's own validator; 1 key\(s\) changed: \+gateway\.reload/);
    expect(readFileSync(live, 'utf8')).toContain('reload');

    startedAtMs = Date.now();
    const rejected = await gate(['apply', candidate('bad.json5', '{ gateway: { mode: "local" }, bogusKey: 1 }\n')]);
    const rejectedMs = Date.now() - startedAtMs;
    expect(rejected.code).toBe(78);
    expect(rejected.stderr).toMatch(/bad\.json5: <root>: Unrecognized key: "bogusKey"/);
    expect(readFileSync(live, 'utf8')).toContain('reload');

    const records = JSON.parse((await gate(['history', '--json'])).stdout) as Array<{ id: string; outcome: string }>;
    expect(records.map((record) => record.outcome)).toEqual(['applied', 'refused']);
    startedAtMs = Date.now();
    const rollback = await gate(['rollback', records[0]?.id ?? '']);
    const rollbackMs = Date.now() - startedAtMs;
    expect(rollback.stderr).toBe('');
    expect(rollback.code).toBe(0);
    expect(readFileSync(live, 'utf8')).toBe(v1);
    const settled = await daemon.waitForStatus('healthy, no drift', (status) => status.mode === 'healthy' && status.gatewayConfig?.drift.isDrifted === false, 60_000);
    expect(settled.reasons).toEqual([]);
    expect(JSON.stringify(daemon.logs())).not.toContain(TOKEN);
    process.stdout.write(`real gateway-config: good apply ${goodMs} ms, refused by the validator ${rejectedMs} ms, rollback ${rollbackMs} ms\n`);
    process.stdout.write(`transcript: clawctl gateway-config apply v2.json5 (exit ${good.code})\n${good.stdout}${good.stderr}`);
    process.stdout.write(`transcript: clawctl gateway-config apply bad.json5 (exit ${rejected.code})\n${rejected.stdout}${rejected.stderr}`);
    process.stdout.write(`transcript: clawctl gateway-config rollback ${records[0]?.id ?? ''} (exit ${rollback.code})\n${rollback.stdout}${rollback.stderr}`);
  }, 20 * 60_000);

  it('rolls back a valid change that loses a capability (the provider key moved to a section the gateway does not read) with capability-lost', async () => {
    const bin = await installOpenClaw();
    tempRoot = await mkdtemp(join(tmpdir(), 'clawsup-real-gwconfig-audit-'));
    fake = await startFakeProvider({ keys: [KEY], models: ['tiny-1', 'tiny-2'] });
    const port = await freePort();
    const live = join(tempRoot, 'home', '.openclaw', 'openclaw.json');
    mkdirSync(dirname(live), { recursive: true });
    const provider = { baseUrl: fake.baseUrl(), api: 'openai-completions', models: [{ id: 'tiny-1', name: 'Tiny' }, { id: 'tiny-2', name: 'Tiny 2' }] };
    const agents = { defaults: { model: { primary: 'fakeai/tiny-1', fallbacks: ['fakeai/tiny-2'] } } };
    const v1 = `${JSON.stringify({ gateway: { mode: 'local' }, models: { providers: { fakeai: { ...provider, apiKey: KEY } } }, agents }, null, 2)}\n`;
    writeFileSync(live, v1, { mode: 0o600 });
    const daemon = startDaemon({
      env: UNSET_TEST_RUNNER,
      config: {
        gateway: {
          command: [join(bin, 'openclaw'), 'gateway', 'run', '--allow-unconfigured', '--port', String(port), '--bind', 'loopback', '--auth', 'token', '--token', TOKEN],
          cwd: tempRoot,
          openclawConfigPath: live,
          env: { HOME: join(tempRoot, 'home'), OPENCLAW_STATE_DIR: join(tempRoot, 'state'), OPENCLAW_CONFIG_PATH: live, OPENCLAW_SKIP_CRON: '1', OPENCLAW_GATEWAY_TOKEN: TOKEN, PATH: `${bin}:${process.env['PATH'] ?? ''}`, NO_COLOR: '1' },
          stopTimeoutMs: 20_000,
        },
        health: { enabled: true, url: `http://127.0.0.1:${port}/healthz`, intervalMs: 1_000, timeoutMs: 1_000, startupGraceMs: 90_000, startTimeoutMs: 180_000 },
        gatewayConfig: { healthTimeoutMs: 180_000, settleMs: 5_000 },
        // Only the gate and the operator audit here.
        audit: { settleMs: 3_600_000 },
      },
    });
    await daemon.waitForStatus('healthy', (status) => status.mode === 'healthy', 180_000);
    const table = await runClawctl(['--config', daemon.configPath, 'audit', '--save-baseline'], { timeoutMs: 120_000, env: UNSET_TEST_RUNNER });
    process.stdout.write(`transcript: clawctl audit --save-baseline (exit ${table.code})\n${table.stdout}${table.stderr}`);
    expect(table.stdout).toMatch(/run by clawsupd\)$/m);
    expect(table.stdout).toMatch(/^ok +model:fakeai\/tiny-1 /m);
    const gate = (args: string[]) => runClawctl(['--socket', daemon.socketPath, 'gateway-config', ...args], { timeoutMs: 10 * 60_000 });

    // The key moved to env.vars under a name no provider reads: valid to the gateway's validator, but fakeai has no key now.
    const moved = join(tempRoot, 'moved-key.json5');
    writeFileSync(moved, `${JSON.stringify({ gateway: { mode: 'local' }, env: { vars: { CLAWSUP_TEST_MOVED_KEY: KEY } }, models: { providers: { fakeai: provider } }, agents }, null, 2)}\n`);
    const startedAtMs = Date.now();
    const broken = await gate(['apply', moved]);
    const brokenMs = Date.now() - startedAtMs;
    process.stdout.write(`transcript: clawctl gateway-config apply moved-key.json5 (exit ${broken.code}, ${brokenMs} ms)\n${broken.stdout}${broken.stderr.split(KEY).join('<KEY>')}`);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/rolled back \S+: capability-lost:model:fakeai\/tiny-1/);
    expect(readFileSync(live, 'utf8')).toBe(v1);
    const settled = await daemon.waitForStatus('healthy on v1 again', (status) => status.mode === 'healthy' && status.gatewayConfig?.lastApply?.outcome === 'rolled-back', 180_000);
    expect(settled.gatewayConfig.lastApply.reason).toMatch(/^capability-lost:model:fakeai\/tiny-1/);
    const records = JSON.parse((await gate(['history', '--json'])).stdout) as Array<{ id: string; auditFiles: string[] }>;
    const last = records.at(-1);
    const backups = join(daemon.statusDir, 'gateway-config', 'backups');
    const diff = await runClawctl(['--config', daemon.configPath, 'audit', 'diff', join(backups, `${last?.id}.audit-before.json`), join(backups, `${last?.id}.audit-after.json`)]);
    process.stdout.write(`transcript: clawctl audit diff <apply's before audit> <after audit> (exit ${diff.code})\n${diff.stdout}${diff.stderr}`);
    const history = await gate(['history']);
    process.stdout.write(`transcript: clawctl gateway-config history\n${history.stdout}`);
    expect(diff.stdout).toMatch(/^degraded +model:fakeai\/tiny-1: ok -> unverified$/m);
    const everything = [JSON.stringify(daemon.logs()), broken.stdout, broken.stderr, diff.stdout, readFileSync(join(backups, `${last?.id}.audit-after.json`), 'utf8')].join('\n');
    expect(everything).not.toContain(TOKEN);
    expect(everything.split(KEY).length - 1).toBe(0);
  }, 20 * 60_000);
});
