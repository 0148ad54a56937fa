import { describe, expect, it } from 'vitest';
import type { Mode } from '../../src/supervisor/modes.js';
import { chooseTerm, decideLease, fenceGuardForMs, isGatewayAway, isGatewayReadyForCron, leaseTiming, planCronTick, type CronTickInput, type GatewayReadiness, type LeaseInput } from '../../src/cron/lease-decision.js';

// leaseMs 15000: a renewal every 5000 ms, cron off when under 3750 ms are left.
const timing = leaseTiming(15_000, undefined);

const base: LeaseInput = {
  nowMs: 100_000,
  previousNowMs: 99_000,
  heldUntilMs: null,
  cronOnNotBeforeMs: null,
  lastOutcome: 'none',
  lastAttemptAtMs: null,
  isCronOn: false,
  isStepDownRequested: false,
  holdOffUntilMs: null,
  leaderSeenAtMs: null,
  timing,
};

/** A leader that renewed at 100000 and is asked again at `nowMs`. */
function leader(change: Partial<LeaseInput>): LeaseInput {
  return { ...base, heldUntilMs: 115_000, lastOutcome: 'renewed', lastAttemptAtMs: 100_000, isCronOn: true, leaderSeenAtMs: 100_000, ...change };
}

describe('leaseTiming', () => {
  it('renews at a third of the lease and keeps a quarter as margin unless set', () => {
    expect(leaseTiming(15_000, undefined)).toEqual({ leaseMs: 15_000, renewEveryMs: 5_000, safetyMarginMs: 3_750 });
    expect(leaseTiming(1_000, 200)).toEqual({ leaseMs: 1_000, renewEveryMs: 333, safetyMarginMs: 200 });
  });
});

