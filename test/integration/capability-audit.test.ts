import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runClawctl } from '../helpers/control.js';
import { cleanupDaemons, FIXTURES, startDaemon } from '../helpers/daemon.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-openai-provider.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const KEY = `sk-audit-test-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
const OTHER_KEY = `sk-other-test-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
const node = process.execPath;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await cleanupDaemons();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function provider(): Promise<FakeProvider> {
  const fake = await startFakeProvider({ keys: [KEY, OTHER_KEY], models: ['tiny-1', 'tiny-2'] });
  cleanups.push(() => fake.close());
  return fake;
}

function tempDir(): string {
  const dir = makeTempDir('cs-audit-');
  cleanups.push(() => dir.remove());
  return dir.path;
}

/** A clawsup config for clawctl run on its own: the gateway command is a fixture, so openclaw models status is left out. */
function writeConfigs(dir: string, openclaw: unknown, audit: Record<string, unknown> = {}): string {
  writeFileSync(join(dir, 'openclaw.json'), JSON.stringify(openclaw, null, 2));
  const configPath = join(dir, 'clawsup.json');
  writeFileSync(configPath, JSON.stringify({ gateway: { command: [node, join(FIXTURES, 'forever.mjs')], openclawConfigPath: join(dir, 'openclaw.json') }, status: { dir: join(dir, 'status') }, audit }));
  return configPath;
}

const providerEntry = (baseUrl: string, apiKey: string) => ({ baseUrl, apiKey, api: 'openai-completions', models: [{ id: 'tiny-1', name: 'Tiny' }] });

function readAllAuditFiles(statusDir: string): string {
  const auditDir = join(statusDir, 'audit');
  return readdirSync(auditDir).map((name) => readFileSync(join(auditDir, name), 'utf8')).join('\n');
}

describe('clawctl audit, run on its own', () => {
  it('gives each bad provider its own verdict within the budget, and no key anywhere', async () => {
    const fake = await provider();
    const dir = tempDir();
    const configPath = writeConfigs(
      dir,
      {
        gateway: { mode: 'local' },
        models: {
          providers: {
            good: providerEntry(fake.baseUrl(), KEY),
            rotated: providerEntry(fake.baseUrl(), 'sk-revoked-key-0123456789'),
            hung: providerEntry(fake.baseUrl('/hang/v1'), KEY),
            broken: providerEntry(fake.baseUrl('/500/v1'), KEY),
            html: providerEntry(fake.baseUrl('/html/v1'), KEY),
            looping: providerEntry(fake.baseUrl('/loop/v1'), KEY),
          },
        },
        agents: {
          defaults: { model: { primary: 'good/tiny-1', fallbacks: ['good/tiny-9', 'rotated/tiny-1', 'hung/tiny-1', 'broken/tiny-1', 'html/tiny-1', 'looping/tiny-1', 'anthropic/claude-opus-4-6'] } },
          entries: { main: {}, ops: { model: 'good/tiny-2' } },
        },
        auth: { profiles: { 'anthropic:default': { provider: 'anthropic', mode: 'api_key' } } },
        channels: { slack: { accounts: { default: { botToken: 'xoxb-not-real-000000', appToken: 'xapp-not-real-000000' } } } },
        messages: { tts: { provider: 'elevenlabs', elevenlabs: { apiKey: 'el-secret-key-123456' } } },
      },
      { checkTimeoutMs: 1_000, budgetMs: 4_000 },
    );
    const startedMs = Date.now();
    const run = await runClawctl(['--config', configPath, 'audit', '--json']);
    expect(Date.now() - startedMs).toBeLessThan(4_000);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { at: string; capabilities: { id: string; kind: string; result: string; latencyMs: number | null; detail: string; source: { file: string; keyPath: string } }[]; lost: string[] };
    const byId = Object.fromEntries(report.capabilities.map((capability) => [capability.id, capability]));
    expect(Object.keys(byId)).toEqual([
      'model:good/tiny-1',
      'model:good/tiny-9',
      'model:rotated/tiny-1',
      'model:hung/tiny-1',
      'model:broken/tiny-1',
      'model:html/tiny-1',
      'model:looping/tiny-1',
      'model:anthropic/claude-opus-4-6',
      'model:good/tiny-2',
      'auth:anthropic:default',
      'channel:slack:default',
      'tool:tts',
    ]);
    expect(byId['model:good/tiny-1']).toMatchObject({ kind: 'model', result: 'ok', detail: 'key accepted; 2 models listed', source: { file: join(dir, 'openclaw.json'), keyPath: 'agents.defaults.model.primary' } });
    expect(byId['model:good/tiny-2']).toMatchObject({ result: 'ok', source: { keyPath: 'agents.entries.ops.model' } });
    expect(byId['model:good/tiny-9']).toMatchObject({ result: 'failed', detail: expect.stringContaining('tiny-9 is not among the 2 models') });
    expect(byId['model:rotated/tiny-1']).toMatchObject({ result: 'failed', detail: expect.stringContaining('HTTP 401: the provider rejected the key: Incorrect API key provided') });
    expect(byId['model:hung/tiny-1']).toMatchObject({ result: 'timeout', detail: 'no answer within 1000 ms' });
    expect(byId['model:broken/tiny-1']).toMatchObject({ result: 'failed', detail: 'HTTP 500: internal error, try again later' });
    expect(byId['model:html/tiny-1']).toMatchObject({ result: 'failed', detail: 'HTTP 502: an HTML page ("502 Bad Gateway"), not an API answer' });
    expect(byId['model:looping/tiny-1']).toMatchObject({ result: 'failed', detail: expect.stringContaining('HTTP 302: redirected to /loop/v1/models (not followed') });
    expect(byId['model:anthropic/claude-opus-4-6']).toMatchObject({ result: 'unverified', latencyMs: null, detail: expect.stringContaining('not in models.providers') });
    expect(byId['channel:slack:default']).toMatchObject({ result: 'unverified', detail: expect.stringContaining('no gateway token') });
    expect(byId['tool:tts']).toMatchObject({ result: 'unverified', source: { keyPath: 'messages.tts' } });
    expect(report.lost).toEqual([]);
    // One request per provider and key, however many models name it; the loop was not followed.
    expect(fake.requests.filter((request) => request.path === '/v1/models')).toHaveLength(2);
    expect(fake.requests.filter((request) => request.path.startsWith('/loop/'))).toHaveLength(1);
    const everything = `${run.stdout}\n${readAllAuditFiles(join(dir, 'status'))}`;
    for (const secret of [KEY, 'sk-revoked-key-0123456789', 'xoxb-not-real', 'el-secret-key']) expect(everything).not.toContain(secret);
  });

  it.each([
    ['invalid JSON5', '{ models: { providers: ', /cannot read the OpenClaw config .*openclaw\.json: JSON5: invalid end of input/],
    ['a missing file', null, /cannot read the OpenClaw config .*openclaw\.json: ENOENT/],
  ])('exits 3 on %s, naming the file', async (_name, content, message) => {
    const dir = tempDir();
    const configPath = writeConfigs(dir, {});
    if (content === null) writeFileSync(join(dir, 'clawsup.json'), JSON.stringify({ gateway: { command: ['x'], openclawConfigPath: join(dir, 'missing', 'openclaw.json') }, status: { dir: join(dir, 'status') } }));
    else writeFileSync(join(dir, 'openclaw.json'), content);
    const run = await runClawctl(['--config', configPath, 'audit']);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('saves a baseline, and the diff names what the rotated key lost', async () => {
    const fake = await provider();
    const dir = tempDir();
    const configPath = writeConfigs(dir, { models: { providers: { fake: providerEntry(fake.baseUrl(), KEY) } }, agents: { defaults: { model: { primary: 'fake/tiny-1', fallbacks: ['fake/tiny-2'] } } } });
    const first = await runClawctl(['--config', configPath, 'audit', '--save-baseline']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^ok +model:fake\/tiny-1 +\d+ ms +key accepted; 2 models listed$/m);
    expect(first.stdout).toContain('baseline: ');
    expect(first.stdout).toContain('(saved)');
    fake.rotate(KEY);
    const second = await runClawctl(['--config', configPath, 'audit', '--json']);
    expect(second.code).toBe(1);
    expect((JSON.parse(second.stdout) as { lost: string[] }).lost).toEqual(['model:fake/tiny-1', 'model:fake/tiny-2']);
    const diff = await runClawctl(['--config', configPath, 'audit', 'diff']);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toMatch(/^baseline \(.+\) -> latest \(.+\)\nlost {7}model:fake\/tiny-1\nlost {7}model:fake\/tiny-2\n$/);
    const fixed = await runClawctl(['--config', configPath, 'audit', 'diff', 'latest', 'baseline', '--json']);
    expect(JSON.parse(fixed.stdout)).toMatchObject({ lost: [], gained: [], changed: [{ id: 'model:fake/tiny-1', from: 'failed', to: 'ok', isImprovement: true }, { id: 'model:fake/tiny-2', from: 'failed', to: 'ok', isImprovement: true }] });
    expect(fixed.code).toBe(0);
    const bad = await runClawctl(['--config', configPath, 'audit', 'diff', 'nope']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/cannot read audit snapshot .*nope\.json: ENOENT/);
    expect(`${first.stdout}${second.stdout}${diff.stdout}${readAllAuditFiles(join(dir, 'status'))}`).not.toContain(KEY);
  });
});

describe('the audit in clawsupd', () => {
  it('audits once the gateway is up, then degrades the node with capability-lost when a key is rotated', async () => {
    const fake = await provider();
    const dir = tempDir();
    writeFileSync(join(dir, 'openclaw.json'), JSON.stringify({ models: { providers: { fake: providerEntry(fake.baseUrl(), KEY) } }, agents: { defaults: { model: 'fake/tiny-1' } } }));
    const daemon = startDaemon({
      config: { gateway: { command: [node, join(FIXTURES, 'forever.mjs')], stopTimeoutMs: 5_000, openclawConfigPath: join(dir, 'openclaw.json') }, audit: { intervalMs: 1_000, settleMs: 200, checkTimeoutMs: 1_000, budgetMs: 2_000 } },
    });
    const auditDir = join(daemon.statusDir, 'audit');
    const readLatest = () => JSON.parse(readFileSync(join(auditDir, 'latest.json'), 'utf8')) as { capabilities: { id: string; result: string }[]; lost: string[]; isGatewayHealthy: boolean };
    await waitFor('a first audit with the model ok', () => readLatest().capabilities.some((c) => c.id === 'model:fake/tiny-1' && c.result === 'ok'), 15_000);
    expect(readLatest().isGatewayHealthy).toBe(true);
    // With none saved, the first audit of a healthy gateway is the baseline.
    // baseline.json is written just after latest.json: wait for it rather than read between the two.
    const baseline = await waitFor('the first healthy audit kept as the baseline', () => {
      try {
        return JSON.parse(readFileSync(join(auditDir, 'baseline.json'), 'utf8')) as unknown;
      } catch {
        return undefined;
      }
    }, 10_000);
    expect(baseline).toMatchObject({ isSaved: false, snapshot: { capabilities: [{ id: 'model:fake/tiny-1', result: 'ok' }] } });
    expect(daemon.status()?.['mode']).toBe('healthy');

    fake.rotate(KEY);
    const degraded = await daemon.waitForStatus('degraded by the lost model', (status) => status['mode'] === 'degraded' && (status['reasons'] as string[]).includes('capability-lost:model:fake/tiny-1'), 15_000);
    expect(degraded['reasons']).toEqual(['capability-lost:model:fake/tiny-1']);
    const audited = await daemon.waitForStatus('the audit section names the loss', (status) => (status['audit']?.lost ?? []).includes('model:fake/tiny-1'), 15_000);
    expect(audited['audit']).toMatchObject({ lost: ['model:fake/tiny-1'], counts: { failed: expect.any(Number) } });
    expect(readLatest().lost).toEqual(['model:fake/tiny-1']);
    const diff = await runClawctl(['--config', daemon.configPath, 'audit', 'diff']);
    expect(diff.stdout).toContain('lost       model:fake/tiny-1');
    expect(diff.code).toBe(1);

    // A key put back heals the node at the next audit.
    fake.validKeys.add(KEY);
    await daemon.waitForStatus('healthy again', (status) => status['mode'] === 'healthy', 15_000);
    const logs = JSON.stringify(daemon.logs());
    expect(logs).toContain('capabilities lost changed');
    for (const text of [logs, daemon.stderr(), JSON.stringify(daemon.status()), readAllAuditFiles(daemon.statusDir), readFileSync(join(daemon.statusDir, 'events.ndjson'), 'utf8')]) expect(text).not.toContain(KEY);
  });

  it('runs clawctl audit through clawsupd when one answers: the daemon audits, writes, publishes; --save-baseline and diff work so too', async () => {
    const fake = await provider();
    const dir = tempDir();
    const openclawPath = join(dir, 'openclaw.json');
    writeFileSync(openclawPath, JSON.stringify({ models: { providers: { fake: providerEntry(fake.baseUrl(), KEY) } }, agents: { defaults: { model: 'fake/tiny-1' } } }));
    const daemon = startDaemon({
      // The schedule never comes due in this test (settleMs): every audit here is the operator's.
      config: { gateway: { command: [node, join(FIXTURES, 'forever.mjs')], stopTimeoutMs: 5_000, openclawConfigPath: openclawPath }, audit: { intervalMs: 600_000, settleMs: 600_000, checkTimeoutMs: 1_000, budgetMs: 2_000 } },
    });
    await daemon.waitForStatus('healthy', (status) => status['mode'] === 'healthy');
    const first = await runClawctl(['--config', daemon.configPath, 'audit', '--save-baseline']);
    expect(first.stderr).toMatch(/^clawctl: saved this audit as the baseline/);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^audit at \S+ \(\d+ ms, gateway healthy, run by clawsupd\)$/m);
    expect(first.stdout).toMatch(/^ok +model:fake\/tiny-1 /m);
    expect(first.stdout).toMatch(/\(saved\)/);
    const auditDir = join(daemon.statusDir, 'audit');
    expect(JSON.parse(readFileSync(join(auditDir, 'baseline.json'), 'utf8'))).toMatchObject({ isSaved: true });
    const events = () => readFileSync(join(daemon.statusDir, 'events.ndjson'), 'utf8').split('\n').filter((line) => line.includes('"audit-finished"')).map((line) => JSON.parse(line) as Record<string, unknown>);
    await waitFor('the operator audit journaled by the daemon', () => events().length === 1, 5_000);
    expect(events()[0]).toMatchObject({ trigger: 'operator', ok: 1 });

    fake.rotate(KEY);
    const second = await runClawctl(['--config', daemon.configPath, 'audit', '--json']);
    expect(second.code).toBe(1);
    const report = JSON.parse(second.stdout) as { at: string; lost: string[] };
    expect(report.lost).toEqual(['model:fake/tiny-1']);
    // The daemon published the audit it ran: its status names the loss, of that very audit.
    const degraded = await daemon.waitForStatus('degraded by the operator audit', (status) => (status['reasons'] as string[]).includes('capability-lost:model:fake/tiny-1'));
    expect(degraded['audit']).toMatchObject({ lastRunAt: report.at, lost: ['model:fake/tiny-1'], isBaselineSaved: true });
    const diff = await runClawctl(['--config', daemon.configPath, 'audit', 'diff']);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toContain('lost       model:fake/tiny-1');

    // An OpenClaw config the daemon cannot read: the daemon says why, clawctl exits 3.
    writeFileSync(openclawPath, '{ models: ');
    const broken = await runClawctl(['--config', daemon.configPath, 'audit']);
    expect(broken.code).toBe(3);
    expect(broken.stdout).toBe('');
    expect(broken.stderr).toMatch(/^clawctl: the audit could not run: cannot read the OpenClaw config .*openclaw\.json: JSON5: invalid end of input at 1:11\n$/);

    // With the daemon gone, clawctl audits on its own, and says so.
    writeFileSync(openclawPath, JSON.stringify({ models: { providers: { fake: providerEntry(fake.baseUrl(), OTHER_KEY) } }, agents: { defaults: { model: 'fake/tiny-1' } } }));
    await daemon.stop('SIGTERM');
    const alone = await runClawctl(['--config', daemon.configPath, 'audit']);
    expect(alone.code).toBe(0);
    expect(alone.stdout).toMatch(/^audit at \S+ \(\d+ ms, gateway not healthy, run by clawctl, no clawsupd answered\)$/m);
    expect(`${first.stdout}${second.stdout}${readAllAuditFiles(daemon.statusDir)}`).not.toContain(KEY);
  });

  it('never audits a gateway in a crash loop: each life ends before it settles', async () => {
    const fake = await provider();
    const dir = tempDir();
    writeFileSync(join(dir, 'openclaw.json'), JSON.stringify({ models: { providers: { fake: providerEntry(fake.baseUrl(), KEY) } }, agents: { defaults: { model: 'fake/tiny-1' } } }));
    const daemon = startDaemon({
      config: {
        // Lives of 400 ms, restarted after 100-200 ms: never the 3 s the audit waits for.
        gateway: { command: [node, join(FIXTURES, 'exit-with.mjs'), '1', '400'], stopTimeoutMs: 5_000, openclawConfigPath: join(dir, 'openclaw.json') },
        restart: { initialDelayMs: 100, maxDelayMs: 200, failureLimit: 50, failureWindowMs: 600_000 },
        audit: { intervalMs: 1_000, settleMs: 3_000 },
      },
    });
    await daemon.waitForStatus('five restarts', (status) => status['gateway']['restarts'] >= 5, 30_000);
    expect(fake.requests).toEqual([]);
    expect(readdirSync(daemon.statusDir)).not.toContain('audit');
  });
});
