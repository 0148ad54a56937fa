import { afterEach, describe, expect, it } from 'vitest';
import type { ClaimedCapability } from '../../src/audit/capability.js';
import { runAudit, type AuditRunOptions } from '../../src/audit/run-audit.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runClawctl } from '../helpers/control.js';
import { cleanupDaemons, FIXTURES, startDaemon } from '../helpers/daemon.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-openai-provider.js';
import { freePort } from '../helpers/free-port.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const KEY = 'sk-budget-test-key-0123456789';
let fake: FakeProvider | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const source = { file: '/x/openclaw.json', keyPath: 'agents.defaults.model.primary' };
const model = (provider: string, baseUrl: string): ClaimedCapability => ({ id: `model:${provider}/tiny-1`, kind: 'model', source, check: { method: 'list-models', provider, baseUrl, apiKey: KEY, model: 'tiny-1' } });
const channel = (account: string): ClaimedCapability => ({ id: `channel:slack:${account}`, kind: 'channel', source, check: { method: 'channel-status', channel: 'slack', account } });
// A gateway that never answers and ignores the signal it is given: the audit must still end on time.
const never = (): Promise<never> => new Promise(() => undefined);

function options(claims: ClaimedCapability[], fields: Partial<AuditRunOptions>): AuditRunOptions {
  return { claims, checkTimeoutMs: 5_000, budgetMs: 60_000, liveModelCalls: false, knownSecrets: [], fetchChannelStatus: null, channelsUnavailable: 'none', fetchModelsStatus: null, ...fields };
}

describe('runAudit deadlines', () => {
  it('ends 3 providers and 2 channels within the total budget, whatever hangs, each unanswered check a timeout', async () => {
    fake = await startFakeProvider({ keys: [KEY], models: ['tiny-1'] });
    const claims = [model('good', fake.baseUrl()), model('hung', fake.baseUrl('/hang/v1')), model('slow', fake.baseUrl('/hang/v2')), channel('default'), channel('work')];
    const startedMs = performance.now();
    const run = await runAudit(options(claims, { checkTimeoutMs: 5_000, budgetMs: 800, fetchChannelStatus: never, fetchModelsStatus: never }));
    const elapsedMs = performance.now() - startedMs;
    expect(elapsedMs).toBeLessThan(1_500);
    expect(run.capabilities.map(({ id, result }) => [id, result])).toEqual([
      ['model:good/tiny-1', 'ok'],
      ['model:hung/tiny-1', 'timeout'],
      ['model:slow/tiny-1', 'timeout'],
      ['channel:slack:default', 'timeout'],
      ['channel:slack:work', 'timeout'],
    ]);
    expect(run.capabilities[1]?.detail).toBe('the audit\'s total budget ran out first');
    expect(run.notes).toEqual([expect.stringMatching(/^openclaw models status: no answer within \d+ ms$/)]);
  });

  it('gives each check its own deadline inside a larger budget', async () => {
    fake = await startFakeProvider({ keys: [KEY], models: ['tiny-1'] });
    const startedMs = performance.now();
    const run = await runAudit(options([model('hung', fake.baseUrl('/hang/v1')), channel('default')], { checkTimeoutMs: 300, budgetMs: 10_000, fetchChannelStatus: never }));
    expect(performance.now() - startedMs).toBeLessThan(1_500);
    expect(run.capabilities.map(({ result, detail }) => [result, detail])).toEqual([
      ['timeout', 'no answer within 300 ms'],
      ['timeout', expect.stringMatching(/^channels\.status: no answer within \d+ ms$/)],
    ]);
  });

  it('says a refused channels.status leaves the accounts unverified, and hides the token it was given', async () => {
    const token = 'gw-token-that-must-not-show-123';
    const refuse = (): Promise<never> => Promise.reject(new Error(`gateway rpc channels.status: unauthorized (token ${token})`));
    const run = await runAudit(options([channel('default')], { fetchChannelStatus: refuse, knownSecrets: [token] }));
    expect(run.capabilities[0]).toMatchObject({ result: 'unverified', detail: 'channels.status: gateway rpc channels.status: unauthorized (token [REDACTED])' });
  });

  it('makes the opt-in one-token completion only with liveModelCalls', async () => {
    fake = await startFakeProvider({ keys: [KEY], models: ['tiny-1'] });
    const claim = model('good', fake.baseUrl());
    await runAudit(options([claim], {}));
    expect(fake.requests.map(({ method, path }) => `${method} ${path}`)).toEqual(['GET /v1/models']);
    const run = await runAudit(options([claim], { liveModelCalls: true }));
    expect(fake.requests.map(({ method, path }) => `${method} ${path}`)).toEqual(['GET /v1/models', 'GET /v1/models', 'POST /v1/chat/completions']);
    // The fake has no completions route: its 404 leaves the model unverified, not ok.
    expect(run.capabilities[0]).toMatchObject({ result: 'unverified', detail: expect.stringContaining('completion: HTTP 404') });
  });
});

