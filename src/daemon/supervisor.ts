import { dirname } from 'node:path';
import { checkConfigFile } from '../config/check-config-file.js';
import { describeReload } from '../config/describe-reload.js';
import type { ClawsupConfig } from '../config/schema.js';
import { describeError } from '../describe-error.js';
import { keepLastLines } from '../gateway/earlier-output.js';
import { buildGatewayEnv } from '../gateway/gateway-env.js';
import { collectKnownSecrets } from '../gateway/known-secrets.js';
import type { GatewayRecord } from '../gateway/gateway-record.js';
import { GATEWAY_MARKER_VARIABLE } from '../gateway/marked-processes.js';
import { createOutputCapture, type OutputCapture } from '../gateway/output-capture.js';
import { findRedactionHints, findSecretSpans, redactArgv, redactSecrets } from '../gateway/redact.js';
import type { StatusSectionName, StatusSections, StatusSnapshot } from '../status/status-schema.js';
import { evidenceFileOptions } from '../status/evidence-files.js';
import { buildStatusSnapshot, type DaemonFacts } from '../status/status-snapshot.js';
import type { StatusWriter } from '../status/status-writer.js';
import type { Diagnosis } from '../supervisor/modes.js';
import { toPolicy } from '../supervisor/policy.js';
import {
  createInitialState,
  type SupervisorEffect,
  type SupervisorEvent,
  type SupervisorState,
  type TimerName,
} from '../supervisor/supervisor-state.js';
import { transition } from '../supervisor/transition.js';
import { CLAWSUP_VERSION } from '../version.js';
import type { InputWatcher } from './input-watcher.js';
import { createOutputLineLogger, type Logger } from './logger.js';
import { REAL_SUPERVISOR_DEPS, type GatewayHandle, type SupervisorDeps } from './supervisor-deps.js';

export interface SupervisorOptions {
  config: ClawsupConfig;
  configPath: string;
  log: Logger;
  /** The daemon's environment, from which the gateway's is built. */
  env: NodeJS.ProcessEnv;
  /** The world it acts on; the real one unless a test gives fakes. */
  deps?: SupervisorDeps;
}

export interface Supervisor {
  /** Starts the gateway; resolves with clawsupd's exit code once it has stopped. */
  run(): Promise<number>;
  /** Queues the event: events are handled one at a time, in order, never inside one another. */
  dispatch(event: SupervisorEvent): void;
  getState(): SupervisorState;
  getStatus(): StatusSnapshot;
  getOutputLines(count: number): string[];
  reloadConfig(): { ok: true } | { ok: false; error: string };
  getConfig(): ClawsupConfig;
  /** A part's own section of status.json, as the status schema declares it. `isRoutine`: only timings changed, so it may be written a little later. */
  setStatusSection<Name extends StatusSectionName>(name: Name, value: StatusSections[Name], isRoutine?: boolean): void;
  /** A part's section as last set (undefined until it is): cheaper than getStatus() for one section. */
  getStatusSection<Name extends StatusSectionName>(name: Name): StatusSections[Name] | undefined;
  /** Called after each setStatusSection with the section's name: what changes outside the supervisor's own state. */
  onSectionChange(listener: (name: StatusSectionName, isRoutine: boolean) => void): void;
  /** The startup probe's verdict on the current gateway. */
  setGatewayStarted(isStarted: boolean): void;
  /** Why `source` (a probe, the skills) finds the node degraded; an empty list clears it. */
  setDegradation(source: string, reasons: readonly string[]): void;
  onStateChange(listener: (state: SupervisorState, previous: SupervisorState) => void): void;
  /**
   * Each line the gateway writes (already redacted), for probes that read its log (the Slack socket's lines). Past the
   * output budget (a flood) only lines containing `mustContain` are passed on, found by a cheap byte search.
   */
  onGatewayLine(listener: GatewayLineListener, mustContain?: string): void;
  /** Writes the gateway mark and the running gateway's record again if they are gone (the status dir was removed). */
  keepStatusDirFiles(): void;
  /** Called after each accepted reload (SIGHUP, or an edit in diagnose mode) with the new config. */
  onConfigReloaded(listener: (config: ClawsupConfig) => void): void;
}

