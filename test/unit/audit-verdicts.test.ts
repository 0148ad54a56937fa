import { describe, expect, it } from 'vitest';
import { diffSnapshots, findLost } from '../../src/audit/audit-diff.js';
import { chooseSnapshotsToDelete, lostReasons, snapshotNameOf, summariseAudit, SNAPSHOT_NAME } from '../../src/audit/audit-summary.js';
import type { AuditSnapshot, CapabilityVerdict, CheckResult } from '../../src/audit/capability.js';
import { judgeChannelAccount } from '../../src/audit/channel-verdict.js';
import { judgeListModels } from '../../src/audit/list-models-verdict.js';
import { readModelsStatus } from '../../src/audit/models-status.js';

const json = (status: number, body: unknown) => ({ status, contentType: 'application/json', body: JSON.stringify(body), location: null });
const models = json(200, { object: 'list', data: [{ id: 'tiny-1' }, { id: 'tiny-2' }] });

describe('judgeListModels', () => {
  it.each([
    ['a listed model', models, 'tiny-1', 'ok', 'key accepted; 2 models listed'],
    ['the provider itself', models, null, 'ok', 'key accepted; 2 models listed'],
    ['an empty list', json(200, { data: [] }), 'tiny-1', 'ok', 'key accepted; 0 models listed'],
    ['a model the provider does not list', models, 'gone-9', 'failed', 'gone-9 is not among the 2 models'],
    ['401 with an OpenAI error', json(401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } }), 'tiny-1', 'failed', 'HTTP 401: the provider rejected the key: Incorrect API key provided'],
    ['403 with a plain message', json(403, { message: 'forbidden' }), 'tiny-1', 'failed', 'HTTP 403: the provider rejected the key: forbidden'],
    ['500', json(500, { error: 'upstream exploded' }), 'tiny-1', 'failed', 'HTTP 500: upstream exploded'],
    ['a 502 HTML page', { status: 502, contentType: 'text/html', body: '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>', location: null }, 'tiny-1', 'failed', 'HTTP 502: an HTML page ("502 Bad Gateway"), not an API answer'],
    ['a 200 HTML page (a captive portal)', { status: 200, contentType: 'text/html', body: '<html><title>Login</title></html>', location: null }, 'tiny-1', 'failed', 'HTTP 200 but not a model list: an HTML page ("Login")'],
    ['200 JSON without data', json(200, { models: [] }), 'tiny-1', 'failed', 'no "data" list'],
    ['a redirect', { status: 302, contentType: '', body: '', location: '/v1/models' }, 'tiny-1', 'failed', 'HTTP 302: redirected to /v1/models (not followed'],
    ['404', json(404, { error: 'not found' }), 'tiny-1', 'unverified', 'HTTP 404: the provider has no list-models endpoint'],
    ['429', json(429, { error: 'slow down' }), 'tiny-1', 'unverified', 'HTTP 429: rate limited'],
    ['an empty 503', { status: 503, contentType: '', body: '', location: null }, 'tiny-1', 'failed', 'HTTP 503: an empty body'],
  ])('%s', (_name, answer, model, result, detail) => {
    const verdict = judgeListModels(answer, model);
    expect(verdict.result).toBe(result);
    expect(verdict.detail).toContain(detail);
  });

  it('clips a long error to one short line', () => {
    const verdict = judgeListModels({ status: 500, contentType: 'text/plain', body: `${'x'.repeat(5000)}\n${'y'.repeat(10)}`, location: null }, null);
    expect(verdict.detail.length).toBeLessThan(300);
    expect(verdict.detail).not.toContain('\n');
  });
});

