import { describe, expect, it } from 'vitest';
import type { HttpProbeResult } from '../../src/probes/probe-report.js';
import { resolveProbeUrls } from '../../src/probes/http/probe-urls.js';
import { judgeLiveness, judgeReadiness, judgeStartup, type LivenessFacts, type ProbeAnswer } from '../../src/probes/http/probe-verdict.js';

const answer = (statusCode: number, body: unknown = null): HttpProbeResult => ({ statusCode, body, latencyMs: 3, error: null });
const timeout: HttpProbeResult = { statusCode: null, body: null, latencyMs: 1000, error: 'GET http://x/healthz: no answer within 1000 ms' };
const refused: HttpProbeResult = { statusCode: null, body: null, latencyMs: 1, error: 'GET http://x/healthz: ECONNREFUSED' };
// Another process on the gateway's port: nothing was sent to it, so there is no answer, only who holds the port.
const held: ProbeAnswer = { statusCode: null, body: null, latencyMs: 1, error: null, heldBy: { endpoint: '127.0.0.1:18789', pid: 4242, command: 'node impostor.mjs' } };
const HELD_DETAIL = "port-held-by-another-process: 127.0.0.1:18789 is served by pid 4242 (node impostor.mjs), not by the gateway's process group";

describe('judgeLiveness', () => {
  const base: LivenessFacts = { result: answer(200), atMs: 60_000, spawnedAtMs: 0, isStarted: true, consecutiveFailures: 0, startupGraceMs: 30_000, failureThreshold: 3 };
  it.each([
    ['a 200 resets the count', { consecutiveFailures: 2 }, { isOk: true, consecutiveFailures: 0, isHung: false, state: 'live' }],
    ['a timeout counts', { result: timeout }, { isOk: false, consecutiveFailures: 1, isHung: false, state: 'failing' }],
    ['a 503 counts', { result: answer(503) }, { isOk: false, consecutiveFailures: 1, isHung: false, state: 'failing' }],
    ['the threshold-th failure is a hang', { result: timeout, consecutiveFailures: 2 }, { isOk: false, consecutiveFailures: 3, isHung: true, state: 'hung' }],
    ['inside the grace, before start, a failure does not count', { result: refused, atMs: 5_000, isStarted: false, consecutiveFailures: 0 }, { consecutiveFailures: 0, isHung: false, state: 'grace' }],
    ['after the grace, before start, a failure counts', { result: refused, atMs: 30_000, isStarted: false }, { consecutiveFailures: 1, state: 'failing' }],
    ['once started, the grace is over', { result: timeout, atMs: 5_000, isStarted: true, consecutiveFailures: 2 }, { consecutiveFailures: 3, isHung: true }],
    ['a held port inside the grace says so and does not count', { result: held, atMs: 5_000, isStarted: false }, { isOk: false, consecutiveFailures: 0, state: 'port-held-by-another-process', detail: HELD_DETAIL }],
    ['a held port after the grace counts as a failure', { result: held, atMs: 30_000, isStarted: false }, { isOk: false, consecutiveFailures: 1, state: 'port-held-by-another-process', detail: HELD_DETAIL }],
    ['a held port the threshold-th time is a hang', { result: held, consecutiveFailures: 2 }, { isOk: false, consecutiveFailures: 3, isHung: true, state: 'hung', detail: HELD_DETAIL }],
    ['a held port is never live, whatever status it carries', { result: { ...held, statusCode: 200 } }, { isOk: false, state: 'port-held-by-another-process' }],
  ])('%s', (_name, facts, expected) => {
    expect(judgeLiveness({ ...base, ...facts })).toMatchObject(expected);
  });
});

describe('judgeStartup', () => {
  const base = { isLive: true, atMs: 10_000, spawnedAtMs: 0, startTimeoutMs: 180_000 };
  it.each([
    ['200 started', answer(200, { ok: true, status: 'started' }), {}, 'started'],
    ['503 starting', answer(503, { ok: false, status: 'starting' }), {}, 'starting'],
    ['503 draining is not started', answer(503, { ok: false, status: 'draining' }), {}, 'starting'],
    ['refused while booting', refused, { isLive: false }, 'starting'],
    ['no /startupz (404) counts as started once live', answer(404), {}, 'started'],
    ['404 while not live is still starting', answer(404), { isLive: false }, 'starting'],
    ['not started within the timeout', answer(503, { status: 'starting' }), { atMs: 180_000 }, 'timed-out'],
    ['a held port is not started', held, {}, 'starting'],
    ['a held port saying started is not started', { ...held, statusCode: 200, body: { ok: true, status: 'started' } }, {}, 'starting'],
    ['a held port until the timeout', held, { atMs: 180_000 }, 'timed-out'],
  ])('%s', (_name, result, facts, state) => {
    expect(judgeStartup({ ...base, ...facts, result }).state).toBe(state);
  });
});

describe('judgeReadiness', () => {
  const loop = (degraded: boolean) => ({ degraded, delayP99Ms: degraded ? 900 : 2 });
  it.each([
    ['ready', answer(200, { ready: true, failing: [], eventLoop: loop(false) }), true, []],
    ['a failing channel', answer(503, { ready: false, failing: ['slack'], eventLoop: loop(false) }), false, ['channel-failing:slack']],
    ['a failing part of the gateway', answer(503, { ready: false, failing: ['state-database', 'agent-database:main'] }), false, ['ready-failing:state-database', 'ready-failing:agent-database:main']],
    // The trap: 200 while the crash-loop breaker holds Slack down.
    ['200 with a suppressed channel', answer(200, { ready: true, failing: [], suppressed: ['slack'] }), false, ['channel-suppressed:slack']],
    ['a degraded event loop', answer(200, { ready: true, failing: [], eventLoop: loop(true) }), false, ['event-loop-degraded']],
    ['503 with nothing named', answer(503, { ready: false, failing: [] }), false, ['ready-failing:unknown']],
    ['no JSON', answer(502, null), false, []],
    ['a timeout', timeout, false, []],
    ['a held port', held, false, ['port-held-by-another-process:pid=4242']],
    ['a held port whose holder is hidden', { ...held, heldBy: { endpoint: '127.0.0.1:1', pid: null, command: null } }, false, ['port-held-by-another-process']],
  ])('%s', (_name, result, isOk, reasons) => {
    const verdict = judgeReadiness(result);
    expect(verdict.isOk).toBe(isOk);
    expect(verdict.reasons).toEqual(reasons);
  });

  it('names the holder in the detail and its own state', () => {
    expect(judgeReadiness(held)).toMatchObject({ state: 'port-held-by-another-process', detail: HELD_DETAIL });
    expect(judgeStartup({ result: held, isLive: false, atMs: 10_000, spawnedAtMs: 0, startTimeoutMs: 180_000 }).detail).toBe(HELD_DETAIL);
  });
});

describe('resolveProbeUrls', () => {
  it.each([
    [{ url: 'http://127.0.0.1:18789/healthz' }, 'http://127.0.0.1:18789/startupz', 'http://127.0.0.1:18789/readyz', 'http://127.0.0.1:18789'],
    [{ url: 'http://10.0.0.2:9000/health', readyUrl: 'http://10.0.0.2:9001/ready' }, 'http://10.0.0.2:9000/startupz', 'http://10.0.0.2:9001/ready', 'http://10.0.0.2:9000'],
  ])('%j', (health, startupUrl, readyUrl, origin) => {
    expect(resolveProbeUrls(health)).toMatchObject({ startupUrl, readyUrl, origin });
  });
});