describe('decideLease', () => {
  it.each<[string, LeaseInput, { role: string; actions: string[]; nextDecisionAtMs: number }]>([
    ['a node that never asked tries to acquire at once', base, { role: 'follower', actions: ['try-acquire'], nextDecisionAtMs: 105_000 }],
    ['a node that just acquired turns cron on, and waits for the renewal', leader({ lastOutcome: 'acquired', isCronOn: false }), { role: 'leader', actions: ['turn-cron-on'], nextDecisionAtMs: 105_000 }],
    ['a leader with cron on does nothing between renewals', leader({ nowMs: 103_000 }), { role: 'leader', actions: [], nextDecisionAtMs: 105_000 }],
    ['a leader renews at a third of the lease', leader({ nowMs: 105_000 }), { role: 'leader', actions: ['renew'], nextDecisionAtMs: 110_000 }],
    // Renewals sent at 105000 and 110000 both failed: 111250 is 3750 ms before the lease ends.
    ['a leader whose renewal failed keeps cron while the margin holds', leader({ nowMs: 106_000, lastOutcome: 'error', lastAttemptAtMs: 105_000 }), { role: 'leader', actions: [], nextDecisionAtMs: 110_000 }],
    ['a leader whose renewals failed turns cron off at the safety margin, before the lease ends', leader({ nowMs: 111_250, lastOutcome: 'error', lastAttemptAtMs: 110_000 }), { role: 'no-quorum', actions: ['turn-cron-off'], nextDecisionAtMs: 115_000 }],
    ['a leader that lost its key turns cron off at once and tries again', leader({ nowMs: 105_100, heldUntilMs: null, lastOutcome: 'lost', lastAttemptAtMs: 105_000 }), { role: 'follower', actions: ['turn-cron-off', 'try-acquire'], nextDecisionAtMs: 110_100 }],
    ['a follower tries to acquire at each renewal period', { ...base, nowMs: 105_000, lastOutcome: 'held-by-other', lastAttemptAtMs: 100_000, leaderSeenAtMs: 100_000 }, { role: 'follower', actions: ['try-acquire'], nextDecisionAtMs: 110_000 }],
    ['a follower waits between tries', { ...base, nowMs: 102_000, lastOutcome: 'held-by-other', lastAttemptAtMs: 100_000, leaderSeenAtMs: 100_000 }, { role: 'follower', actions: [], nextDecisionAtMs: 105_000 }],
    ['Redis unreachable: a follower is no-quorum and keeps trying', { ...base, nowMs: 105_000, lastOutcome: 'error', lastAttemptAtMs: 100_000 }, { role: 'no-quorum', actions: ['try-acquire'], nextDecisionAtMs: 110_000 }],
    ['a follower whose cron is on (left by a dead leader) turns it off', { ...base, isCronOn: true, lastOutcome: 'held-by-other', lastAttemptAtMs: 100_000 }, { role: 'follower', actions: ['turn-cron-off'], nextDecisionAtMs: 105_000 }],
    ['step-down: cron off first, then release', leader({ nowMs: 101_000, isStepDownRequested: true }), { role: 'follower', actions: ['turn-cron-off', 'release'], nextDecisionAtMs: 106_000 }],
    ['after a step-down the node holds off: it only reads who holds the lease', { ...base, nowMs: 106_000, lastOutcome: 'released', lastAttemptAtMs: 100_000, holdOffUntilMs: 115_000 }, { role: 'follower', actions: ['observe'], nextDecisionAtMs: 111_000 }],
    ['and waits between reads', { ...base, nowMs: 103_000, lastOutcome: 'held-by-other', lastAttemptAtMs: 101_000, holdOffUntilMs: 115_000 }, { role: 'follower', actions: [], nextDecisionAtMs: 106_000 }],
    ['after the hold-off it tries again', { ...base, nowMs: 115_000, lastOutcome: 'released', lastAttemptAtMs: 100_000, holdOffUntilMs: 115_000 }, { role: 'follower', actions: ['try-acquire'], nextDecisionAtMs: 120_000 }],
    ['after Redis lost its state the new leader waits out a lease before cron on', leader({ nowMs: 101_000, lastOutcome: 'acquired', isCronOn: false, cronOnNotBeforeMs: 115_000, heldUntilMs: 116_000, lastAttemptAtMs: 101_000 }), { role: 'leader', actions: [], nextDecisionAtMs: 106_000 }],
    ['and turns it on once that lease has run out', leader({ nowMs: 115_000, lastOutcome: 'renewed', isCronOn: false, cronOnNotBeforeMs: 115_000, heldUntilMs: 126_000, lastAttemptAtMs: 111_000 }), { role: 'leader', actions: ['turn-cron-on'], nextDecisionAtMs: 116_000 }],
  ])('%s', (_name, input, expected) => {
    const decision = decideLease(input);
    expect({ role: decision.role, actions: decision.actions, nextDecisionAtMs: decision.nextDecisionAtMs }).toEqual(expected);
  });

  describe('clock jumps', () => {
    it('a jump forward past the margin turns cron off and checks with Redis at once', () => {
      const decision = decideLease(leader({ nowMs: 160_000 }));
      expect(decision.role).toBe('follower');
      expect(decision.actions).toEqual(['turn-cron-off', 'renew']);
    });

    it('a jump back makes the lease untrustworthy: cron off, renew now', () => {
      const decision = decideLease(leader({ nowMs: 40_000, previousNowMs: 103_000 }));
      expect(decision.isClockJumpBack).toBe(true);
      expect(decision.role).toBe('follower');
      expect(decision.actions).toEqual(['turn-cron-off', 'renew']);
      expect(decision.nextDecisionAtMs).toBe(45_000);
    });

    it('a jump back does not stretch a hold-off beyond two leases', () => {
      const decision = decideLease({ ...base, nowMs: 10_000, previousNowMs: 101_000, lastOutcome: 'released', lastAttemptAtMs: 100_000, holdOffUntilMs: 115_000 });
      expect(decision.actions).toEqual(['try-acquire']);
    });

    it('a renewal confirmed after the jump (a fresh heldUntil on the new clock) makes it leader again', () => {
      const decision = decideLease(leader({ nowMs: 40_100, previousNowMs: 40_000, heldUntilMs: 55_000, lastAttemptAtMs: 40_000, isCronOn: false }));
      expect(decision.role).toBe('leader');
      expect(decision.actions).toEqual(['turn-cron-on']);
    });
  });

  describe('cron-no-leader', () => {
    it.each<[string, Partial<LeaseInput>, boolean]>([
      ['never seen a leader', { lastOutcome: 'error' }, true],
      ['Redis down for under two leases', { lastOutcome: 'error', leaderSeenAtMs: 75_000 }, false],
      ['Redis down for over two leases', { lastOutcome: 'error', leaderSeenAtMs: 69_000 }, true],
      ['another node holds the lease', { lastOutcome: 'held-by-other', leaderSeenAtMs: 100_000 }, false],
    ])('%s: %s', (_name, change, isNoLeader) => {
      expect(decideLease({ ...base, lastAttemptAtMs: 100_000, ...change }).isNoLeader).toBe(isNoLeader);
    });

    it('a leader is never without a leader', () => {
      expect(decideLease(leader({ leaderSeenAtMs: 0 })).isNoLeader).toBe(false);
    });
  });

  it('with nothing to do, never asks to be woken at once (no busy loop), over a sweep of inputs', () => {
    for (let nowMs = 95_000; nowMs <= 130_000; nowMs += 250) {
      for (const outcome of ['none', 'acquired', 'renewed', 'error', 'held-by-other', 'lost', 'released'] as const) {
        for (const holdOffUntilMs of [null, 110_000, 140_000]) {
          const decision = decideLease(leader({ nowMs, lastOutcome: outcome, holdOffUntilMs, previousNowMs: 96_000 }));
          if (decision.actions.length === 0) expect(decision.nextDecisionAtMs).toBeGreaterThan(nowMs);
        }
      }
    }
  });

  it('never has cron on outside the safe part of a lease, over a sweep of inputs', () => {
    for (let nowMs = 95_000; nowMs <= 120_000; nowMs += 250) {
      for (const outcome of ['acquired', 'renewed', 'error', 'held-by-other', 'lost'] as const) {
        for (const isCronOn of [false, true]) {
          const input = leader({ nowMs, lastOutcome: outcome, isCronOn, previousNowMs: 96_000 });
          const { actions } = decideLease(input);
          const isOnAfter = actions.includes('turn-cron-on') || (isCronOn && !actions.includes('turn-cron-off'));
          if (isOnAfter) expect(nowMs).toBeLessThan(115_000 - timing.safetyMarginMs);
        }
      }
    }
  });
});

