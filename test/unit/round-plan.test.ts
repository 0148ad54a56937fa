import { describe, expect, it } from 'vitest';
import { resolveProbeUrls } from '../../src/probes/http/probe-urls.js';
import type { ProbeAnswer } from '../../src/probes/http/probe-verdict.js';
import { isLiveReadyAnswer, planRound, type RoundFacts } from '../../src/probes/http/round-plan.js';

describe('planRound', () => {
  const started: RoundFacts = { isStarted: true, intervalMs: 2_000, timeoutMs: 1_000, isReadyOnHealthOrigin: true, wasLastReadyLive: true };
  it.each<[string, Partial<RoundFacts>, ReturnType<typeof planRound>]>([
    ['not started: health and /startupz at once', { isStarted: false }, 'health-and-startup'],
    ['started, the defaults (2 s, 1 s): /readyz first', {}, 'ready-first'],
    ['two deadlines exactly one interval', { intervalMs: 1_000, timeoutMs: 500 }, 'ready-first'],
    ['two deadlines longer than the interval: both at once, so a hang is not found later', { intervalMs: 1_000, timeoutMs: 501 }, 'health-and-ready'],
    ['the first round once started, or after a round whose /readyz did not prove liveness: both at once, so the next failure counts one interval later, not two deadlines', { wasLastReadyLive: false }, 'health-and-ready'],
    ['/readyz elsewhere than health.url: its answer says nothing of the gateway there', { isReadyOnHealthOrigin: false }, 'health-and-ready'],
  ])('%s', (_name, facts, plan) => {
    expect(planRound({ ...started, ...facts })).toBe(plan);
  });
});

describe('isLiveReadyAnswer', () => {
  const answer = (fields: Partial<ProbeAnswer>): ProbeAnswer => ({ statusCode: 200, body: { ready: true }, latencyMs: 2, error: null, ...fields });
  it.each<[string, Partial<ProbeAnswer>, boolean]>([
    ['a 200', {}, true],
    ['a 204', { statusCode: 204 }, true],
    ['a 503 (not ready): liveness is asked of /healthz', { statusCode: 503 }, false],
    ['a timeout', { statusCode: null, error: 'GET x: no answer within 500 ms' }, false],
    ['another process on the port, whatever it says', { heldBy: { endpoint: '127.0.0.1:1', pid: 1, command: 'x' } }, false],
  ])('%s', (_name, fields, isLive) => {
    expect(isLiveReadyAnswer(answer(fields))).toBe(isLive);
  });
});

describe('resolveProbeUrls: isReadyOnHealthOrigin', () => {
  it.each([
    [{ url: 'http://127.0.0.1:18789/healthz' }, true],
    [{ url: 'http://127.0.0.1:18789/healthz', readyUrl: 'http://127.0.0.1:18789/ready' }, true],
    [{ url: 'http://10.0.0.2:9000/health', readyUrl: 'http://10.0.0.2:9001/ready' }, false],
  ])('%j', (health, isSame) => {
    expect(resolveProbeUrls(health).isReadyOnHealthOrigin).toBe(isSame);
  });
});
