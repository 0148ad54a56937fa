import { readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDaemons, FIXTURES, startDaemon, type Daemon } from '../helpers/daemon.js';
import { exchangeRaw, runClawctl } from '../helpers/control.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-openai-provider.js';
import { freePort } from '../helpers/free-port.js';
import JSON5 from 'json5';

afterEach(cleanupDaemons);

const GATEWAY = join(FIXTURES, 'config-gateway.mjs');
const V1 = '// the operator\'s config, comments and all\n{ name: "v1", gateway: { mode: "local" } }\n';

/** A clawsupd supervising the config-reading fake gateway, its live config at dir/openclaw.json (v1). */
function startGate(extra: { gatewayConfig?: Record<string, unknown>; cron?: Record<string, unknown> } = {}): { daemon: Daemon; live: string; dir: string } {
  const temp = makeTempDir();
  const live = join(temp.path, 'openclaw.json');
  writeFileSync(live, V1, { mode: 0o600 });
  const daemon = startDaemon({
    dir: temp.path,
    config: {
      gateway: { command: [process.execPath, GATEWAY, '--config', live], openclawConfigPath: live },
      restart: { initialDelayMs: 100, maxDelayMs: 200 },
      gatewayConfig: { validateCommand: [process.execPath, GATEWAY, '--validate'], settleMs: 1_500, healthTimeoutMs: 15_000, driftCheckIntervalMs: 60_000, ...extra.gatewayConfig },
      ...(extra.cron === undefined ? {} : { cron: extra.cron }),
    },
  });
  return { daemon, live, dir: temp.path };
}