describe('runAudit with openclaw models status', () => {
  // OpenClaw's own resolution wins: a key that works in openclaw.json while a stale auth profile is used (#40363).
  it('fails a model whose route OpenClaw finds unusable, even when its config key answers, and notes an indeterminate one', async () => {
    fake = await startFakeProvider({ keys: [KEY], models: ['tiny-1'] });
    const unverified: ClaimedCapability = { id: 'model:anthropic/claude-opus-4-6', kind: 'model', source, check: { method: 'none', reason: 'not in models.providers' } };
    const status = {
      auth: {
        modelRouteIssues: [
          { kind: 'missing', provider: 'good', model: 'tiny-1', message: 'No credentials for good/tiny-1 (auth profile good:default is stale)' },
          { kind: 'indeterminate', provider: 'anthropic', model: 'claude-opus-4-6', message: 'Auth readiness could not be confirmed.' },
        ],
      },
    };
    const run = await runAudit(options([model('good', fake.baseUrl()), unverified], { fetchModelsStatus: () => Promise.resolve(status) }));
    expect(run.capabilities.map(({ result, detail }) => [result, detail])).toEqual([
      ['failed', 'openclaw models status: No credentials for good/tiny-1 (auth profile good:default is stale)'],
      ['unverified', 'not in models.providers; openclaw models status: Auth readiness could not be confirmed.'],
    ]);
    expect(run.notes).toEqual([]);
  });

  it('notes a models status that failed, and keeps its own verdicts', async () => {
    fake = await startFakeProvider({ keys: [KEY], models: ['tiny-1'] });
    const run = await runAudit(options([model('good', fake.baseUrl())], { fetchModelsStatus: () => Promise.reject(new Error(`printed no JSON (exit 0): key ${KEY}`)) }));
    expect(run.capabilities[0]?.result).toBe('ok');
    expect(run.notes).toEqual(['openclaw models status: printed no JSON (exit 0): key [REDACTED]']);
  });
});