export type GatewayLineListener = (line: string, stream: 'stdout' | 'stderr', atMs: number) => void;

/** The shell around the pure decision table: it queues events, carries out effects and keeps the handles. */
export function createSupervisor(options: SupervisorOptions): Supervisor {
  const { configPath, log } = options;
  const deps = options.deps ?? REAL_SUPERVISOR_DEPS;
  let config = options.config;
  // What the running gateway and this clawsupd were started with: a reload tells which of its changes wait for them.
  let spawnedWithConfig = options.config;
  const reloadListeners: Array<(config: ClawsupConfig) => void> = [];
  // Probes attach at start-up only when health checks are on; a reload cannot add or remove them.
  const hasStartupProbe = options.config.health.enabled;
  let policy = toPolicy(config, hasStartupProbe);
  const gatewayLog = log.child({ component: 'gateway' });
  const logOutputLine = createOutputLineLogger(log, 'gateway', 'gateway output');
  const daemon: DaemonFacts = { pid: deps.pid, version: CLAWSUP_VERSION, startedAt: new Date(deps.nowMs()).toISOString(), host: deps.hostname() };
  let state = createInitialState(deps.nowMs());
  let gateway: GatewayHandle | null = null;
  let gatewayRecord: GatewayRecord | null = null;
  // status.json and diagnosis.json carry evidence: 0640, to control.group when set.
  const evidenceFiles = evidenceFileOptions(config);
  let output: OutputCapture = createCapture();
  // The gateway before the current one stays whole: a gateway killed by a signal is replaced at once, and its last
  // lines (a helper still holding its pipes) may arrive after that.
  let previous: { output: OutputCapture; exitLine: string[] } | null = null;
  let earlierOutput: string[] = [];
  const gatewayMark = deps.readOrCreateGatewayMark(config.status.dir);
  let gatewayEnv: { config: ClawsupConfig; env: Record<string, string> } | null = null;
  let sections: Partial<StatusSections> = {
    config: { lastReloadAt: null, lastReloadError: null, pendingGatewayRestart: [], pendingDaemonRestart: [] },
  };
  const timers = new Map<TimerName, unknown>();
  const listeners: Array<(state: SupervisorState, previous: SupervisorState) => void> = [];
  const sectionListeners: Array<(name: StatusSectionName, isRoutine: boolean) => void> = [];
  const lineListeners: GatewayLineListener[] = [];
  const watchedTexts: string[] = [];
  const queue: SupervisorEvent[] = [];
  let isDraining = false;
  let isSpawnPending = false;
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => {
    finish = resolve;
  });
  const statusWriter: StatusWriter = deps.createStatusWriter(
    config.status.dir,
    getStatus,
    (error) => log.error({ err: describeError(error), statusDir: config.status.dir }, 'cannot write status.json'),
    config.status.routineWriteIntervalMs,
    evidenceFiles,
  );
  let watcher: InputWatcher | null = null;
  let knownSecrets = collectSecrets();

  function collectSecrets(): string[] {
    return collectKnownSecrets(config, options.env, deps.readOpenclawSecrets(config, options.env));
  }

  function createCapture(): OutputCapture {
    return createOutputCapture({
      maxTailLines: config.gateway.outputTailLines,
      maxTailChars: config.gateway.outputTailBytes,
      linesPerWindow: config.log.gatewayLinesPerWindow,
      windowMs: config.log.gatewayWindowMs,
      redact: (line) => redactSecrets(line, knownSecrets),
      findSecretSpans: (text) => findSecretSpans(text, knownSecrets),
      findRedactionHints: (text) => findRedactionHints(text, knownSecrets),
      logLine: logOutputLine,
      onLine: (stream, line) => {
        for (const listener of lineListeners) listener(line, stream, deps.nowMs());
      },
      watchFor: () => watchedTexts,
      logSuppressing: (stream, linesPerWindow, windowMs) =>
        gatewayLog.warn({ stream, linesPerWindow, windowMs }, 'gateway output over budget: not logging it until the window ends'),
      logSuppressed: (stream, suppressedBytes) => gatewayLog.warn({ stream, suppressedBytes }, 'gateway output suppressed'),
      nowMs: deps.nowMs,
    });
  }

  function getStatus(): StatusSnapshot {
    return { ...buildStatusSnapshot(state, daemon, deps.nowMs(), policy), ...sections };
  }

  function dispatch(event: SupervisorEvent): void {
    queue.push(event);
    if (isDraining) return;
    isDraining = true;
    let hasChanged = false;
    try {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) hasChanged = handle(next) || hasChanged;
    } finally {
      isDraining = false;
      // One write for the events handled together (an exit and its diagnosis' facts); none while a spawn is under
      // way: its gateway-spawned or gateway-spawn-failed event always follows, and its write carries this change too.
      if (hasChanged && !isSpawnPending) statusWriter.write();
    }
  }

  /** Returns whether the state changed. */
  function handle(event: SupervisorEvent): boolean {
    const previous = state;
    const result = transition(state, event, policy);
    state = result.state;
    if (event.type === 'gateway-spawned' || event.type === 'gateway-spawn-failed') isSpawnPending = false;
    const hasSpawn = result.effects.some((effect) => effect.type === 'spawn-gateway');
    // A restart waits on the spawn alone: the log lines of the same transition are written after it.
    for (const effect of result.effects) if (!hasSpawn || effect.type !== 'log') carryOut(effect);
    if (hasSpawn) for (const effect of result.effects) if (effect.type === 'log') carryOut(effect);
    if (state === previous) return false;
    for (const listener of listeners) listener(state, previous);
    return true;
  }

  function carryOut(effect: SupervisorEffect): void {
    switch (effect.type) {
      case 'spawn-gateway':
        return startGateway();
      case 'signal-gateway':
        return gateway?.signal(effect.signal);
      case 'set-timer': {
        deps.clearTimer(timers.get(effect.timer));
        const { timer, seq } = effect;
        timers.set(timer, deps.setTimer(() => dispatch({ type: 'timer-fired', atMs: deps.nowMs(), timer, seq }), effect.delayMs));
        return;
      }
      case 'clear-timer':
        deps.clearTimer(timers.get(effect.timer));
        timers.delete(effect.timer);
        return;
      case 'write-diagnosis':
        return writeDiagnosis(effect.diagnosis);
      case 'validate-input':
        return validateInput(effect.path);
      case 'log':
        return log[effect.level](effect.fields, effect.message);
      case 'exit-daemon':
        return shutDownDaemon(effect.code);
    }
  }

  /** A line between two gateways' output in `clawctl logs`, so the lines that explain a crash read as such. */
  function describeLastExit(): string[] {
    const exit = state.gateway.lastExit;
    if (exit === null) return [];
    const how = exit.signal === null ? `code ${exit.code}` : `signal ${exit.signal}`;
    return [`[clawsup] gateway exited (${how}, ${exit.class}: ${exit.reason}) at ${exit.at}; a new gateway starts`];
  }

  function gatewayCwd(): string {
    return config.gateway.cwd ?? dirname(configPath);
  }

  function gatewayPath(): string | undefined {
    return gatewayEnvFor(config).PATH;
  }

  /** The gateway's environment changes only with the config (clawsupd's own is fixed): built once per config. */
  function gatewayEnvFor(current: ClawsupConfig): Record<string, string> {
    if (gatewayEnv?.config !== current) {
      const env = { ...buildGatewayEnv(options.env, current.gateway.env, current.gatewayConfig.readOnly), [GATEWAY_MARKER_VARIABLE]: gatewayMark };
      gatewayEnv = { config: current, env };
    }
    return gatewayEnv.env;
  }

  function startGateway(): void {
    spawnedWithConfig = config;
    const older = previous;
    previous = { output, exitLine: describeLastExit() };
    const capture = createCapture();
    output = capture;
    safely(() => deps.keepGatewayMark(config.status.dir, gatewayMark), 'cannot write the gateway mark');
    const env = gatewayEnvFor(config);
    const command = config.gateway.command;
    gateway = deps.spawnGateway(
      { command, cwd: gatewayCwd(), env },
      {
        onSpawned: (pid, resolvedPath) => {
          safely(() => {
            gatewayRecord = deps.recordGateway(config.status.dir, pid, redactArgv([resolvedPath, ...command.slice(1)], knownSecrets));
          }, 'cannot record the gateway pid');
          // A record that could not be written must not leave the one of the gateway before in its place.
          if (gatewayRecord === null) safely(() => deps.forgetGateway(config.status.dir), 'cannot remove the gateway pid record');
          dispatch({ type: 'gateway-spawned', atMs: deps.nowMs(), pid });
        },
        onSpawnFailed: (errorCode, message) => {
          gateway = null;
          // The gateway before it may have left its record: no replacement's record took its place.
          safely(() => deps.forgetGateway(config.status.dir), 'cannot remove the gateway pid record');
          dispatch({ type: 'gateway-spawn-failed', atMs: deps.nowMs(), errorCode, message });
        },
        onOutput: (stream, chunk) => capture.push(stream, chunk),
        onExit: (code, signal) => {
          gateway = null;
          gatewayRecord = null;
          capture.finish();
          dispatch({ type: 'gateway-exited', atMs: deps.nowMs(), code, signal, outputTail: [...capture.getTailLines()] });
          // After the replacement's spawn: its record replaces this one (a rename), so only an exit not replaced removes it.
          if (!isSpawnPending) safely(() => deps.forgetGateway(config.status.dir), 'cannot remove the gateway pid record');
        },
      },
    );
    // Its gateway-spawned or gateway-spawn-failed event follows (a microtask), and writes status.json.
    isSpawnPending = true;
    // The rest comes after the spawn, off the restart's path.
    if (sections.config !== undefined && sections.config.pendingGatewayRestart.length > 0) {
      sections = { ...sections, config: { ...sections.config, pendingGatewayRestart: [] } };
    }
    const { outputTailLines, outputTailBytes } = config.gateway;
    if (older !== null) earlierOutput = keepLastLines([...earlierOutput, ...older.output.getTailLines(), ...older.exitLine], outputTailLines, outputTailBytes);
    // The keys in OpenClaw's config may have changed since the last start.
    knownSecrets = collectSecrets();
    watchInputs();
  }

  function watchInputs(): void {
    const paths = [configPath];
    if (config.gateway.openclawConfigPath) paths.push(config.gateway.openclawConfigPath);
    const [command] = config.gateway.command;
    if (command) {
      const resolved = deps.resolveCommand(command, gatewayCwd(), gatewayPath());
      if (resolved.path) paths.push(resolved.path);
    }
    watcher?.setPaths(paths);
  }

  function validateInput(path: string): void {
    // An invalid edit of the config is not the fix: the core stays in diagnose until the file is valid again.
    if (path === configPath && !reloadConfig().ok) return;
    dispatch({ type: 'inputs-changed', atMs: deps.nowMs(), path });
  }

  function writeDiagnosis(diagnosis: Diagnosis): void {
    const [argv0 = ''] = config.gateway.command;
    const resolved = deps.resolveCommand(argv0, gatewayCwd(), gatewayPath());
    const { ok, errors } = checkConfigFile(configPath, deps.loadConfig);
    const recorded: Diagnosis = {
      ...diagnosis,
      command: { argv: redactArgv(config.gateway.command, knownSecrets), resolvedPath: resolved.path, exists: resolved.ok },
      configCheck: { ok, errors },
    };
    safely(() => deps.writeDiagnosis(config.status.dir, recorded, evidenceFiles), 'cannot write diagnosis.json');
    dispatch({ type: 'diagnosis-recorded', atMs: deps.nowMs(), diagnosis: recorded });
  }

  function reloadConfig(): { ok: true } | { ok: false; error: string } {
    const lastReloadAt = new Date(deps.nowMs()).toISOString();
    try {
      const next = deps.loadConfig(configPath);
      const pendingDaemonRestart = describeReload(options.config, next).atNextDaemonStart;
      const pendingGatewayRestart = describeReload(spawnedWithConfig, next).atNextGatewayStart;
      if (next.status.dir !== config.status.dir || next.control.socket !== config.control.socket) {
        log.warn({ statusDir: next.status.dir, socket: next.control.socket }, 'status.dir and control.socket changes take effect when clawsupd restarts');
        next.status = config.status;
        next.control = config.control;
      }
      config = next;
      policy = toPolicy(config, hasStartupProbe);
      knownSecrets = collectSecrets();
      log.info({ configPath, pendingGatewayRestart, pendingDaemonRestart }, 'config reloaded');
      setConfigSection({ lastReloadAt, lastReloadError: null, pendingGatewayRestart, pendingDaemonRestart });
      for (const listener of reloadListeners) {
        try {
          listener(config);
        } catch (listenerError) {
          log.error({ err: describeError(listenerError) }, 'a part failed to apply the reloaded config');
        }
      }
      return { ok: true };
    } catch (error) {
      const message = (error as Error).message;
      log.error({ configPath, errors: message.split('\n') }, 'config reload refused: keeping the running config');
      const previous = sections.config ?? { pendingGatewayRestart: [], pendingDaemonRestart: [] };
      setConfigSection({ ...previous, lastReloadAt, lastReloadError: message });
      return { ok: false, error: message };
    }
  }

  function setConfigSection(value: StatusSections['config']): void {
    sections = { ...sections, config: value };
    statusWriter.write();
  }

  function shutDownDaemon(code: number): void {
    for (const timer of timers.values()) deps.clearTimer(timer);
    timers.clear();
    watcher?.close();
    statusWriter.write();
    void statusWriter.flush().then(() => finish(code));
  }

  function safely(action: () => void, message: string): void {
    try {
      action();
    } catch (error) {
      log.error({ err: describeError(error) }, message);
    }
  }

  return {
    run(): Promise<number> {
      watcher = deps.createInputWatcher((path, changedAtMs) => dispatch({ type: 'input-touched', atMs: deps.nowMs(), path, changedAtMs }));
      dispatch({ type: 'daemon-started', atMs: deps.nowMs() });
      return finished;
    },
    dispatch,
    getState: () => state,
    getStatus,
    // Output of earlier gateways stays readable after a restart: it is what explains the restart.
    getOutputLines: (count) => {
      const { outputTailLines, outputTailBytes } = config.gateway;
      const before = previous === null ? [] : [...previous.output.getTailLines(), ...previous.exitLine];
      return keepLastLines([...earlierOutput, ...before, ...output.getTailLines()], Math.min(count, 2 * outputTailLines), outputTailBytes);
    },
    reloadConfig,
    getConfig: () => config,
    setStatusSection(name, value, isRoutine = false) {
      sections = { ...sections, [name]: value };
      if (isRoutine) statusWriter.writeRoutine();
      else statusWriter.write();
      for (const listener of sectionListeners) listener(name, isRoutine);
    },
    getStatusSection(name) {
      return sections[name];
    },
    onSectionChange(listener) {
      sectionListeners.push(listener);
    },
    setGatewayStarted(isStarted) {
      dispatch({ type: 'startup-reported', atMs: deps.nowMs(), isStarted });
    },
    setDegradation(source, reasons) {
      dispatch({ type: 'degradation-reported', atMs: deps.nowMs(), source, reasons });
    },
    onStateChange(listener) {
      listeners.push(listener);
    },
    onGatewayLine(listener, mustContain) {
      lineListeners.push(listener);
      if (mustContain !== undefined) watchedTexts.push(mustContain);
    },
    onConfigReloaded(listener) {
      reloadListeners.push(listener);
    },
    keepStatusDirFiles() {
      deps.keepGatewayFiles(config.status.dir, gatewayMark, gatewayRecord);
    },
  };
}