describe('judgeChannelAccount', () => {
  const payload = (account: Record<string, unknown>) => ({ channels: { slack: { configured: true } }, channelAccounts: { slack: [account] } });
  it.each([
    ['a probe that works', { accountId: 'default', probe: { ok: true, bot: { id: 'B1' } }, connected: true }, 'ok', 'probe of the account works'],
    ['a failed probe', { accountId: 'default', probe: { ok: false, error: 'invalid_auth' }, lastError: 'invalid_auth' }, 'failed', 'probe failed: invalid_auth'],
    ['a failed probe with a nested error', { accountId: 'default', probe: { ok: false, error: { message: 'token_revoked' } } }, 'failed', 'probe failed: token_revoked'],
    ['a blocked lifecycle', { accountId: 'default', lifecycle: 'blocked', lastError: 'not_authed' }, 'failed', 'blocked: not_authed'],
    ['a last error without a probe', { accountId: 'default', running: true, lastError: 'socket mode failed to start' }, 'failed', 'socket mode failed to start'],
    ['connected without a probe', { accountId: 'default', running: true, connected: true }, 'ok', 'connected (the plugin has no probe)'],
    // openclaw@2026.9.6 with the Slack plugin installed but not trusted (no plugins.entries.slack.enabled): never started.
    ['configured but not run by the gateway', { accountId: 'default', configured: true, enabled: true, running: false, lastError: null, healthState: 'not-running' }, 'failed', 'the gateway does not run this account (not-running)'],
    // As the real release answered with bogus tokens and no route to slack.com.
    ['the real probe failing', { accountId: 'default', configured: true, running: true, lifecycle: 'starting', probe: { ok: false, status: null, error: 'A request error occurred: fetch failed; cause: getaddrinfo ENOTFOUND slack.com', elapsedMs: 37 } }, 'failed', 'probe failed: A request error occurred'],
    // openclaw@2026.9.6 after 3 unclean boots in 5 minutes: the account is not started, its lastError the breaker's message.
    ['held down by the gateway\'s crash-loop breaker', { accountId: 'default', configured: true, running: false, lastError: 'gateway restart-loop breaker tripped: 3 unclean boot(s) within 300000ms; suppressing channel/provider account auto-start. Inspect the stability bundle and fix the startup crash before restarting the service.' }, 'unverified', 'held down by the gateway\'s own crash-loop breaker'],
    ['held down by the breaker, yet its probe fails', { accountId: 'default', running: false, probe: { ok: false, error: 'invalid_auth' }, lastError: 'gateway restart-loop breaker tripped: 3 unclean boot(s)' }, 'failed', 'probe failed: invalid_auth'],
    ['nothing known', { accountId: 'default', running: null }, 'unverified', 'no probe result and not connected (running: null)'],
    ['another account only', { accountId: 'work', connected: true }, 'failed', 'reports no slack account default'],
  ])('%s', (_name, account, result, detail) => {
    expect(judgeChannelAccount(payload(account), 'slack', 'default')).toEqual({ result, detail: expect.stringContaining(detail) });
  });

  it.each([[null], [{}], [{ channelAccounts: { slack: 'x' } }], [{ channelAccounts: { slack: { default: { accountId: 'default', connected: true } } } }]])('reads %j without throwing', (value) => {
    expect(['failed', 'ok']).toContain(judgeChannelAccount(value, 'slack', 'default').result);
  });
});

describe('readModelsStatus', () => {
  // Shaped as openclaw@2026.9.6 printed it for a custom provider with an Anthropic fallback and no Anthropic key.
  const output = {
    defaultModel: 'fakeai/tiny-1',
    fallbacks: ['anthropic/claude-opus-4-6'],
    auth: {
      missingProvidersInUse: ['openai'],
      modelRouteIssues: [
        { kind: 'indeterminate', provider: 'anthropic', model: 'claude-opus-4-6', message: 'Auth readiness could not be confirmed for anthropic/claude-opus-4-6.' },
        { kind: 'expired', provider: 'google', model: 'gemini-3', message: 'OAuth token expired' },
      ],
      unusableProfiles: [{ profileId: 'openai-codex:default', reason: 'auth_permanent' }],
      providers: [{ provider: 'fakeai', effective: { kind: 'models.json', detail: 'sk-fake-...34567890' } }],
    },
  };
  it('turns route issues, missing providers and unusable profiles into findings', () => {
    expect(readModelsStatus(output, ['model:openai/gpt-5', 'model:openai/gpt-5-mini', 'model:fakeai/tiny-1'])).toEqual([
      { id: 'model:anthropic/claude-opus-4-6', result: 'unverified', detail: 'openclaw models status: Auth readiness could not be confirmed for anthropic/claude-opus-4-6.', isNoteOnly: true },
      { id: 'model:google/gemini-3', result: 'failed', detail: 'openclaw models status: OAuth token expired', isNoteOnly: false },
      { id: 'model:openai/gpt-5', result: 'failed', detail: 'openclaw models status: no credentials for provider openai', isNoteOnly: false },
      { id: 'model:openai/gpt-5-mini', result: 'failed', detail: 'openclaw models status: no credentials for provider openai', isNoteOnly: false },
      { id: 'auth:openai-codex:default', result: 'failed', detail: 'openclaw models status: unusable profile (auth_permanent)', isNoteOnly: false },
    ]);
  });
  it.each([[null], ['text'], [{ auth: [] }], [{ ok: false, error: { message: 'Invalid config' } }]])('finds nothing in %j', (value) => {
    expect(readModelsStatus(value, [])).toEqual([]);
  });
});

const verdict = (id: string, result: CheckResult): CapabilityVerdict => ({ id, kind: 'model', result, latencyMs: 1, detail: '', source: { file: 'f', keyPath: 'k' } });
const snapshot = (at: string, entries: [string, CheckResult][]): AuditSnapshot => ({
  at,
  isGatewayHealthy: true,
  durationMs: 10,
  capabilities: entries.map(([id, result]) => verdict(id, result)),
  lost: [],
  notes: [],
});

