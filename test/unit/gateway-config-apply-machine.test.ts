import { describe, expect, it } from 'vitest';
import { judgeGateway, startApply, stepApply, type ApplyEvent, type ApplyOptions, type ApplyPhase, type GatewayObservation } from '../../src/gateway-config/apply-machine.js';

const healthy: GatewayObservation = { mode: 'healthy', exit: null, degradedReasons: [] };
const starting: GatewayObservation = { mode: 'starting', exit: null, degradedReasons: [] };
const exited78: GatewayObservation = { mode: 'diagnose', exit: { code: 78, signal: null, class: 'structural', reason: 'config-invalid' }, degradedReasons: [] };
const verify: ApplyOptions = { isDryRun: false, isVerifying: true };

/** Runs events from the start and returns the last phase and every effect's type, in order. */
function run(events: ApplyEvent[], options: ApplyOptions = verify, reasonsBefore: string[] = []): { phase: ApplyPhase; effects: string[] } {
  const first = startApply();
  let phase = first.phase;
  const effects: string[] = first.effects.map((effect) => effect.type);
  for (const event of events) {
    const step = stepApply(phase, event, options, reasonsBefore);
    phase = step.phase;
    effects.push(...step.effects.map((effect) => (effect.type === 'finish' ? `finish:${effect.outcome}` : effect.type)));
  }
  return { phase, effects };
}

const toSwap: ApplyEvent[] = [{ type: 'validated', issues: [] }, { type: 'backed-up' }, { type: 'swapped' }];

