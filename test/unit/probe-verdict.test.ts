import { describe, expect, it } from 'vitest';
import type { HttpProbeResult } from '../../src/probes/probe-report.js';
import { resolveProbeUrls } from '../../src/probes/http/probe-urls.js';
import { judgeLiveness, judgeNeverAnswered, judgeReadiness, judgeStartup, type LivenessFacts, type ProbeAnswer } from '../../src/probes/http/probe-verdict.js';

const answer = (statusCode: number, body: unknown = null): HttpProbeResult => ({ statusCode, body, latencyMs: 3, error: null });
const timeout: HttpProbeResult = { statusCode: null, body: null, latencyMs: 1000, error: 'GET http://x/healthz: no answer within 1000 ms' };
const refused: ProbeAnswer = { statusCode: null, body: null, latencyMs: 1, error: 'GET http://x/healthz: ECONNREFUSED', errorCode: 'ECONNREFUSED' };
// Another process on the gateway's port: nothing was sent to it, so there is no answer, only who holds the port.
const held: ProbeAnswer = { statusCode: null, body: null, latencyMs: 1, error: null, heldBy: { endpoint: '127.0.0.1:18789', pid: 4242, command: 'node impostor.mjs' } };
const HELD_DETAIL = "port-held-by-another-process: 127.0.0.1:18789 is served by pid 4242 (node impostor.mjs), not by the gateway's process group";

describe('judgeLiveness', () => {
  const base: LivenessFacts = { result: answer(200), atMs: 60_000, spawnedAtMs: 0, isStarted: true, consecutiveFailures: 0, startupGraceMs: 30_000, failureThreshold: 3, hasAnsweredSinceSpawn: true };
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
    // A URL refused since spawn is a wrong health.url until proven otherwise: no hang, whatever the count.
    ['refused since spawn, the threshold-th time, is never answered, no hang', { result: refused, hasAnsweredSinceSpawn: false, consecutiveFailures: 2 }, { isOk: false, consecutiveFailures: 3, isHung: false, state: 'never-answered' }],
    ['refused since spawn, long after the threshold, is still no hang', { result: refused, hasAnsweredSinceSpawn: false, consecutiveFailures: 50 }, { isHung: false, state: 'never-answered' }],
    ['refused since spawn, below the threshold, is failing', { result: refused, hasAnsweredSinceSpawn: false, atMs: 30_000, isStarted: false }, { consecutiveFailures: 1, isHung: false, state: 'failing' }],
    ['refused after having answered is a hang', { result: refused, hasAnsweredSinceSpawn: true, consecutiveFailures: 2 }, { isHung: true, state: 'hung' }],
    ['a timeout, never answered, is a hang (something listens)', { result: timeout, hasAnsweredSinceSpawn: false, consecutiveFailures: 2 }, { isHung: true, state: 'hung' }],
    ['a held port, never answered, is a hang', { result: held, hasAnsweredSinceSpawn: false, consecutiveFailures: 2 }, { isHung: true, state: 'hung' }],
  ])('%s', (_name, facts, expected) => {
    expect(judgeLiveness({ ...base, ...facts })).toMatchObject(expected);
  });
});

describe('judgeNeverAnswered', () => {
  const url = 'http://127.0.0.1:18789/healthz';
  const detail = `GET ${url}: ECONNREFUSED`;
  it.each([
    ['the gateway listens on another port: named, with the URL to use', [18790], { state: 'probe-misconfigured', reasons: ['probe-misconfigured'], isListening: true, detail: `${detail}; nothing listens on port 18789: the gateway listens on port 18790 (health.url http://127.0.0.1:18790/healthz?)` }],
    ['several ports: all named', [18790, 18792], { state: 'probe-misconfigured', isListening: true, detail: expect.stringContaining('listens on ports 18790, 18792 (health.url http://127.0.0.1:18790/healthz?)') }],
    ['the port, on another address: the host is wrong', [18789], { state: 'probe-misconfigured', isListening: true, detail: expect.stringContaining('but not on 127.0.0.1: check the host of health.url') }],
    ['listening nowhere yet: still starting, no reason', [], { state: 'not-listening', reasons: [], isListening: false, detail: `${detail}; the gateway listens on no TCP port yet` }],
    ['no /proc: misconfigured until proven otherwise, not proven up', null, { state: 'probe-misconfigured', reasons: ['probe-misconfigured'], isListening: false, detail: expect.stringContaining('check health.url') }],
  ])('%s', (_name, listenPorts, expected) => {
    expect(judgeNeverAnswered({ healthUrl: url, listenPorts, detail })).toMatchObject(expected);
  });

  it('reads the default port of a URL without one', () => {
    expect(judgeNeverAnswered({ healthUrl: 'http://127.0.0.1/healthz', listenPorts: [80], detail }).detail).toContain('but not on 127.0.0.1');
    expect(judgeNeverAnswered({ healthUrl: 'https://gw.local/healthz', listenPorts: [443], detail }).isListening).toBe(true);
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