function writeCandidate(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function waitHealthy(daemon: Daemon): Promise<Record<string, any>> {
  return daemon.waitForStatus('healthy with a gateway', (status) => status.mode === 'healthy' && typeof status.gateway?.pid === 'number');
}

function clawctl(daemon: Daemon, args: string[]) {
  return runClawctl(['--socket', daemon.socketPath, 'gateway-config', ...args], { timeoutMs: 60_000 });
}

describe('clawctl gateway-config under a real clawsupd', () => {
  it('applies a good config: swapped, the gateway restarted on it, kept, recorded, backed up 0600', async () => {
    const { daemon, live, dir } = startGate();
    const before = await waitHealthy(daemon);
    const candidate = writeCandidate(dir, 'v2.json5', '{ name: "v2", gateway: { mode: "local" } }\n');

    const run = await clawctl(daemon, ['apply', candidate]);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^applied \d{8}T\d{6}Z-\d{3} to .*openclaw\.json \(validated by the gateway's own validator; 1 key\(s\) changed: ~name\); the gateway is healthy on it\n$/);
    expect(readFileSync(live, 'utf8')).toBe(readFileSync(candidate, 'utf8'));
    const after = await daemon.waitForStatus('the apply in status', (status) => status.mode === 'healthy' && status.gatewayConfig?.isApplying === false && status.gatewayConfig?.lastApply !== null);
    expect(after.gateway.pid).not.toBe(before.gateway.pid);
    expect(after.gatewayConfig).toMatchObject({ isApplying: false, lastApply: { kind: 'apply', outcome: 'applied', reason: null }, drift: { isDrifted: false } });
    const history = await clawctl(daemon, ['history', '--json']);
    const records = JSON.parse(history.stdout) as Array<Record<string, any>>;
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ kind: 'apply', outcome: 'applied', source: candidate, validator: 'openclaw', changedKeys: [{ path: 'name', change: 'changed' }] });
    expect(records[0]?.who.note).toMatch(/cannot verify/);
    const backups = join(daemon.statusDir, 'gateway-config', 'backups');
    const before1 = readdirSync(backups).find((name) => name.endsWith('.before.json5')) ?? '';
    expect(readFileSync(join(backups, before1), 'utf8')).toBe(V1);
    expect(statSync(join(backups, before1)).mode & 0o777).toBe(0o600);
    // The operator's config is never printed in the daemon's log.
    expect(JSON.stringify(daemon.logs())).not.toContain('the operator\'s config');
  });

  it('rolls a config the gateway exits on back automatically: the old config byte for byte, healthy again, the reason in history and status', async () => {
    const { daemon, live, dir } = startGate();
    await waitHealthy(daemon);
    const candidate = writeCandidate(dir, 'bad.json5', '{ gateway: { mode: "local" }, name: "v2", bad: true }\n');

    const run = await clawctl(daemon, ['apply', candidate]);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/rolled back \S+: gateway-exited: code 78, structural: config-invalid; .*openclaw\.json is the previous config again and the gateway is healthy on it/);
    expect(readFileSync(live, 'utf8')).toBe(V1);
    const status = await daemon.waitForStatus('the rollback in status', (status) => status.mode === 'healthy' && status.gatewayConfig?.lastApply !== null);
    expect(status.gatewayConfig.lastApply).toMatchObject({ outcome: 'rolled-back', reason: 'gateway-exited: code 78, structural: config-invalid' });
    expect(status.reasons).toEqual([]);
    const records = JSON.parse((await clawctl(daemon, ['history', '--json'])).stdout) as Array<Record<string, any>>;
    expect(records.at(-1)).toMatchObject({ outcome: 'rolled-back', reason: 'gateway-exited: code 78, structural: config-invalid' });
  });

  it('rolls back a valid config that breaks the gateway a moment after start (within the settle time)', async () => {
    const { daemon, live, dir } = startGate();
    await waitHealthy(daemon);
    const run = await clawctl(daemon, ['apply', writeCandidate(dir, 'crash.json5', '{ gateway: { mode: "local" }, name: "v2", crashAfterMs: 300 }\n')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/rolled back \S+: gateway-exited: code 1/);
    expect(readFileSync(live, 'utf8')).toBe(V1);
    await waitHealthy(daemon);
  });

  it('refuses before the swap what the validator rejects, what is not JSON5, a missing file, a symlink and an $include, the live config untouched', async () => {
    const { daemon, live, dir } = startGate();
    const before = await waitHealthy(daemon);
    const cases: Array<[string, string[], number, RegExp]> = [
      ['rejected', ['apply', writeCandidate(dir, 'rejected.json5', '{ rejectMe: 1 }')], 78, /refused before the swap, .*openclaw\.json is untouched:\n {2}.*rejected\.json5: <root>: Unrecognized key: "rejectMe"/],
      ['not JSON5', ['apply', writeCandidate(dir, 'broken.json5', '{ gateway: { mode: "local" }, name: "v2",\n  oops }')], 78, /broken\.json5: not JSON5: JSON5: invalid character '}' at 2:8/],
      ['an array', ['apply', writeCandidate(dir, 'array.json5', '[1]')], 78, /a gateway config is a JSON5 object, found an array/],
      ['an $include', ['apply', writeCandidate(dir, 'inc.json5', '{ agents: { $include: "./agents.json5" } }')], 78, /agents\.\$include: configs that \$include other files are refused/],
      ['missing', ['apply', join(dir, 'nope.json5')], 66, /nope\.json5: ENOENT; the live gateway config is untouched/],
      ['a folder', ['apply', dir], 66, /a directory, not a regular file/],
      ['no file', ['apply'], 64, /takes one FILE/],
    ];
    symlinkSync(live, join(dir, 'link.json5'));
    cases.push(['a symlink', ['apply', join(dir, 'link.json5')], 66, /a symlink, not a regular file/]);
    for (const [name, args, code, message] of cases) {
      const run = await clawctl(daemon, args);
      expect({ name, code: run.code, stdout: run.stdout }).toEqual({ name, code, stdout: '' });
      expect(run.stderr, name).toMatch(message);
      expect(run.stderr, name).not.toMatch(/\n\s+at /);
      expect(readFileSync(live, 'utf8'), name).toBe(V1);
    }
    expect(daemon.status()?.gateway.pid).toBe(before.gateway.pid);
  });

  it('refuses a second apply while one runs (exit 75)', async () => {
    const { daemon, dir } = startGate({ gatewayConfig: { settleMs: 4_000 } });
    await waitHealthy(daemon);
    const first = clawctl(daemon, ['apply', writeCandidate(dir, 'v2.json5', '{ gateway: { mode: "local" }, name: "v2" }')]);
    await daemon.waitForStatus('an apply running', (status) => status.gatewayConfig?.isApplying === true);
    const second = await clawctl(daemon, ['apply', writeCandidate(dir, 'v3.json5', '{ gateway: { mode: "local" }, name: "v3" }')]);
    expect(second.code).toBe(75);
    expect(second.stderr).toMatch(/another gateway-config apply is running: one at a time/);
    expect((await first).code).toBe(0);
  });

  it('shows a hand edit as config-drift (status and diff, key paths only) until a rollback through the gate settles it', async () => {
    const { daemon, live, dir } = startGate();
    await waitHealthy(daemon);
    const first = await clawctl(daemon, ['apply', writeCandidate(dir, 'v2.json5', '{ gateway: { mode: "local" }, name: "v2", token: "s3cret-value" }')]);
    expect(first.code).toBe(0);
    const second = await clawctl(daemon, ['apply', writeCandidate(dir, 'v3.json5', '{ gateway: { mode: "local" }, name: "v3", token: "s3cret-value" }')]);
    expect(second.code).toBe(0);

    writeFileSync(live, '{ gateway: { mode: "local" }, name: "v3", token: "hand-edited-secret" }');
    const drifted = await daemon.waitForStatus('config-drift', (status) => status.reasons?.includes('config-drift') && status.gatewayConfig?.drift.isDrifted === true);
    expect(drifted.mode).toBe('degraded');
    expect(drifted.gatewayConfig.drift).toMatchObject({ isDrifted: true, writer: 'outside', detail: 'the live config was changed outside clawctl gateway-config apply' });
    const diff = await clawctl(daemon, ['diff']);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toMatch(/^from apply \S+ to the live config: 1 key\(s\) \(values not shown: the config holds secrets\)\n {2}~ token\n$/);
    expect(diff.stdout + JSON.stringify(daemon.logs())).not.toMatch(/s3cret-value|hand-edited-secret/);

    // Back to the config before the first apply, by name.
    const records = JSON.parse((await clawctl(daemon, ['history', '--json'])).stdout) as Array<{ id: string }>;
    const rollback = await clawctl(daemon, ['rollback', records[0]?.id ?? '']);
    expect(rollback.stderr).toBe('');
    expect(rollback.code).toBe(0);
    expect(readFileSync(live, 'utf8')).toBe(V1);
    const settled = await daemon.waitForStatus('drift cleared', (status) => status.mode === 'healthy' && status.gatewayConfig?.drift.isDrifted === false);
    expect(settled.gatewayConfig.lastApply).toMatchObject({ kind: 'rollback', outcome: 'applied' });
    const unknown = await clawctl(daemon, ['rollback', '20200101T000000Z-001']);
    expect(unknown.code).toBe(65);
    expect(unknown.stderr).toMatch(/no apply 20200101T000000Z-001 in the history/);
  });

  it('tells the gateway’s own rewrite (its .bak holds the applied config) from a hand edit', async () => {
    const { daemon, live } = startGate();
    await daemon.waitForStatus('the live config adopted', (status) => status.gatewayConfig?.drift.appliedHash !== null && status.gatewayConfig?.drift.appliedHash !== undefined);
    // As OpenClaw writes its own config: the current file to openclaw.json.bak, then the new one.
    writeFileSync(`${live}.bak`, V1);
    writeFileSync(live, '{ gateway: { mode: "local" }, name: "v1", plugins: { installed: ["x"] } }');
    const drifted = await daemon.waitForStatus('drift by the gateway', (status) => status.gatewayConfig?.drift.isDrifted === true && status.reasons.includes('config-drift'));
    expect(drifted.gatewayConfig.drift).toMatchObject({ writer: 'gateway', detail: expect.stringMatching(/^the gateway rewrote its config itself/) });
    expect(drifted.reasons).toContain('config-drift');
  });

  it('refuses a lint warning unless --force, and a lint error even with it, each with its key path and fix', async () => {
    const { daemon, live, dir } = startGate();
    await waitHealthy(daemon);
    const noMode = writeCandidate(dir, 'nomode.json5', '{ name: "v2" }');
    const warned = await clawctl(daemon, ['apply', noMode]);
    expect(warned.code).toBe(78);
    expect(warned.stderr).toMatch(/nomode\.json5: warning: gateway\.mode: missing: .* \(fix: set gateway\.mode to "local"\); --force applies despite warnings/);
    expect(readFileSync(live, 'utf8')).toBe(V1);
    const open = writeCandidate(dir, 'open.json5', '{ gateway: { mode: "local", bind: "lan", auth: { mode: "none" } } }');
    const refused = await clawctl(daemon, ['apply', '--force', open]);
    expect(refused.code).toBe(78);
    expect(refused.stderr).toMatch(/open\.json5: gateway\.auth\.mode: "none" with gateway\.bind "lan"/);
    expect(readFileSync(live, 'utf8')).toBe(V1);
    const forced = await clawctl(daemon, ['apply', '--force', noMode]);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/^note: .*warning: gateway\.mode: missing/);
  });

  it('--dry-run validates and changes nothing', async () => {
    const { daemon, live, dir } = startGate();
    const before = await waitHealthy(daemon);
    const run = await clawctl(daemon, ['apply', '--dry-run', writeCandidate(dir, 'v2.json5', '{ gateway: { mode: "local" }, name: "v2", extra: 1 }')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("dry run: the candidate passes (validated by the gateway's own validator); applying it would make 2 key(s) changed: +extra ~name; nothing was changed\n");
    expect(readFileSync(live, 'utf8')).toBe(V1);
    expect(daemon.status()?.gateway.pid).toBe(before.gateway.pid);
    expect(JSON.parse((await clawctl(daemon, ['history', '--json'])).stdout)).toEqual([]);
  });

  it('validates by parse only, and says so, when there is no gateway validator', async () => {
    const { daemon, dir } = startGate({ gatewayConfig: { validateCommand: [] } });
    await waitHealthy(daemon);
    const run = await clawctl(daemon, ['apply', writeCandidate(dir, 'v2.json5', '{ gateway: { mode: "local" }, name: "v2" }')]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^note: validated by parse only/);
    expect(run.stdout).toMatch(/validated by parse only/);
  });
});

describe('the capability audits of an apply: before the swap, after the restart', () => {
  let fake: FakeProvider | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });
  const KEY = `sk-gate-test-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const WRONG_KEY = `sk-gate-wrong-${Math.random().toString(36).slice(2)}`;
  const withProvider = (name: string, baseUrl: string, apiKey: string): string =>
    `${JSON.stringify({ name, gateway: { mode: 'local' }, models: { providers: { fake: { baseUrl, apiKey, api: 'openai-completions', models: [{ id: 'tiny-1' }] } } }, agents: { defaults: { model: { primary: 'fake/tiny-1', fallbacks: ['fake/tiny-2'] } } } }, null, 2)}\n`;

  it('keeps a change that loses nothing, and rolls back one that loses a capability, with capability-lost:<id> and the evidence', async () => {
    fake = await startFakeProvider({ keys: [KEY], models: ['tiny-1', 'tiny-2'] });
    const temp = makeTempDir();
    const live = join(temp.path, 'openclaw.json');
    const v1 = withProvider('v1', fake.baseUrl(), KEY);
    writeFileSync(live, v1, { mode: 0o600 });
    const daemon = startDaemon({
      dir: temp.path,
      config: {
        gateway: { command: [process.execPath, GATEWAY, '--config', live], openclawConfigPath: live },
        restart: { initialDelayMs: 100, maxDelayMs: 200 },
        gatewayConfig: { validateCommand: [process.execPath, GATEWAY, '--validate'], settleMs: 500, healthTimeoutMs: 15_000, driftCheckIntervalMs: 60_000 },
        // The daemon's own schedule stays out of the way: only the gate audits here.
        audit: { settleMs: 600_000, checkTimeoutMs: 1_000, budgetMs: 3_000 },
      },
    });
    await waitHealthy(daemon);
    const good = await clawctl(daemon, ['apply', writeCandidate(temp.path, 'v2.json5', withProvider('v2', fake.baseUrl(), KEY))]);
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^applied \S+ .*; the gateway is healthy on it\ncapabilities after the restart: 2 ok; none lost against the audit before the swap \(2 ok\)\n$/);
    const v2 = readFileSync(live, 'utf8');

    const requestsBefore = fake.requests.length;
    const broken = await clawctl(daemon, ['apply', writeCandidate(temp.path, 'v3.json5', withProvider('v3', fake.baseUrl(), WRONG_KEY))]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/rolled back (\S+): capability-lost:model:fake\/tiny-1, capability-lost:model:fake\/tiny-2; .*openclaw\.json is the previous config again and the gateway is healthy on it\n {2}model:fake\/tiny-1: ok before, failed after: HTTP 401: the provider rejected the key/);
    expect(readFileSync(live, 'utf8')).toBe(v2);
    // One list-models request per audit (both models share the provider and key): before, after.
    expect(fake.requests.slice(requestsBefore).map((request) => request.key)).toEqual([KEY, WRONG_KEY]);
    const status = await daemon.waitForStatus('healthy on v2 again', (each) => each.mode === 'healthy' && each.gatewayConfig?.lastApply?.outcome === 'rolled-back');
    expect(status.gatewayConfig.lastApply.reason).toBe('capability-lost:model:fake/tiny-1, capability-lost:model:fake/tiny-2');
    expect(daemon.logs().filter((record) => record.msg === 'gateway output' && String(record.line).includes('name=v2')).length).toBeGreaterThanOrEqual(2);
    const records = JSON.parse((await clawctl(daemon, ['history', '--json'])).stdout) as Array<Record<string, any>>;
    const last = records.at(-1) ?? {};
    expect(last).toMatchObject({ outcome: 'rolled-back', capabilitiesLost: ['model:fake/tiny-1', 'model:fake/tiny-2'], auditFiles: [`${last.id}.audit-before.json`, `${last.id}.audit-after.json`] });
    const backups = join(daemon.statusDir, 'gateway-config', 'backups');
    const before = JSON.parse(readFileSync(join(backups, `${last.id}.audit-before.json`), 'utf8')) as { capabilities: Array<{ id: string; result: string }> };
    expect(before.capabilities.map(({ id, result }) => `${id} ${result}`)).toEqual(['model:fake/tiny-1 ok', 'model:fake/tiny-2 ok']);
    expect(statSync(join(backups, `${last.id}.audit-before.json`)).mode & 0o777).toBe(0o600);

    // The key moved to a section clawsup (and the gateway) does not read: nothing can check the models after the restart.
    const movedText = `${JSON.stringify({ name: 'v4', gateway: { mode: 'local' }, env: { vars: { MOVED_KEY: KEY } }, models: { providers: { fake: { baseUrl: fake.baseUrl(), api: 'openai-completions', models: [{ id: 'tiny-1' }] } } }, agents: { defaults: { model: { primary: 'fake/tiny-1', fallbacks: ['fake/tiny-2'] } } } }, null, 2)}\n`;
    const moved = await clawctl(daemon, ['apply', writeCandidate(temp.path, 'v4.json5', movedText)]);
    expect(moved.code).toBe(1);
    expect(moved.stderr).toMatch(/rolled back \S+: capability-lost:model:fake\/tiny-1, capability-lost:model:fake\/tiny-2; .*\n {2}model:fake\/tiny-1: ok before, unverified after \(nothing left to check it by\): models\.providers\.fake\.apiKey is not set/);
    expect(readFileSync(live, 'utf8')).toBe(v2);
    const everything = [broken.stderr, moved.stderr, good.stdout, JSON.stringify(daemon.logs()), readFileSync(join(backups, `${last.id}.audit-after.json`), 'utf8')].join('\n');
    for (const secret of [KEY, WRONG_KEY]) expect(everything).not.toContain(secret);
  });
});

describe('the candidate on the wire: gateway-config-apply has its own 1 MiB cap (the control line cap is 64 KiB)', () => {
  const padded = (name: string, bytes: number): string => {
    const head = `{ gateway: { mode: "local" }, name: "${name}", padding: "`;
    const tail = '" }\n';
    return `${head}${'x'.repeat(bytes - head.length - tail.length)}${tail}`;
  };

  it('applies a 900 KiB candidate, refuses a 1.1 MiB one with a located message, the live config untouched byte for byte', async () => {
    const { daemon, live, dir } = startGate();
    const before = await waitHealthy(daemon);
    const big = writeCandidate(dir, 'big.json5', padded('big', 900 * 1024));
    const applied = await clawctl(daemon, ['apply', big]);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(readFileSync(live, 'utf8')).toBe(readFileSync(big, 'utf8'));
    const onBig = await daemon.waitForStatus('healthy on the 900 KiB config', (status) => status.mode === 'healthy' && status.gatewayConfig?.isApplying === false);
    expect(onBig.gateway.pid).not.toBe(before.gateway.pid);
    expect(daemon.logs().some((record) => record.msg === 'gateway output' && String(record.line).includes('name=big'))).toBe(true);

    const liveBytes = readFileSync(live);
    const huge = writeCandidate(dir, 'huge.json5', padded('huge', Math.round(1.1 * 1024 * 1024)));
    const refused = await clawctl(daemon, ['apply', huge]);
    expect(refused.code).toBe(66);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/huge\.json5: 1153434 bytes, over the cap of 1048576; the live gateway config is untouched/);
    expect(readFileSync(live).equals(liveBytes)).toBe(true);

    // A client other than clawctl that sends it anyway: the daemon's own check names the param and the size.
    const line = `${JSON.stringify({ v: 1, id: 7, method: 'gateway-config-apply', params: { content: readFileSync(huge, 'utf8'), source: huge, who: { uid: 0, user: 'root' } } })}\n`;
    const raw = await exchangeRaw(daemon.socketPath, line, { expectReplies: 1, timeoutMs: 10_000 });
    expect(raw.replies).toEqual([{ v: 1, id: 7, ok: false, error: { code: 'bad-params', message: 'gateway-config-apply: params.content: the candidate is 1153434 bytes, over the gate\'s 1048576 (1 MiB)' } }]);
    // The larger line is this method's alone: params before method, or another method, meet the 64 KiB cap.
    const reordered = await exchangeRaw(daemon.socketPath, `{"v":1,"id":8,"params":{"content":"${'x'.repeat(100_000)}"},"method":"gateway-config-apply"}\n`);
    expect(reordered.replies).toEqual([{ v: 1, id: null, ok: false, error: { code: 'request-too-large', message: 'a request line is at most 65536 bytes (gateway-config-apply: 3145728, with "method" before "params")' } }]);
    expect(reordered.isClosed).toBe(true);
    expect(readFileSync(live).equals(liveBytes)).toBe(true);
    expect(JSON.parse((await clawctl(daemon, ['history', '--json'])).stdout).map((record: { outcome: string }) => record.outcome)).toEqual(['applied']);
  });
});

