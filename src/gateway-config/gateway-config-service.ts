import { homedir } from 'node:os';
import { join } from 'node:path';
import { rmSync, statSync, unlinkSync } from 'node:fs';
import type { Logger } from '../daemon/logger.js';
import type { Supervisor } from '../daemon/supervisor.js';
import type { EventSink } from '../events/event-sink.js';
import type { SupervisorState } from '../supervisor/supervisor-state.js';
import { writeFileAtomic } from '../status/atomic-file.js';
import { startApply, stepApply, type ApplyEffect, type ApplyEvent, type ApplyOptions, type ApplyOutcome, type ApplyPhase, type GatewayObservation } from './apply-machine.js';
import { createConfigStore, hashConfig, readLiveConfig, type ConfigStore } from './config-store.js';
import { judgeDrift } from './drift.js';
import { findRollbackTarget, makeApplyId, REQUESTER_NOTE, type ApplyRequester, type HistoryRecord } from './history-record.js';
import { carryOwnedKeys, diffKeyPaths, listOwnedKeys, stripOwnedKeys } from './owned-keys.js';
import { NO_DRIFT, type GatewayConfigSection } from './gateway-config-status.js';
import { resolveValidateCommand, validateCandidate, type ValidationResult } from './validate-candidate.js';
import { formatFinding, lintCandidate } from './lint-candidate.js';
import { auditServiceFor } from '../audit/audit-service.js';
import type { AuditSnapshot } from '../audit/capability.js';
import { compareCapabilities, type CapabilityComparison } from './compare-capabilities.js';

export interface ApplyRequest {
  content: string;
  source: string;
  isDryRun: boolean;
  isVerifying: boolean;
  /** Apply despite lint warnings (errors always refuse). */
  isForced?: boolean;
  timeoutMs?: number;
  who: ApplyRequester;
}

export type ServiceAnswer = { ok: true; result: unknown } | { ok: false; code: 'gateway-config-busy' | 'gateway-config-unavailable' | 'gateway-config-unknown'; message: string };

export interface ApplyResult {
  id: string;
  outcome: ApplyOutcome;
  reason: string | null;
  validator: 'openclaw' | 'parse-only' | null;
  notes: string[];
  issues: string[];
  changedKeys: HistoryRecord['changedKeys'];
  liveConfigPath: string;
  /** The capability audits before the swap and after the restart; null when none ran (--no-verify, dry run, refused). */
  capabilities: CapabilityComparison | null;
}

export interface GatewayConfigService {
  apply(request: ApplyRequest): Promise<ServiceAnswer>;
  rollback(request: { id?: string; isVerifying: boolean; timeoutMs?: number; who: ApplyRequester }): Promise<ServiceAnswer>;
  history(n: number): ServiceAnswer;
  diff(a: string | undefined, b: string | undefined): ServiceAnswer;
  checkDrift(): void;
  /** At start-up, before the gateway: an apply a killed clawsupd left unverified is rolled back (its backup put back). */
  recoverInterruptedApply(): void;
  liveConfigPath(): string;
  isApplying(): boolean;
}

const services = new WeakMap<Supervisor, GatewayConfigService>();

/** One service per supervisor, shared by the control socket and the drift part: one apply at a time, whoever asks. */
export function gatewayConfigServiceFor(supervisor: Supervisor, context: { log: Logger; events: EventSink; env: NodeJS.ProcessEnv }): GatewayConfigService {
  let service = services.get(supervisor);
  if (service === undefined) {
    service = createGatewayConfigService(supervisor, context);
    services.set(supervisor, service);
  }
  return service;
}

