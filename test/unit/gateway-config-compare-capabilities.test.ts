import { describe, expect, it } from 'vitest';
import type { AuditSnapshot, CapabilityVerdict, CheckResult } from '../../src/audit/capability.js';
import { compareCapabilities } from '../../src/gateway-config/compare-capabilities.js';

const verdict = (id: string, result: CheckResult, detail = ''): CapabilityVerdict => ({ id, kind: id.startsWith('channel:') ? 'channel' : 'model', result, latencyMs: 1, detail, source: { file: '/x/openclaw.json', keyPath: 'k' } });
const snapshot = (...capabilities: CapabilityVerdict[]): AuditSnapshot => ({ at: '2026-12-01T00:00:00.000Z', isGatewayHealthy: true, durationMs: 1, capabilities, lost: [], notes: [] });

describe('compareCapabilities (the gate: before the swap against after the restart)', () => {
  it.each<[string, AuditSnapshot | null, AuditSnapshot | null, string[], string[]]>([
    ['ok -> failed is lost, with the provider\'s words', snapshot(verdict('model:a/m', 'ok')), snapshot(verdict('model:a/m', 'failed', 'HTTP 401: the provider rejected the key')), ['model:a/m'], ['model:a/m: ok before, failed after: HTTP 401: the provider rejected the key']],
    ['ok -> absent is lost', snapshot(verdict('model:a/m', 'ok')), snapshot(), ['model:a/m'], ['model:a/m: ok before, absent after (the candidate no longer claims it)']],
    ['one timeout is not a loss', snapshot(verdict('model:a/m', 'ok')), snapshot(verdict('model:a/m', 'timeout')), [], []],
    // A channel held down by the gateway's crash-loop breaker is unverified (judgeChannelAccount), never lost.
    ['ok -> unverified after a check that ran is not a loss', snapshot(verdict('channel:slack:default', 'ok')), snapshot(verdict('channel:slack:default', 'unverified')), [], []],
    // The key moved where clawsup does not read it: no check could run after, one passed before.
    ['ok -> unverified with no check left is lost', snapshot(verdict('model:a/m', 'ok')), snapshot({ ...verdict('model:a/m', 'unverified', 'models.providers.a.apiKey is not set'), latencyMs: null }), ['model:a/m'], ['model:a/m: ok before, unverified after (nothing left to check it by): models.providers.a.apiKey is not set']],
    ['unverified with no check both times is no loss', snapshot({ ...verdict('model:a/m', 'unverified'), latencyMs: null }), snapshot({ ...verdict('model:a/m', 'unverified'), latencyMs: null }), [], []],
    ['failed before stays no loss', snapshot(verdict('model:a/m', 'failed')), snapshot(verdict('model:a/m', 'failed')), [], []],
    ['no before audit compares nothing', null, snapshot(verdict('model:a/m', 'failed')), [], []],
    ['no after audit compares nothing', snapshot(verdict('model:a/m', 'ok')), null, [], []],
  ])('%s', (_name, before, after, lost, evidence) => {
    const compared = compareCapabilities(before, after);
    expect(compared.lost).toEqual(lost);
    expect(compared.evidence).toEqual(evidence);
  });

  it('counts each side by result', () => {
    expect(compareCapabilities(snapshot(verdict('a', 'ok'), verdict('b', 'unverified')), snapshot(verdict('a', 'ok'), verdict('b', 'timeout')))).toMatchObject({
      before: { ok: 1, failed: 0, unverified: 1, timeout: 0 },
      after: { ok: 1, failed: 0, unverified: 0, timeout: 1 },
    });
  });
});