describe('an apply interrupted by a killed clawsupd', () => {
  it('is rolled back at the next start, before the gateway runs on the unverified config, and recorded so', async () => {
    const { daemon, live, dir } = startGate({ gatewayConfig: { settleMs: 30_000 } });
    await waitHealthy(daemon);
    const candidate = writeCandidate(dir, 'v2.json5', '{ gateway: { mode: "local" }, name: "v2" }');
    const apply = clawctl(daemon, ['apply', candidate]);
    await daemon.waitForStatus('the apply waiting on the new gateway', (status) => status.gatewayConfig?.isApplying === true && readFileSync(live, 'utf8') === readFileSync(candidate, 'utf8'));
    await daemon.stop('SIGKILL');
    expect((await apply).code).toBe(69);
    expect(readFileSync(live, 'utf8')).toBe(readFileSync(candidate, 'utf8'));

    const next = startDaemon({ dir, config: JSON.parse(readFileSync(daemon.configPath, 'utf8')) as Record<string, any> });
    const status = await next.waitForStatus('the interrupted apply rolled back', (each) => each.mode === 'healthy' && each.gatewayConfig?.lastApply?.outcome === 'rolled-back');
    expect(status.gatewayConfig.lastApply.reason).toMatch(/^interrupted: clawsupd stopped before the apply was verified/);
    expect(readFileSync(live, 'utf8')).toBe(V1);
    expect(status.reasons).toEqual([]);
    expect(next.logs().some((record) => record.msg === 'gateway output' && String(record.line).includes('name=v2'))).toBe(false);
    const records = JSON.parse((await clawctl(next, ['history', '--json'])).stdout) as Array<Record<string, any>>;
    expect(records.map((record) => record.outcome)).toEqual(['rolled-back']);
  });
});