describe('findLost', () => {
  const baseline = snapshot('b', [['model:a/1', 'ok'], ['model:b/2', 'ok'], ['model:c/3', 'unverified'], ['channel:slack:default', 'ok']]);
  it.each<[string, [string, CheckResult][], [string, CheckResult][], string[]]>([
    ['nothing changed', [], [['model:a/1', 'ok'], ['model:b/2', 'ok'], ['channel:slack:default', 'ok']], []],
    ['a failure', [], [['model:a/1', 'failed'], ['model:b/2', 'ok'], ['channel:slack:default', 'ok']], ['model:a/1']],
    ['a capability gone from the config', [], [['model:b/2', 'ok'], ['channel:slack:default', 'ok']], ['model:a/1']],
    ['one timeout', [['model:a/1', 'ok']], [['model:a/1', 'timeout'], ['model:b/2', 'ok'], ['channel:slack:default', 'ok']], []],
    ['a timeout repeated', [['model:a/1', 'timeout']], [['model:a/1', 'timeout'], ['model:b/2', 'ok'], ['channel:slack:default', 'ok']], ['model:a/1']],
    ['unverified now', [], [['model:a/1', 'unverified'], ['model:b/2', 'ok'], ['channel:slack:default', 'ok']], []],
    ['a baseline unverified one failing', [], [['model:a/1', 'ok'], ['model:b/2', 'ok'], ['model:c/3', 'failed'], ['channel:slack:default', 'ok']], []],
  ])('%s', (_name, previous, latest, lost) => {
    expect(findLost(baseline, snapshot('p', previous), snapshot('l', latest).capabilities)).toEqual(lost);
  });
  it('loses nothing without a baseline', () => {
    expect(findLost(null, null, [])).toEqual([]);
  });
});

describe('diffSnapshots', () => {
  it('names what was lost, gained and changed, each change classified', () => {
    const a = snapshot('A', [['model:a/1', 'ok'], ['model:b/2', 'ok'], ['model:c/3', 'failed'], ['channel:slack:default', 'unverified'], ['tool:tts', 'ok'], ['model:d/4', 'timeout']]);
    const b = snapshot('B', [['model:a/1', 'failed'], ['model:c/3', 'ok'], ['channel:slack:default', 'failed'], ['tool:tts', 'timeout'], ['model:d/4', 'unverified'], ['model:e/5', 'ok']]);
    expect(diffSnapshots(a, b)).toEqual({
      from: 'A',
      to: 'B',
      lost: ['model:a/1', 'model:b/2'],
      gained: ['model:e/5'],
      changed: [
        { id: 'model:c/3', from: 'failed', to: 'ok', isImprovement: true },
        { id: 'channel:slack:default', from: 'unverified', to: 'failed', isImprovement: false },
        { id: 'tool:tts', from: 'ok', to: 'timeout', isImprovement: false },
        { id: 'model:d/4', from: 'timeout', to: 'unverified', isImprovement: true },
      ],
    });
  });
});

describe('the audit summary', () => {
  it('counts results and names the lost, with the baseline\'s time', () => {
    const latest = { ...snapshot('2026-12-01T06:00:00.000Z', [['model:a/1', 'ok'], ['model:b/2', 'failed'], ['tool:tts', 'unverified']]), lost: ['model:b/2'] };
    expect(summariseAudit(latest, { at: '2026-11-30T06:00:00.000Z', isSaved: true })).toEqual({
      lastRunAt: '2026-12-01T06:00:00.000Z',
      durationMs: 10,
      counts: { ok: 1, failed: 1, unverified: 1, timeout: 0 },
      lost: ['model:b/2'],
      baselineAt: '2026-11-30T06:00:00.000Z',
      isBaselineSaved: true,
    });
    expect(lostReasons(latest.lost)).toEqual(['capability-lost:model:b/2']);
  });
  it('names snapshots by time and keeps the newest', () => {
    const name = snapshotNameOf('2026-12-01T06:00:00.123Z');
    expect(name).toBe('2026-12-01T06-00-00-123Z.json');
    expect(SNAPSHOT_NAME.test(name)).toBe(true);
    const names = ['latest.json', 'baseline.json', '2026-12-01T06-00-00-300Z.json', '2026-12-01T06-00-00-100Z.json', '2026-12-01T06-00-00-200Z.json', 'x.tmp'];
    expect(chooseSnapshotsToDelete(names, 2)).toEqual(['2026-12-01T06-00-00-100Z.json']);
    expect(chooseSnapshotsToDelete(names, 5)).toEqual([]);
  });
});
