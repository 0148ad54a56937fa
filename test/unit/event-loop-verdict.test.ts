import { describe, expect, it } from 'vitest';
import { judgeEventLoop, readEventLoop, type EventLoopFacts } from '../../src/probes/http/event-loop-verdict.js';
import { judgeReadiness } from '../../src/probes/http/probe-verdict.js';
import type { HttpProbeResult } from '../../src/probes/probe-report.js';

const answer = (body: unknown): HttpProbeResult => ({ statusCode: 200, body, latencyMs: 3, error: null });
// What openclaw 2026.9.6 answered 250 ms after /startupz said started: busy since 5.8 s into its boot.
const BOOT_BUSY = { ready: true, failing: [], eventLoop: { degraded: true, degradedSinceMs: 5795, reasons: ['event_loop_delay', 'event_loop_utilization'], delayP99Ms: 1788.9 } };
const QUIET = { ready: true, failing: [], eventLoop: { degraded: false, degradedSinceMs: null, reasons: [], delayP99Ms: 24 } };
const degradedFor = (ms: number | undefined) => ({ ready: true, failing: [], eventLoop: { degraded: true, ...(ms === undefined ? {} : { degradedSinceMs: ms }), delayP99Ms: 1200 } });

describe('readEventLoop', () => {
  it.each([
    ['the real gateway busy at boot', BOOT_BUSY, { isDegraded: true, gatewayDegradedForMs: 5795, delayP99Ms: 1788.9 }],
    ['quiet (degradedSinceMs null)', QUIET, { isDegraded: false, gatewayDegradedForMs: null, delayP99Ms: 24 }],
    ['a gateway that gives no count', degradedFor(undefined), { isDegraded: true, gatewayDegradedForMs: null, delayP99Ms: 1200 }],
    ['no eventLoop', { ready: true }, { isDegraded: false, gatewayDegradedForMs: null, delayP99Ms: null }],
    ['not an object', null, { isDegraded: false, gatewayDegradedForMs: null, delayP99Ms: null }],
    ['a negative count is no count', degradedFor(-5), { isDegraded: true, gatewayDegradedForMs: null, delayP99Ms: 1200 }],
  ])('%s', (_name, body, reading) => {
    expect(readEventLoop(body)).toEqual(reading);
  });
});

describe('judgeEventLoop', () => {
  const base: EventLoopFacts = { reading: readEventLoop(QUIET), atMs: 100_000, startedAtMs: 60_000, firstSeenDegradedAtMs: null, degradedAfterMs: 30_000 };
  it.each<[string, Partial<EventLoopFacts>, { isPersistent: boolean; degradedForMs: number; firstSeenDegradedAtMs: number | null }]>([
    ['quiet: nothing, and the run is forgotten', { firstSeenDegradedAtMs: 90_000 }, { isPersistent: false, degradedForMs: 0, firstSeenDegradedAtMs: null }],
    // The regression: right after the start, the boot's busy spell (counted by the gateway from before the start) is brief.
    ['busy at boot, 250 ms after the start', { reading: readEventLoop(BOOT_BUSY), atMs: 60_250 }, { isPersistent: false, degradedForMs: 250, firstSeenDegradedAtMs: 60_250 }],
    ['the gateway counts 20 s: brief', { reading: readEventLoop(degradedFor(20_000)) }, { isPersistent: false, degradedForMs: 20_000, firstSeenDegradedAtMs: 100_000 }],
    ['the gateway counts 30 s: persistent', { reading: readEventLoop(degradedFor(30_000)) }, { isPersistent: true, degradedForMs: 30_000, firstSeenDegradedAtMs: 100_000 }],
    ['the gateway counts 90 s, but started 40 s ago: 40 s, persistent', { reading: readEventLoop(degradedFor(90_000)) }, { isPersistent: true, degradedForMs: 40_000, firstSeenDegradedAtMs: 100_000 }],
    ['the gateway counts 90 s, started 10 s ago: brief', { reading: readEventLoop(degradedFor(90_000)), startedAtMs: 90_000 }, { isPersistent: false, degradedForMs: 10_000, firstSeenDegradedAtMs: 100_000 }],
    // The gateway's count wins over clawsup's: it restarted its count (a quiet window clawsup's rounds missed).
    ['the gateway restarted its count', { reading: readEventLoop(degradedFor(1_000)), firstSeenDegradedAtMs: 50_000 }, { isPersistent: false, degradedForMs: 1_000, firstSeenDegradedAtMs: 50_000 }],
    ['no count from the gateway: first seen now', { reading: readEventLoop(degradedFor(undefined)) }, { isPersistent: false, degradedForMs: 0, firstSeenDegradedAtMs: 100_000 }],
    ['no count from the gateway: seen for 29.9 s', { reading: readEventLoop(degradedFor(undefined)), firstSeenDegradedAtMs: 70_100 }, { isPersistent: false, degradedForMs: 29_900, firstSeenDegradedAtMs: 70_100 }],
    ['no count from the gateway: seen for 30 s', { reading: readEventLoop(degradedFor(undefined)), firstSeenDegradedAtMs: 70_000 }, { isPersistent: true, degradedForMs: 30_000, firstSeenDegradedAtMs: 70_000 }],
    ['degradedAfterMs 0 counts at once', { reading: readEventLoop(BOOT_BUSY), atMs: 60_000, degradedAfterMs: 0 }, { isPersistent: true, degradedForMs: 0, firstSeenDegradedAtMs: 60_000 }],
  ])('%s', (_name, facts, expected) => {
    expect(judgeEventLoop({ ...base, ...facts })).toMatchObject(expected);
  });
});

describe('judgeReadiness with the event-loop verdict', () => {
  const judge = (body: unknown, facts: Partial<EventLoopFacts>) => {
    const loop = judgeEventLoop({ reading: readEventLoop(body), atMs: 60_250, startedAtMs: 60_000, firstSeenDegradedAtMs: null, degradedAfterMs: 30_000, ...facts });
    return judgeReadiness(answer(body), loop);
  };
  it('a brief spell right after the start leaves the node ready, and the detail says so', () => {
    const verdict = judge(BOOT_BUSY, {});
    expect(verdict).toMatchObject({ isOk: true, state: 'ready', reasons: [] });
    expect(verdict.detail).toBe('HTTP 200; event loop degraded for 250 ms (p99 delay 1788.9 ms), not counted yet');
  });
  it('a persistent one makes it degraded', () => {
    const verdict = judge(degradedFor(45_000), { atMs: 120_000 });
    expect(verdict).toMatchObject({ isOk: false, state: 'not-ready', reasons: ['event-loop-degraded'] });
    expect(verdict.detail).toBe('HTTP 200; event loop degraded (p99 delay 1200 ms)');
  });
  it('a brief spell does not hide a failing channel', () => {
    expect(judge({ ...BOOT_BUSY, ready: false, failing: ['slack'] }, {}).reasons).toEqual(['channel-failing:slack']);
  });
});