describe('an apply recorded just before clawsupd was killed', () => {
  it('keeps the recorded outcome and completes its applied hash at the next start: no drift, no journal, no staged copy', async () => {
    const { daemon, live, dir } = startGate();
    await waitHealthy(daemon);
    const store = join(daemon.statusDir, 'gateway-config');
    await daemon.waitForStatus('the live config adopted', (status) => typeof status.gatewayConfig?.drift.appliedHash === 'string');
    const adopted = readFileSync(join(store, 'applied.json'), 'utf8');
    const candidate = writeCandidate(dir, 'v2.json5', '{ gateway: { mode: "local" }, name: "v2" }\n');
    expect((await clawctl(daemon, ['apply', candidate])).code).toBe(0);
    await daemon.stop('SIGTERM');
    // As a SIGKILL between the history line and applied.json leaves it: the journal still there, the applied hash the old one.
    const record = JSON.parse(readFileSync(join(store, 'history.ndjson'), 'utf8').trim().split('\n').at(-1) ?? '{}') as { id: string };
    writeFileSync(join(store, 'apply-journal.json'), JSON.stringify({ id: record.id, kind: 'apply', source: candidate, who: { uid: 0, user: 'root' }, backupFile: `${record.id}.before.json5`, previousHash: null, startedAt: new Date().toISOString() }));
    writeFileSync(join(store, 'applied.json'), adopted);
    writeFileSync(join(store, 'candidate-4242.json5'), '{}');

    const next = startDaemon({ dir, config: JSON.parse(readFileSync(daemon.configPath, 'utf8')) as Record<string, any> });
    const status = await next.waitForStatus('healthy, drift checked', (each) => each.daemon?.pid === next.pid && each.mode === 'healthy' && each.gatewayConfig?.drift.checkedAt !== null);
    expect(status.gatewayConfig.drift.isDrifted).toBe(false);
    expect(status.reasons).toEqual([]);
    expect(readFileSync(live, 'utf8')).toBe(readFileSync(candidate, 'utf8'));
    expect(readdirSync(store).filter((name) => name === 'apply-journal.json' || name.startsWith('candidate-'))).toEqual([]);
    expect(JSON.parse(readFileSync(join(store, 'applied.json'), 'utf8'))).toMatchObject({ id: record.id });
  });
});

