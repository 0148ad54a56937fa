import { afterEach, describe, expect, it } from 'vitest';
import type { ClaimedCapability } from '../../src/audit/capability.js';
import { runAudit, type AuditRunOptions } from '../../src/audit/run-audit.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-openai-provider.js';

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