function createGatewayConfigService(supervisor: Supervisor, context: { log: Logger; events: EventSink; env: NodeJS.ProcessEnv }): GatewayConfigService {
  const log = context.log.child({ component: 'gateway-config' });
  const config = () => supervisor.getConfig();
  const store: ConfigStore = createConfigStore(config().status.dir);
  const owned = () => listOwnedKeys(config().cron.leader.enabled, config().cron.leader.skipMissedJobs);
  const audits = auditServiceFor(supervisor, context);
  let sequence = 0;
  let current: { onState(state: SupervisorState, previous: SupervisorState): void } | null = null;
  let section: GatewayConfigSection = { liveConfigPath: null, isApplying: false, lastApply: lastApplyOf(store.readHistory()), drift: NO_DRIFT };

  supervisor.onStateChange((state, previous) => current?.onState(state, previous));

  function liveConfigPath(): string {
    const configured = config().gateway.openclawConfigPath;
    return configured ?? join(context.env['HOME'] ?? homedir(), '.openclaw', 'openclaw.json');
  }

  function publish(patch: Partial<GatewayConfigSection>): void {
    section = { ...section, ...patch, liveConfigPath: liveConfigPath() };
    // The verdict first, so the section's write carries the reasons with it.
    supervisor.setDegradation('gateway-config', section.drift.isDrifted ? ['config-drift'] : []);
    supervisor.setStatusSection('gatewayConfig', section);
  }

  function checkDrift(): void {
    if (current !== null) return;
    const live = readLiveConfig(liveConfigPath());
    const liveHash = live.ok ? hashConfig(live.parsed, owned()) : null;
    const applied = store.readApplied();
    const verdict = judgeDrift({ liveHash, liveError: live.ok ? null : live.error, isLiveMissing: !live.ok && live.isMissing, appliedHash: applied?.hash ?? null, gatewayBackup: liveHash === null ? null : readGatewayBackup(liveConfigPath(), owned()) });
    const checkedAt = new Date().toISOString();
    if (verdict.action === 'adopt') {
      if (liveHash === null) return;
      const id = nextId();
      store.writeApplied({ id, hash: liveHash, at: checkedAt });
      log.info({ liveHash, path: liveConfigPath() }, 'gateway config adopted as the baseline for drift');
      publish({ drift: { isDrifted: false, checkedAt, appliedHash: liveHash, liveHash, detail: null, writer: null } });
      return;
    }
    if (verdict.isDrifted && !section.drift.isDrifted) {
      log.warn({ path: liveConfigPath(), appliedHash: applied?.hash ?? null, liveHash, writer: verdict.writer, detail: verdict.detail }, 'gateway config drift');
      context.events.append('gateway-config-drift', { path: liveConfigPath(), writer: verdict.writer, detail: verdict.detail });
    }
    publish({ drift: { isDrifted: verdict.isDrifted, checkedAt, appliedHash: applied?.hash ?? null, liveHash, detail: verdict.detail, writer: verdict.isDrifted ? verdict.writer : null } });
  }

  // Unique against what is recorded: a clawsupd restarted within the second starts its counter again, and a
  // recorded id that matched an interrupted apply's journal would leave that apply's candidate live.
  function nextId(): string {
    const taken = new Set(store.readHistory().map((record) => record.id));
    for (const id of [store.readJournal()?.id, store.readApplied()?.id]) if (id !== undefined) taken.add(id);
    for (;;) {
      sequence = (sequence + 1) % 1000;
      const id = makeApplyId(Date.now(), sequence);
      if (!taken.has(id)) return id;
    }
  }

  async function runGate(kind: 'apply' | 'rollback', request: ApplyRequest): Promise<ServiceAnswer> {
    if (current !== null) return { ok: false, code: 'gateway-config-busy', message: 'another gateway-config apply is running: one at a time; try again when it has finished' };
    const startedAtMs = Date.now();
    const id = nextId();
    const path = liveConfigPath();
    const options: ApplyOptions = { isDryRun: request.isDryRun, isVerifying: request.isVerifying, isAuditing: request.isVerifying };
    const timeoutMs = request.timeoutMs ?? config().gatewayConfig.healthTimeoutMs;
    const settleMs = config().gatewayConfig.settleMs;
    const reasonsBefore = supervisor.getState().reasons;
    const liveBefore = readLiveConfig(path);
    if (!liveBefore.ok && !liveBefore.isMissing) {
      return { ok: false, code: 'gateway-config-unavailable', message: `${liveBefore.error}: fix or remove the live config by hand first; the gate compares against it and backs it up` };
    }
    let validation: Awaited<ReturnType<typeof validateCandidate>> | null = null;
    let toWrite = request.content;
    let backupFile: string | null = null;
    let auditBefore: AuditSnapshot | null = null;
    let auditAfter: AuditSnapshot | null = null;
    let lost: string[] = [];
    const auditNotes: string[] = [];
    const auditFiles: string[] = [];
    let settleTimer: NodeJS.Timeout | undefined;
    let deadlineTimer: NodeJS.Timeout | undefined;
    let exitAtRestart: unknown = null;
    // What the restart replaced: until a gateway started after it, what the supervisor says is about the old one.
    let startedAtMsBeforeRestart: number | null = null;
    let hasRespawned = false;
    let phase: ApplyPhase;
    let resolveDone: (result: ApplyResult) => void = () => undefined;
    const done = new Promise<ApplyResult>((resolve) => (resolveDone = resolve));

    const observe = (state: SupervisorState, previous: SupervisorState | null): GatewayObservation => {
      const exit = state.gateway.lastExit;
      // Only an exit that just happened, and not the one the restart itself asked for.
      const isNew = exit !== null && exit !== exitAtRestart && (previous === null || exit !== previous.gateway.lastExit);
      return { mode: state.mode, exit: isNew && exit !== null ? { code: exit.code, signal: exit.signal, class: exit.class, reason: exit.reason } : null, degradedReasons: state.reasons };
    };
    const feed = (event: ApplyEvent): void => {
      const step = stepApply(phase, event, options, reasonsBefore);
      if (step.phase !== phase) log.info({ id, step: step.phase.step }, 'gateway config apply step');
      phase = step.phase;
      for (const effect of step.effects) carryOut(effect);
    };
    const carryOut = (effect: ApplyEffect): void => {
      switch (effect.type) {
        case 'validate': {
          const command = resolveValidateCommand(config().gatewayConfig.validateCommand, config().gateway.command);
          void validateCandidate({ content: request.content, source: request.source, command, env: { ...context.env, ...config().gateway.env }, stagingDir: store.dir, timeoutMs: config().gatewayConfig.validateTimeoutMs })
            .then((checked) => {
              const result = withLint(checked, liveBefore.ok ? liveBefore.parsed : {}, owned(), request.isForced === true, request.source);
              validation = result;
              if (result.issues.length === 0 && liveBefore.ok) {
                const carried = carryOwnedKeys(result.parsed, liveBefore.parsed, owned());
                // Only rewritten when an owned key had to move: otherwise the operator's bytes (comments too) go in as they are.
                if (hashOfAll(carried) !== hashOfAll(result.parsed)) toWrite = `${JSON.stringify(carried, null, 2)}\n`;
              }
              feed({ type: 'validated', issues: result.issues });
            })
            .catch((error: unknown) => feed({ type: 'step-failed', error: (error as Error).message }));
          return;
        }
        case 'audit': {
          const { when } = effect;
          const isCurrent = (): boolean => phase.step === 'auditing' && phase.when === when;
          // Nothing to compare with: the after audit is skipped, and the note says why.
          if (when === 'after' && auditBefore === null) return feed({ type: 'audited', lost: [] });
          void audits
            .check()
            .then((snapshot) => {
              if (!isCurrent()) return;
              if (when === 'before') auditBefore = snapshot;
              else {
                auditAfter = snapshot;
                lost = compareCapabilities(auditBefore, snapshot).lost;
              }
              feed({ type: 'audited', lost: when === 'after' ? lost : [] });
            })
            .catch((error: unknown) => {
              if (!isCurrent()) return;
              auditNotes.push(`the capability audit ${when === 'before' ? 'before the swap' : 'after the restart'} could not run (${(error as Error).message}): capabilities were not compared`);
              feed({ type: 'step-failed', error: (error as Error).message });
            });
          return;
        }
        case 'back-up':
          try {
            backupFile = liveBefore.ok ? store.writeBackup(id, 'before', liveBefore.text) : null;
            // The before snapshot goes with the backup: what the config live before could do.
            if (auditBefore !== null) auditFiles.push(store.writeAuditSnapshot(id, 'before', auditBefore));
            store.pruneBackups(config().gatewayConfig.keepBackups);
            // From here the live file may change: a clawsupd killed before the record puts the backup back at its next start.
            store.writeJournal({ id, kind, source: request.source, who: request.who, backupFile, previousHash: liveBefore.ok ? hashConfig(liveBefore.parsed, owned()) : null, startedAt: new Date(startedAtMs).toISOString() });
            feed({ type: 'backed-up' });
          } catch (error) {
            feed({ type: 'step-failed', error: (error as Error).message });
          }
          return;
        case 'write-candidate':
          try {
            writeFileAtomic(path, toWrite, { mode: modeOf(path), isDurable: true });
            feed({ type: 'swapped' });
          } catch (error) {
            feed({ type: 'step-failed', error: (error as Error).message });
          }
          return;
        case 'restart-gateway': {
          exitAtRestart = supervisor.getState().gateway.lastExit;
          startedAtMsBeforeRestart = supervisor.getState().gateway.startedAtMs;
          hasRespawned = false;
          clearTimeout(deadlineTimer);
          deadlineTimer = setTimeout(() => feed({ type: 'deadline-passed', observation: observe(supervisor.getState(), null) }), timeoutMs);
          supervisor.dispatch({ type: 'restart-requested', atMs: Date.now() });
          // The restart's own stop is an exit too: anything after it is the new gateway's.
          exitAtRestart = supervisor.getState().gateway.lastExit;
          return;
        }
        case 'arm-settle':
          clearTimeout(settleTimer);
          settleTimer = setTimeout(() => feed({ type: 'settle-elapsed', observation: observe(supervisor.getState(), null) }), settleMs);
          return;
        case 'cancel-settle':
          clearTimeout(settleTimer);
          return;
        case 'restore-backup':
          try {
            if (backupFile === null) unlinkSync(path);
            else writeFileAtomic(path, store.readBackup(backupFile), { mode: modeOf(path), isDurable: true });
            feed({ type: 'restored' });
          } catch (error) {
            feed({ type: 'step-failed', error: (error as Error).message });
          }
          return;
        case 'finish':
          clearTimeout(settleTimer);
          clearTimeout(deadlineTimer);
          return resolveDone(finishGate(effect.outcome, effect.reason));
      }
    };
    const finishGate = (outcome: ApplyOutcome, reason: string | null): ApplyResult => {
      const candidateParsed = validation?.parsed ?? null;
      if (auditAfter !== null && outcome !== 'dry-run') auditFiles.push(store.writeAuditSnapshot(id, 'after', auditAfter));
      const capabilities = auditBefore === null ? null : compareCapabilities(auditBefore, auditAfter);
      const changedKeys = candidateParsed === null ? [] : diffKeyPaths(liveBefore.ok ? stripOwnedKeys(liveBefore.parsed, owned()) : {}, stripOwnedKeys(candidateParsed, owned()));
      const result: ApplyResult = {
        id,
        outcome,
        reason,
        validator: validation?.validator ?? null,
        notes: [...(validation?.notes ?? []), ...auditNotes],
        issues: outcome === 'refused' ? (validation?.issues.length ? validation.issues : reason === null ? [] : [reason]) : [],
        changedKeys,
        liveConfigPath: path,
        capabilities,
      };
      if (outcome === 'dry-run') return result;
      const at = new Date().toISOString();
      const record: HistoryRecord = {
        id,
        at,
        kind,
        who: { ...request.who, note: REQUESTER_NOTE },
        source: request.source,
        outcome,
        reason,
        validator: result.validator,
        previousHash: liveBefore.ok ? hashConfig(liveBefore.parsed, owned()) : null,
        candidateHash: candidateParsed === null ? '' : hashConfig(candidateParsed, owned()),
        backupFile,
        changedKeys,
        durationMs: Date.now() - startedAtMs,
        capabilitiesLost: lost,
        auditFiles,
      };
      // Record, then the applied hash, then the journal's removal: a clawsupd killed between two finds the journal and the record, and completes the rest.
      store.appendHistory(record);
      if (outcome === 'applied') {
        store.writeBackup(id, 'applied', toWrite);
        store.writeApplied({ id, hash: record.candidateHash, at });
      }
      store.removeJournal();
      log[outcome === 'applied' ? 'info' : 'warn']({ id, kind, outcome, reason, source: request.source, changedKeys: changedKeys.length }, 'gateway config apply finished');
      context.events.append('gateway-config-applied', { id, kind, outcome, reason });
      section = { ...section, lastApply: { id, at, kind, outcome, reason } };
      return result;
    };

    current = {
      onState: (state, previous) => {
        if (phase.step !== 'verifying' && phase.step !== 'recovering') return;
        if (!hasRespawned) {
          if (state.gateway.startedAtMs === null || state.gateway.startedAtMs === startedAtMsBeforeRestart) return;
          hasRespawned = true;
        }
        feed({ type: 'gateway-observed', observation: observe(state, previous) });
      },
    };
    publish({ isApplying: true });
    log.info({ id, kind, source: request.source, path, isDryRun: request.isDryRun, who: request.who }, 'gateway config apply started');
    const first = startApply();
    phase = first.phase;
    for (const effect of first.effects) carryOut(effect);
    try {
      return { ok: true, result: await done };
    } finally {
      current = null;
      publish({ isApplying: false });
      checkDrift();
    }
  }

  return {
    apply: (request) => runGate('apply', request),
    async rollback(request) {
      const target = findRollbackTarget(store.readHistory(), request.id);
      if ('error' in target) return { ok: false, code: 'gateway-config-unknown', message: target.error };
      if (target.backupFile === null) return { ok: false, code: 'gateway-config-unknown', message: `apply ${target.id} has no backup` };
      let content: string;
      try {
        content = store.readBackup(target.backupFile);
      } catch (error) {
        return { ok: false, code: 'gateway-config-unknown', message: `the backup of apply ${target.id} is gone (${(error as Error).message}); only the last gatewayConfig.keepBackups are kept` };
      }
      return runGate('rollback', { content, source: `backup of ${target.id}`, isDryRun: false, isForced: true, isVerifying: request.isVerifying, timeoutMs: request.timeoutMs, who: request.who });
    },
    history(n) {
      return { ok: true, result: { records: store.readHistory().slice(-n) } };
    },
    diff(a, b) {
      // What an apply put in (its `applied` copy); no id: the last one applied.
      const loadApplied = (which: string | undefined): { ok: true; parsed: unknown; label: string } | { ok: false; message: string } => {
        const history = store.readHistory();
        const record = which === undefined ? [...history].reverse().find((each) => each.outcome === 'applied') : history.find((each) => each.id === which);
        if (record === undefined) return { ok: false, message: which === undefined ? 'no applied config in the history yet' : `no apply ${which} in the history (clawctl gateway-config history lists them)` };
        if (record.outcome !== 'applied') return { ok: false, message: `apply ${record.id} was ${record.outcome}: it put nothing in to compare` };
        const read = readLiveConfig(join(store.dir, 'backups', `${record.id}.applied.json5`));
        return read.ok ? { ok: true, parsed: read.parsed, label: `apply ${record.id}` } : { ok: false, message: `the copy of apply ${record.id} is gone (only the last gatewayConfig.keepBackups are kept)` };
      };
      const before = loadApplied(a);
      if (!before.ok) return { ok: false, code: 'gateway-config-unknown', message: before.message };
      let after: { ok: true; parsed: unknown; label: string } | { ok: false; message: string };
      if (b !== undefined) after = loadApplied(b);
      else {
        const live = readLiveConfig(liveConfigPath());
        after = live.ok ? { ok: true, parsed: live.parsed, label: 'the live config' } : live.isMissing ? { ok: true, parsed: {}, label: 'the live config (missing)' } : { ok: false, message: live.error };
      }
      if (!after.ok) return { ok: false, code: 'gateway-config-unknown', message: after.message };
      // Key paths only, never values: the config holds secrets.
      return { ok: true, result: { from: before.label, to: after.label, changes: diffKeyPaths(stripOwnedKeys(before.parsed, owned()), stripOwnedKeys(after.parsed, owned()), 500) } };
    },
    checkDrift,
    recoverInterruptedApply() {
      const journal = store.readJournal();
      if (journal === null) return store.removeStagedCandidates();
      store.removeStagedCandidates();
      // Recorded already (killed between the record and the journal's removal): that outcome stands, its applied hash too.
      const recorded = store.readHistory().find((record) => record.id === journal.id);
      if (recorded !== undefined) {
        if (recorded.outcome === 'applied' && store.readApplied()?.id !== recorded.id) store.writeApplied({ id: recorded.id, hash: recorded.candidateHash, at: recorded.at });
        log.info({ id: journal.id, outcome: recorded.outcome }, 'gateway config apply was recorded before clawsupd stopped: its outcome stands');
        return store.removeJournal();
      }
      const path = liveConfigPath();
      const reason = 'interrupted: clawsupd stopped before the apply was verified; the previous config was put back at its next start';
      if (journal.backupFile === null) rmSync(path, { force: true });
      else writeFileAtomic(path, store.readBackup(journal.backupFile), { mode: modeOf(path), isDurable: true });
      const at = new Date().toISOString();
      store.appendHistory({
        id: journal.id,
        at,
        kind: journal.kind,
        who: { ...journal.who, note: REQUESTER_NOTE },
        source: journal.source,
        outcome: 'rolled-back',
        reason,
        validator: null,
        previousHash: journal.previousHash,
        candidateHash: '',
        backupFile: journal.backupFile,
        changedKeys: [],
        durationMs: Date.parse(at) - Date.parse(journal.startedAt),
      });
      store.removeJournal();
      log.warn({ id: journal.id, path, reason }, 'gateway config apply interrupted: rolled back');
      context.events.append('gateway-config-applied', { id: journal.id, kind: journal.kind, outcome: 'rolled-back', reason });
      section = { ...section, lastApply: { id: journal.id, at, kind: journal.kind, outcome: 'rolled-back', reason } };
    },
    liveConfigPath,
    isApplying: () => current !== null,
  };
}