describe('the apply plan', () => {
  it.each<[string, ApplyEvent[], ApplyOptions, string, string | null, string[]]>([
    ['a good candidate is kept once healthy held for the settle time', [...toSwap, { type: 'gateway-observed', observation: starting }, { type: 'gateway-observed', observation: healthy }, { type: 'settle-elapsed', observation: healthy }], verify, 'applied', null,
      ['validate', 'back-up', 'write-candidate', 'restart-gateway', 'arm-settle', 'finish:applied']],
    ['an invalid candidate is refused before anything is backed up or written', [{ type: 'validated', issues: ['x: Unrecognized key'] }], verify, 'refused', 'x: Unrecognized key', ['validate', 'finish:refused']],
    ['a validator that cannot run refuses', [{ type: 'step-failed', error: 'spawn ENOENT' }], verify, 'refused', 'spawn ENOENT', ['validate', 'finish:refused']],
    ['a dry run stops after validation', [{ type: 'validated', issues: [] }], { isDryRun: true, isVerifying: true }, 'dry-run', null, ['validate', 'finish:dry-run']],
    ['a failed backup refuses: nothing was swapped', [{ type: 'validated', issues: [] }, { type: 'step-failed', error: 'ENOSPC' }], verify, 'refused', 'backup-failed: ENOSPC', ['validate', 'back-up', 'finish:refused']],
    ['--no-verify restarts and keeps at once', toSwap, { isDryRun: false, isVerifying: false }, 'applied', 'not verified (--no-verify)', ['validate', 'back-up', 'write-candidate', 'restart-gateway', 'finish:applied']],
    ['a gateway that exits on the candidate is rolled back and comes back on the backup', [...toSwap, { type: 'gateway-observed', observation: healthy }, { type: 'gateway-observed', observation: exited78 }, { type: 'restored' }, { type: 'gateway-observed', observation: healthy }, { type: 'settle-elapsed', observation: healthy }], verify,
      'rolled-back', 'gateway-exited: code 78, structural: config-invalid',
      ['validate', 'back-up', 'write-candidate', 'restart-gateway', 'arm-settle', 'cancel-settle', 'restore-backup', 'restart-gateway', 'arm-settle', 'finish:rolled-back']],
    ['a gateway never healthy by the deadline is rolled back', [...toSwap, { type: 'gateway-observed', observation: starting }, { type: 'deadline-passed', observation: starting }, { type: 'restored' }, { type: 'gateway-observed', observation: healthy }, { type: 'settle-elapsed', observation: healthy }], verify,
      'rolled-back', 'not-healthy-in-time: mode starting', ['validate', 'back-up', 'write-candidate', 'restart-gateway', 'restore-backup', 'restart-gateway', 'arm-settle', 'finish:rolled-back']],
    ['a backup that cannot be restored ends rollback-failed', [...toSwap, { type: 'gateway-observed', observation: exited78 }, { type: 'step-failed', error: 'EACCES' }], verify,
      'rollback-failed', 'gateway-exited: code 78, structural: config-invalid; restore-failed: EACCES', ['validate', 'back-up', 'write-candidate', 'restart-gateway', 'restore-backup', 'finish:rollback-failed']],
    ['the old config not healthy by the deadline either ends rollback-failed', [...toSwap, { type: 'gateway-observed', observation: exited78 }, { type: 'restored' }, { type: 'deadline-passed', observation: starting }], verify,
      'rollback-failed', 'gateway-exited: code 78, structural: config-invalid; then not-healthy-in-time: mode starting', ['validate', 'back-up', 'write-candidate', 'restart-gateway', 'restore-backup', 'restart-gateway', 'finish:rollback-failed']],
    ['one crash of the old config during recovery is waited out (the supervisor restarts it)', [...toSwap, { type: 'gateway-observed', observation: exited78 }, { type: 'restored' }, { type: 'gateway-observed', observation: { ...healthy, mode: 'backoff', exit: { code: 1, signal: null, class: 'transient', reason: 'crash' } } }, { type: 'gateway-observed', observation: healthy }, { type: 'settle-elapsed', observation: healthy }], verify,
      'rolled-back', 'gateway-exited: code 78, structural: config-invalid', ['validate', 'back-up', 'write-candidate', 'restart-gateway', 'restore-backup', 'restart-gateway', 'arm-settle', 'finish:rolled-back']],
    ['healthy that drops before the settle time restarts the settle', [...toSwap, { type: 'gateway-observed', observation: healthy }, { type: 'gateway-observed', observation: starting }, { type: 'settle-elapsed', observation: starting }, { type: 'gateway-observed', observation: healthy }, { type: 'settle-elapsed', observation: healthy }], verify,
      'applied', null, ['validate', 'back-up', 'write-candidate', 'restart-gateway', 'arm-settle', 'cancel-settle', 'arm-settle', 'finish:applied']],
  ])('%s', (_name, events, options, outcome, reason, effects) => {
    const result = run(events, options);
    expect(result.phase).toEqual({ step: 'done', outcome, reason });
    expect(result.effects).toEqual(effects);
  });

  it('ignores events that do not fit the phase (a late settle timer, a stray observation)', () => {
    const result = run([{ type: 'settle-elapsed', observation: healthy }, { type: 'gateway-observed', observation: exited78 }, { type: 'validated', issues: [] }]);
    expect(result.phase).toEqual({ step: 'backing-up' });
  });

  it('once done, changes nothing', () => {
    const done: ApplyPhase = { step: 'done', outcome: 'applied', reason: null };
    expect(stepApply(done, { type: 'gateway-observed', observation: exited78 }, verify, [])).toEqual({ phase: done, effects: [] });
  });
});

describe('judging the gateway during the wait', () => {
  it.each<[string, GatewayObservation, string[], string]>([
    ['healthy is up', healthy, [], 'up'],
    ['the restart’s own clean stop is no failure', { mode: 'stopping', exit: { code: 0, signal: 'SIGTERM', class: 'clean', reason: 'stopped' }, degradedReasons: [] }, [], 'waiting'],
    ['a structural exit fails', exited78, [], 'failed'],
    ['diagnose fails', { mode: 'diagnose', exit: null, degradedReasons: [] }, [], 'failed'],
    ['degraded for a reason it had before is up', { mode: 'degraded', exit: null, degradedReasons: ['slack-flapping'] }, ['slack-flapping'], 'up'],
    ['degraded only for config-drift is up', { mode: 'degraded', exit: null, degradedReasons: ['config-drift'] }, [], 'up'],
    ['degraded only for cron-no-leader (Redis out of reach, not the candidate) is up', { mode: 'degraded', exit: null, degradedReasons: ['cron-no-leader'] }, [], 'up'],
    ['degraded for a new reason is not up yet', { mode: 'degraded', exit: null, degradedReasons: ['slack-disconnected'] }, [], 'waiting'],
    ['backoff is waiting (the exit was judged when it happened)', { mode: 'backoff', exit: null, degradedReasons: [] }, [], 'waiting'],
  ])('%s', (_name, observation, before, verdict) => {
    expect(judgeGateway(observation, before).verdict).toBe(verdict);
  });

  it('names the new degradation when the deadline passes on it', () => {
    const degraded: GatewayObservation = { mode: 'degraded', exit: null, degradedReasons: ['slack-disconnected'] };
    const result = run([...toSwap, { type: 'gateway-observed', observation: degraded }, { type: 'deadline-passed', observation: degraded }]);
    expect(result.phase).toEqual({ step: 'restoring', reason: 'not-healthy-in-time: mode degraded (slack-disconnected)' });
  });
});