describe('apply ids', () => {
  it('never reuse an id already recorded (a clawsupd restarted within the second counts from 1 again)', async () => {
    const { daemon, dir } = startGate();
    await waitHealthy(daemon);
    const store = join(daemon.statusDir, 'gateway-config');
    // Records with the ids a fresh counter would give in the next seconds, as an earlier clawsupd of the same second left them.
    const nowS = Math.floor(Date.now() / 1_000);
    const taken: string[] = [];
    for (let second = 0; second < 15; second += 1) {
      for (let sequence = 1; sequence <= 10; sequence += 1) {
        const stamp = new Date((nowS + second) * 1_000).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
        taken.push(`${stamp}-${String(sequence).padStart(3, '0')}`);
      }
    }
    const old = { at: new Date().toISOString(), kind: 'apply', who: { uid: 0, user: 'root', note: '' }, source: '/x', outcome: 'rolled-back', reason: 'interrupted', validator: null, previousHash: null, candidateHash: '', backupFile: null, changedKeys: [], durationMs: 1 };
    writeFileSync(join(store, 'history.ndjson'), `${taken.map((id) => JSON.stringify({ ...old, id })).join('\n')}\n`);
    const run = await clawctl(daemon, ['apply', '--json', writeCandidate(dir, 'v2.json5', '{ gateway: { mode: "local" }, name: "v2" }')]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { id: string };
    expect(taken).not.toContain(result.id);
  });
});

describe('keys clawsup owns', () => {
  it('cron.enabled and cron.skipMissedJobs written by the cron leader are not drift, and an apply keeps the live values', async () => {
    // Redis on a port nobody listens on: the leader cannot get the lease and turns this node's cron off.
    const { daemon, live, dir } = startGate({ cron: { leader: { enabled: true, redisUrl: `redis://127.0.0.1:${await freePort()}`, leaseMs: 1_000, connectTimeoutMs: 200 } } });
    await daemon.waitForStatus('cron turned off in the live config', () => (JSON5.parse(readFileSync(live, 'utf8')) as { cron?: { enabled?: boolean } }).cron?.enabled === false);
    await daemon.waitForStatus('drift checked after the cron write', (status) => status.gatewayConfig?.drift.checkedAt !== null && status.gatewayConfig?.drift.isDrifted === false);
    expect(daemon.status()?.reasons ?? []).not.toContain('config-drift');

    const run = await clawctl(daemon, ['apply', writeCandidate(dir, 'v2.json5', '{ gateway: { mode: "local" }, name: "v2", cron: { enabled: true } }')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON5.parse(readFileSync(live, 'utf8'))).toEqual({ gateway: { mode: 'local' }, name: 'v2', cron: { enabled: false, skipMissedJobs: true } });
    expect(run.stdout).toMatch(/no key changed|~name/);
  });
});