describe('chooseTerm', () => {
  it.each([
    [1, 0, 1, false],
    [8, 7, 8, false],
    [12, 3, 12, false],
    // Redis restarted empty: its counter starts at 1 again; the term goes on from the highest seen.
    [1, 7, 8, true],
    [7, 7, 8, true],
  ])('counter %i, highest seen %i: term %i (reset %s)', (counter, highest, term, isCounterReset) => {
    expect(chooseTerm(counter, highest)).toEqual({ term, isCounterReset });
  });
});

describe('isGatewayAway', () => {
  it.each<[Mode, boolean]>([
    ['starting', false],
    ['healthy', false],
    ['degraded', false],
    ['backoff', false],
    ['diagnose', true],
    ['held', true],
    ['stopping', true],
    ['stopped', true],
  ])('%s: %s', (mode, isAway) => {
    expect(isGatewayAway(mode)).toBe(isAway);
  });
});

describe('isGatewayReadyForCron', () => {
  const ready: GatewayReadiness = { gatewayPid: 10, isStarted: false, isHealthEnabled: false, readyGatewayPid: null };
  it.each<[string, Partial<GatewayReadiness>, boolean]>([
    ['no gateway', { gatewayPid: null, isStarted: true, isHealthEnabled: true, readyGatewayPid: null }, false],
    ['no gateway, even with a ready line from the last one', { gatewayPid: null, readyGatewayPid: null }, false],
    ['spawned, no probe, no ready line yet', { isStarted: true }, false],
    ['its ready line', { readyGatewayPid: 10 }, true],
    ['the last gateway\'s ready line only', { readyGatewayPid: 9 }, false],
    ['the startup probe saw it started', { isStarted: true, isHealthEnabled: true }, true],
    ['the startup probe has not yet', { isStarted: false, isHealthEnabled: true }, false],
  ])('%s: %s', (_name, change, isReady) => {
    expect(isGatewayReadyForCron({ ...ready, ...change })).toBe(isReady);
  });
});