describe('the apply plan with the capability audits (before the swap, after the restart)', () => {
  const audit: ApplyOptions = { isDryRun: false, isVerifying: true, isAuditing: true };
  const toUp: ApplyEvent[] = [{ type: 'validated', issues: [] }, { type: 'audited', lost: [] }, { type: 'backed-up' }, { type: 'swapped' }, { type: 'gateway-observed', observation: healthy }, { type: 'settle-elapsed', observation: healthy }];
  const recovered: ApplyEvent[] = [{ type: 'restored' }, { type: 'gateway-observed', observation: healthy }, { type: 'settle-elapsed', observation: healthy }];
  it.each<[string, ApplyEvent[], ApplyOptions, string, string | null, string[]]>([
    ['nothing lost: kept after the second audit', [...toUp, { type: 'audited', lost: [] }], audit, 'applied', null,
      ['validate', 'audit', 'back-up', 'write-candidate', 'restart-gateway', 'arm-settle', 'audit', 'finish:applied']],
    ['a capability lost: rolled back with capability-lost:<id>', [...toUp, { type: 'audited', lost: ['model:fake/tiny-1', 'channel:slack:default'] }, ...recovered], audit,
      'rolled-back', 'capability-lost:model:fake/tiny-1, capability-lost:channel:slack:default',
      ['validate', 'audit', 'back-up', 'write-candidate', 'restart-gateway', 'arm-settle', 'audit', 'restore-backup', 'restart-gateway', 'arm-settle', 'finish:rolled-back']],
    ['a before audit that cannot run still backs up and swaps', [{ type: 'validated', issues: [] }, { type: 'step-failed', error: 'no OpenClaw config' }, { type: 'backed-up' }, { type: 'swapped' }, { type: 'gateway-observed', observation: healthy }, { type: 'settle-elapsed', observation: healthy }, { type: 'audited', lost: [] }], audit,
      'applied', null, ['validate', 'audit', 'back-up', 'write-candidate', 'restart-gateway', 'arm-settle', 'audit', 'finish:applied']],
    ['the gateway exiting during the after audit rolls back on the exit', [...toUp, { type: 'gateway-observed', observation: exited78 }, ...recovered], audit,
      'rolled-back', 'gateway-exited: code 78, structural: config-invalid', ['validate', 'audit', 'back-up', 'write-candidate', 'restart-gateway', 'arm-settle', 'audit', 'restore-backup', 'restart-gateway', 'arm-settle', 'finish:rolled-back']],
    ['the health deadline passing during the after audit changes nothing', [...toUp, { type: 'deadline-passed', observation: healthy }, { type: 'audited', lost: [] }], audit, 'applied', null,
      ['validate', 'audit', 'back-up', 'write-candidate', 'restart-gateway', 'arm-settle', 'audit', 'finish:applied']],
    ['a dry run audits nothing', [{ type: 'validated', issues: [] }], { ...audit, isDryRun: true }, 'dry-run', null, ['validate', 'finish:dry-run']],
    ['--no-verify audits nothing', toSwap, { ...audit, isVerifying: false }, 'applied', 'not verified (--no-verify)', ['validate', 'back-up', 'write-candidate', 'restart-gateway', 'finish:applied']],
  ])('%s', (_name, events, options, outcome, reason, effects) => {
    const result = run(events, options);
    expect(result.phase).toEqual({ step: 'done', outcome, reason });
    expect(result.effects).toEqual(effects);
  });

  it('ignores a late before-audit answer once past it', () => {
    const result = run([{ type: 'validated', issues: [] }, { type: 'audited', lost: [] }, { type: 'audited', lost: ['x'] }], audit);
    expect(result.phase).toEqual({ step: 'backing-up' });
  });
});