describe('an audit by clawsupd of 3 providers and 2 channels, the gateway under load', () => {
  const daemonCleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    await cleanupDaemons();
    for (const cleanup of daemonCleanups.splice(0).reverse()) await cleanup();
  });

  it('finishes within its total budget: the fine provider ok, the slow one ok late, the hung one a timeout, the channels answered by a busy gateway', async () => {
    const provider = await startFakeProvider({ keys: [KEY], models: ['tiny-1'], slowMs: 900 });
    daemonCleanups.push(() => provider.close());
    const temp = makeTempDir('cs-audit-load-');
    daemonCleanups.push(() => temp.remove());
    const port = await freePort();
    const token = `gw-load-${Math.random().toString(36).slice(2)}`;
    const entry = (baseUrl: string) => ({ baseUrl, apiKey: KEY, api: 'openai-completions', models: [{ id: 'tiny-1' }] });
    const openclawPath = join(temp.path, 'openclaw.json');
    writeFileSync(openclawPath, JSON.stringify({
      gateway: { mode: 'local', auth: { mode: 'token', token } },
      models: { providers: { fine: entry(provider.baseUrl()), slow: entry(provider.baseUrl('/slow/v1')), hung: entry(provider.baseUrl('/hang/v1')) } },
      agents: { defaults: { model: { primary: 'fine/tiny-1', fallbacks: ['slow/tiny-1', 'hung/tiny-1'] } } },
      channels: { slack: { botToken: 'xoxb-load-test-0000', appToken: 'xapp-load-test-0000' }, telegram: { botToken: '0000:load-test' } },
    }));
    const budgetMs = 2_500;
    const daemon = startDaemon({
      dir: temp.path,
      config: {
        gateway: { command: [process.execPath, join(FIXTURES, 'fake-gateway.mjs'), '--port', String(port), '--startup-ms', '100'], openclawConfigPath: openclawPath, env: { OPENCLAW_GATEWAY_TOKEN: token }, stopTimeoutMs: 2_000 },
        health: { enabled: true, url: `http://127.0.0.1:${port}/healthz`, intervalMs: 1_000, timeoutMs: 2_000, failureThreshold: 10, startupGraceMs: 15_000 },
        audit: { settleMs: 600_000, checkTimeoutMs: 1_500, budgetMs },
      },
    });
    const healthy = await daemon.waitForStatus('healthy', (status) => status['mode'] === 'healthy' && typeof status['gateway']?.pid === 'number');
    // The gateway's event loop busy 150 ms of every 200: each of its answers waits behind the load.
    const control = await fetch(`http://127.0.0.1:${port}/__control`, { method: 'POST', body: JSON.stringify({ slack: 'connected', load: { busyMs: 150, everyMs: 200 } }) });
    expect(control.status).toBe(200);

    const startedMs = performance.now();
    const run = await runClawctl(['--config', daemon.configPath, 'audit', '--json'], { timeoutMs: 30_000 });
    const elapsedMs = performance.now() - startedMs;
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as { capabilities: Array<{ id: string; result: string; latencyMs: number | null; detail: string }> };
    const byId = Object.fromEntries(report.capabilities.map((capability) => [capability.id, capability]));
    expect(byId['model:fine/tiny-1']).toMatchObject({ result: 'ok' });
    expect(byId['model:slow/tiny-1']).toMatchObject({ result: 'ok' });
    expect(byId['model:slow/tiny-1']?.latencyMs).toBeGreaterThanOrEqual(900);
    expect(byId['model:hung/tiny-1']).toMatchObject({ result: 'timeout', detail: 'no answer within 1500 ms' });
    expect(byId['channel:slack:default']).toMatchObject({ result: 'ok', detail: 'connected (the plugin has no probe)' });
    expect(byId['channel:telegram:default']).toMatchObject({ result: 'failed', detail: expect.stringContaining('reports no telegram account default') });
    expect(run.code).toBe(1);
    const snapshot = JSON.parse(readFileSync(join(daemon.statusDir, 'audit', 'latest.json'), 'utf8')) as { durationMs: number };
    // The daemon's audit within its budget (plus the writes); clawctl's whole run within a second more.
    expect(snapshot.durationMs).toBeLessThanOrEqual(budgetMs + 300);
    expect(elapsedMs).toBeLessThan(budgetMs + 2_000);
    // The audit took nothing from the gateway: the same process, still supervised.
    expect(daemon.status()?.['gateway']?.pid).toBe(healthy['gateway']?.pid);
    process.stdout.write(`audit under load: ${report.capabilities.map(({ id, result, latencyMs }) => `${id} ${result} ${latencyMs ?? '-'} ms`).join('; ')}; audit ${snapshot.durationMs} ms of a ${budgetMs} ms budget, clawctl ${Math.round(elapsedMs)} ms\n`);
    const everything = `${run.stdout}${JSON.stringify(daemon.logs())}${readFileSync(join(daemon.statusDir, 'audit', 'latest.json'), 'utf8')}`;
    for (const secret of [KEY, token, 'xoxb-load-test']) expect(everything).not.toContain(secret);
  });
});