/** clawsup's lint after the gateway's validator: errors refuse, warnings refuse unless forced (then they are notes). */
function withLint(result: ValidationResult, live: unknown, owned: ReturnType<typeof listOwnedKeys>, isForced: boolean, source: string): ValidationResult {
  if (result.issues.length > 0) return result;
  const findings = lintCandidate(stripOwnedKeys(result.parsed, owned), live);
  const errors = findings.filter((finding) => finding.severity === 'error').map((finding) => `${source}: ${formatFinding(finding)}`);
  const warnings = findings.filter((finding) => finding.severity === 'warning').map((finding) => `${source}: warning: ${formatFinding(finding)}`);
  if (errors.length > 0 || (warnings.length > 0 && !isForced)) {
    return { ...result, issues: [...errors, ...warnings.map((warning) => (isForced ? warning : `${warning}; --force applies despite warnings`))] };
  }
  return { ...result, notes: [...result.notes, ...warnings] };
}

// The gateway copies the file to .bak just before its own write: within this of the live file's mtime, the two go together.
const GATEWAY_WRITE_WINDOW_MS = 5_000;

function readGatewayBackup(path: string, owned: ReturnType<typeof listOwnedKeys>): { hash: string | null; isWrittenWithLive: boolean } | null {
  try {
    const backupPath = `${path}.bak`;
    const isWrittenWithLive = Math.abs(statSync(backupPath).mtimeMs - statSync(path).mtimeMs) <= GATEWAY_WRITE_WINDOW_MS;
    const read = readLiveConfig(backupPath);
    return { hash: read.ok ? hashConfig(read.parsed, owned) : null, isWrittenWithLive };
  } catch {
    return null;
  }
}

function hashOfAll(value: unknown): string {
  return hashConfig(value, []);
}

function modeOf(path: string): number {
  try {
    return statSync(path).mode & 0o777;
  } catch {
    return 0o600;
  }
}

function lastApplyOf(history: readonly HistoryRecord[]): GatewayConfigSection['lastApply'] {
  const last = history.filter((record) => record.kind !== 'adopt').at(-1);
  if (last === undefined || last.outcome === 'adopted') return null;
  return { id: last.id, at: last.at, kind: last.kind === 'rollback' ? 'rollback' : 'apply', outcome: last.outcome, reason: last.reason };
}