describe('planCronTick', () => {
  /** A leader renewed at 100000, its fencer up, its gateway ready and healthy. */
  const tick: CronTickInput = {
    nowMs: 101_000,
    previousNowMs: 100_500,
    lease: { heldUntilMs: 115_000, cronOnNotBeforeMs: null, lastOutcome: 'renewed', lastAttemptAtMs: 100_000, holdOffUntilMs: null, leaderSeenAtMs: 100_000, isHeld: true },
    isCronOn: true,
    isFencerAlive: true,
    isGatewayReady: true,
    gatewayMode: 'healthy',
    isStepDownAsked: false,
    timing,
  };
  const lease = (change: Partial<CronTickInput['lease']>): CronTickInput['lease'] => ({ ...tick.lease, ...change });
  const follower = lease({ heldUntilMs: null, lastOutcome: 'held-by-other', isHeld: false, lastAttemptAtMs: 95_000 });

  it.each<[string, Partial<CronTickInput>, { actions: string[]; role: string; isUnfencedCronOff: boolean }]>([
    ['a leader between renewals keeps cron on', {}, { actions: [], role: 'leader', isUnfencedCronOff: false }],
    ['a leader whose fencer died: cron off at once, not turned on again', { isFencerAlive: false }, { actions: [], role: 'leader', isUnfencedCronOff: true }],
    ['a leader without a fencer yet, cron off: not turned on', { isFencerAlive: false, isCronOn: false }, { actions: [], role: 'leader', isUnfencedCronOff: false }],
    ['a new leader, its fencer up: cron on', { isCronOn: false }, { actions: ['turn-cron-on'], role: 'leader', isUnfencedCronOff: false }],
    ['a new leader whose gateway is not ready: cron stays off', { isCronOn: false, isGatewayReady: false }, { actions: [], role: 'leader', isUnfencedCronOff: false }],
    ['a leader asked to step down: cron off, release', { isStepDownAsked: true }, { actions: ['turn-cron-off', 'release'], role: 'follower', isUnfencedCronOff: false }],
    ['a leader whose gateway is in diagnose hands over', { gatewayMode: 'diagnose' }, { actions: ['turn-cron-off', 'release'], role: 'follower', isUnfencedCronOff: false }],
    ['a leader whose gateway is held hands over', { gatewayMode: 'held' }, { actions: ['turn-cron-off', 'release'], role: 'follower', isUnfencedCronOff: false }],
    ['a leader whose gateway is stopped hands over', { gatewayMode: 'stopped', isCronOn: false }, { actions: ['release'], role: 'follower', isUnfencedCronOff: false }],
    ['a leader whose gateway backs off keeps the lease', { gatewayMode: 'backoff', isGatewayReady: false }, { actions: [], role: 'leader', isUnfencedCronOff: false }],
    ['a follower whose gateway is stopped has nothing to hand over: it reads who holds the lease', { lease: follower, isCronOn: false, gatewayMode: 'stopped', isGatewayReady: false }, { actions: ['observe'], role: 'follower', isUnfencedCronOff: false }],
    ['a follower whose gateway is not ready only reads who holds the lease', { lease: follower, isCronOn: false, isGatewayReady: false }, { actions: ['observe'], role: 'follower', isUnfencedCronOff: false }],
    ['a follower whose gateway is ready bids', { lease: follower, isCronOn: false }, { actions: ['try-acquire'], role: 'follower', isUnfencedCronOff: false }],
    ['Redis unreachable, the lease past its margin: no-quorum, cron off, renew', { nowMs: 111_500, previousNowMs: 111_000, lease: lease({ lastOutcome: 'error', lastAttemptAtMs: 105_000 }) }, { actions: ['turn-cron-off', 'renew'], role: 'no-quorum', isUnfencedCronOff: false }],
  ])('%s', (_name, change, expected) => {
    const plan = planCronTick({ ...tick, ...change });
    expect({ actions: plan.actions, role: plan.decision.role, isUnfencedCronOff: plan.isUnfencedCronOff }).toEqual(expected);
  });

  it.each<[string, Partial<CronTickInput>, number | null, boolean]>([
    ['no jump: the deadline as it was', {}, 115_000, false],
    ['a jump forward: the deadline as it was (it has simply passed)', { nowMs: 160_000 }, 115_000, false],
    ['a jump back: the deadline no later than now, so it cannot look valid again', { nowMs: 40_000, previousNowMs: 101_000 }, 40_000, true],
    ['a jump back to just before the deadline: clamped too', { nowMs: 99_000, previousNowMs: 101_000 }, 99_000, true],
    ['a jump back without a lease: nothing to clamp', { nowMs: 40_000, previousNowMs: 101_000, lease: follower }, null, true],
  ])('%s', (_name, change, heldUntilMs, isClockJumpBack) => {
    const plan = planCronTick({ ...tick, ...change });
    expect(plan.heldUntilMs).toBe(heldUntilMs);
    expect(plan.decision.isClockJumpBack).toBe(isClockJumpBack);
  });

  it('after a jump back a leader turns cron off and renews at once', () => {
    expect(planCronTick({ ...tick, nowMs: 40_000, previousNowMs: 101_000 }).actions).toEqual(['turn-cron-off', 'renew']);
  });
});

describe('fenceGuardForMs', () => {
  it.each([
    [115_000, 101_000, 10_250],
    [115_000, 111_250, 0],
    [115_000, 112_000, -750],
  ])('held until %i, now %i: cron may stay on %i ms', (heldUntilMs, nowMs, guardForMs) => {
    expect(fenceGuardForMs(heldUntilMs, timing, nowMs)).toBe(guardForMs);
  });
});
