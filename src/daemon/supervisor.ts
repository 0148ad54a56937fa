import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { writeJsonAtomic } from '../status/atomic-file.js';
import { buildGatewayEnv } from '../gateway/gateway-env.js';
import { spawnGateway } from '../gateway/gateway-process.js';
import { forgetGateway, recordGateway } from '../gateway/gateway-record.js';
import { GATEWAY_MARKER_VARIABLE, keepGatewayMark, readOrCreateGatewayMark } from '../gateway/marked-processes.js';
import { createInputWatcher, type InputWatcher } from './input-watcher.js';
import { createOutputCapture, type OutputCapture } from '../gateway/output-capture.js';
import type { Logger } from './logger.js';
import { readOpenclawSecrets } from '../gateway/openclaw-token.js';
import { resolveCommand } from '../gateway/resolve-command.js';
import { createStatusWriter, type StatusWriter } from '../status/status-writer.js';
import { loadConfig } from '../config/load-config.js';
import type { ClawsupConfig } from '../config/schema.js';
import { findSecretSpans, orderKnownSecrets, redactArgv, redactSecrets, SECRET_NAME } from '../gateway/redact.js';
import { buildStatusSnapshot, type DaemonFacts } from '../status/status-snapshot.js';
import {
  createInitialState,
  type SupervisorEffect,
  type SupervisorEvent,
  type SupervisorPolicy,
  type SupervisorState,
  type TimerName,
} from '../supervisor/supervisor-state.js';
import { transition } from '../supervisor/transition.js';
import type { Diagnosis } from '../supervisor/modes.js';
import { describeError } from '../describe-error.js';
import type { DiagnosisRecord, StatusSnapshot } from '../status/status-schema.js';
import { CLAWSUP_VERSION } from '../version.js';

export interface SupervisorOptions {
  config: ClawsupConfig;
  configPath: string;
  log: Logger;
  /** The daemon's environment, from which the gateway's is built. */
  env: NodeJS.ProcessEnv;
}

export interface Supervisor {
  /** Starts the gateway; resolves with clawsupd's exit code once it has stopped. */
  run(): Promise<number>;
  dispatch(event: SupervisorEvent): void;
  getState(): SupervisorState;
  getStatus(): StatusSnapshot;
  getOutputLines(count: number): string[];
  reloadConfig(): { ok: true } | { ok: false; error: string };
  getConfig(): ClawsupConfig;
  /** Lets other components (probes, skills) put their view into status.json. */
  /** `isRoutine`: only timings changed (a probe answered as before), so status.json may take it a little later. */
  setStatusSection(name: string, value: unknown, isRoutine?: boolean): void;
  /** The startup probe's verdict on the current gateway (without probes, a spawned gateway counts as started). */
  setGatewayStarted(isStarted: boolean): void;
  /** Why `source` (a probe, the skills) finds the node degraded; an empty list clears it. */
  setDegradation(source: string, reasons: readonly string[]): void;
  /** Switches between "healthy once spawned" and "starting until the startup probe passes". */
  setHasStartupProbe(hasStartupProbe: boolean): void;
  onStateChange(listener: (state: SupervisorState, previous: SupervisorState) => void): void;
  /**
   * Each line the gateway writes (already redacted), for probes that read its log (the Slack socket's lines). Past the
   * output budget (a flood) only lines containing `mustContain` are passed on, found by a cheap byte search.
   */
  onGatewayLine(listener: GatewayLineListener, mustContain?: string): void;
}

export type GatewayLineListener = (line: string, stream: 'stdout' | 'stderr', atMs: number) => void;

export function toPolicy(config: ClawsupConfig, hasStartupProbe: boolean): SupervisorPolicy {
  return {
    ...config.restart,
    stopTimeoutMs: config.gateway.stopTimeoutMs,
    hangKillTimeoutMs: config.health.hangKillTimeoutMs,
    hasStartupProbe,
  };
}

export function createSupervisor(options: SupervisorOptions): Supervisor {
  const { configPath, log } = options;
  let config = options.config;
  let policy = toPolicy(config, false);
  const gatewayLog = log.child({ component: 'gateway' });
  const daemon: DaemonFacts = { pid: process.pid, version: CLAWSUP_VERSION, startedAt: new Date().toISOString(), host: hostname() };
  let state = createInitialState(Date.now());
  let gateway: ReturnType<typeof spawnGateway> | null = null;
  let enrichedDiagnosis: DiagnosisRecord | null = null;
  let output: OutputCapture = createCapture();
  let earlierOutput: string[] = [];
  const gatewayMark = readOrCreateGatewayMark(config.status.dir);
  const statusSections = new Map<string, unknown>();
  const timers = new Map<TimerName, NodeJS.Timeout>();
  const listeners: Array<(state: SupervisorState, previous: SupervisorState) => void> = [];
  const lineListeners: GatewayLineListener[] = [];
  const watchedTexts: string[] = [];
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => {
    finish = resolve;
  });
  const statusWriter: StatusWriter = createWriter();
  let watcher: InputWatcher | null = null;
  let knownSecrets = collectSecrets(config, options.env);
  let isGatewayStarted = false;
  let changedWhileFailing: string | null = null;
  const degradations = new Map<string, readonly string[]>();

  function createWriter(): StatusWriter {
    return createStatusWriter(
      join(config.status.dir, 'status.json'),
      getStatus,
      (error) => log.error({ err: describeError(error), statusDir: config.status.dir }, 'cannot write status.json'),
      config.status.routineWriteIntervalMs,
    );
  }

  function createCapture(): OutputCapture {
    return createOutputCapture({
      maxTailLines: config.gateway.outputTailLines,
      maxTailChars: config.gateway.outputTailBytes,
      linesPerWindow: config.log.gatewayLinesPerWindow,
      windowMs: config.log.gatewayWindowMs,
      redact: (line) => redactSecrets(line, knownSecrets),
      findSecretSpans: (text) => findSecretSpans(text, knownSecrets),
      logLine: (stream, line) => gatewayLog.info({ stream, line }, 'gateway output'),
      onLine: (stream, line) => {
        for (const listener of lineListeners) listener(line, stream, Date.now());
      },
      watchFor: () => watchedTexts,
      logSuppressing: (stream, linesPerWindow, windowMs) =>
        gatewayLog.warn({ stream, linesPerWindow, windowMs }, 'gateway output over budget: not logging it until the window ends'),
      logSuppressed: (stream, suppressedBytes) => gatewayLog.warn({ stream, suppressedBytes }, 'gateway output suppressed'),
      nowMs: Date.now,
    });
  }

  function getStatus(): StatusSnapshot {
    const snapshot = buildStatusSnapshot(state, daemon, Date.now(), enrichedDiagnosis) as StatusSnapshot;
    return statusSections.size === 0 ? snapshot : { ...snapshot, ...Object.fromEntries(statusSections) };
  }

  function dispatch(event: SupervisorEvent): void {
    const previous = state;
    const result = transition(state, event, policy);
    state = result.state;
    for (const effect of result.effects) carryOut(effect);
    if (state !== previous) {
      if (state.diagnosis === null) enrichedDiagnosis = null;
      statusWriter.write();
      for (const listener of listeners) listener(state, previous);
      onModeChange(previous);
    }
  }

  function carryOut(effect: SupervisorEffect): void {
    switch (effect.type) {
      case 'spawn-gateway':
        isGatewayStarted = !policy.hasStartupProbe;
        return startGateway();
      case 'signal-gateway':
        return gateway?.signal(effect.signal);
      case 'set-timer': {
        clearTimeout(timers.get(effect.timer));
        const { timer, seq } = effect;
        timers.set(timer, setTimeout(() => dispatch({ type: 'timer-fired', atMs: Date.now(), timer, seq }), effect.delayMs));
        return;
      }
      case 'clear-timer':
        clearTimeout(timers.get(effect.timer));
        timers.delete(effect.timer);
        return;
      case 'write-diagnosis':
        return writeDiagnosis(effect.diagnosis);
      case 'log':
        return log[effect.level](effect.fields, effect.message);
      case 'exit-daemon':
        return shutDownDaemon(effect.code);
    }
  }

  function reportHealth(): void {
    const degradedReasons = [...degradations.values()].flat();
    dispatch({ type: 'health-reported', atMs: Date.now(), verdict: { isStarted: isGatewayStarted, degradedReasons } });
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

  function startGateway(): void {
    earlierOutput = [...earlierOutput, ...output.getTailLines(), ...describeLastExit()].slice(-config.gateway.outputTailLines);
    output = createCapture();
    safely(() => keepGatewayMark(config.status.dir, gatewayMark), 'cannot write the gateway mark');
    const env = { ...buildGatewayEnv(options.env, config.gateway.env), [GATEWAY_MARKER_VARIABLE]: gatewayMark };
    const command = config.gateway.command;
    const handle = spawnGateway(
      { command, cwd: gatewayCwd(), env },
      {
        onSpawned: (pid, resolvedPath) => {
          safely(() => recordGateway(config.status.dir, pid, redactArgv([resolvedPath, ...command.slice(1)], knownSecrets)), 'cannot record the gateway pid');
          dispatch({ type: 'gateway-spawned', atMs: Date.now(), pid });
          reportHealth();
        },
        onSpawnFailed: (errorCode, message) => {
          gateway = null;
          dispatch({ type: 'gateway-spawn-failed', atMs: Date.now(), errorCode, message });
        },
        onOutput: (stream, chunk) => output.push(stream, chunk),
        onExit: (code, signal) => {
          gateway = null;
          safely(() => forgetGateway(config.status.dir), 'cannot remove the gateway pid record');
          output.finish();
          dispatch({ type: 'gateway-exited', atMs: Date.now(), code, signal, outputTail: [...output.getTailLines()] });
        },
      },
    );
    gateway = handle;
    // After the spawn, off the restart's path: the keys in OpenClaw's config may have changed since the last start.
    knownSecrets = collectSecrets(config, options.env);
    watchInputs();
  }

  function watchInputs(): void {
    const paths = [configPath];
    if (config.gateway.openclawConfigPath) paths.push(config.gateway.openclawConfigPath);
    const [command] = config.gateway.command;
    if (command) {
      const resolved = resolveCommand(command, gatewayCwd(), buildGatewayEnv(options.env, config.gateway.env).PATH);
      if (resolved.path) paths.push(resolved.path);
    }
    watcher?.setPaths(paths);
  }

  function onModeChange(previous: SupervisorState): void {
    const lastExit = state.gateway.lastExit;
    // A gateway that ran stably since the change has had its chance with it.
    if (lastExit !== previous.gateway.lastExit && lastExit !== null && lastExit.uptimeMs >= config.restart.stableAfterMs) changedWhileFailing = null;
    if (state.mode === previous.mode) return;
    if (state.mode === 'diagnose' && changedWhileFailing !== null) {
      const path = changedWhileFailing;
      changedWhileFailing = null;
      queueMicrotask(() => onInputChanged(path));
    }
  }

  function onInputChanged(path: string): void {
    if (state.mode !== 'diagnose') {
      // A fix made while the last attempts still fail is kept for the moment diagnose mode begins.
      changedWhileFailing = path;
      return;
    }
    if (path === configPath) {
      const reloaded = reloadConfig();
      // An invalid edit is not the fix: stay in diagnose until the file is valid again.
      if (!reloaded.ok) return;
    }
    dispatch({ type: 'inputs-changed', atMs: Date.now(), path });
  }

  function writeDiagnosis(diagnosis: Diagnosis): void {
    const [argv0 = ''] = config.gateway.command;
    const resolved = resolveCommand(argv0, gatewayCwd(), buildGatewayEnv(options.env, config.gateway.env).PATH);
    enrichedDiagnosis = {
      ...(diagnosis as DiagnosisRecord),
      command: { argv: redactArgv(config.gateway.command, knownSecrets), resolvedPath: resolved.path, exists: resolved.ok },
      configCheck: checkConfigFile(),
    };
    safely(() => writeJsonAtomic(join(config.status.dir, 'diagnosis.json'), enrichedDiagnosis), 'cannot write diagnosis.json');
  }

  function checkConfigFile(): { ok: boolean; errors: string[] } {
    try {
      loadConfig(configPath);
      return { ok: true, errors: [] };
    } catch (error) {
      return { ok: false, errors: (error as Error).message.split('\n') };
    }
  }

  function reloadConfig(): { ok: true } | { ok: false; error: string } {
    try {
      const next = loadConfig(configPath).config;
      if (next.status.dir !== config.status.dir || next.control.socket !== config.control.socket) {
        log.warn({ statusDir: next.status.dir, socket: next.control.socket }, 'status.dir and control.socket changes take effect when clawsupd restarts');
        next.status = config.status;
        next.control = config.control;
      }
      config = next;
      policy = toPolicy(config, policy.hasStartupProbe);
      knownSecrets = collectSecrets(config, options.env);
      log.info({ configPath }, 'config reloaded');
      return { ok: true };
    } catch (error) {
      const message = (error as Error).message;
      log.error({ configPath, errors: message.split('\n') }, 'config reload refused: keeping the running config');
      return { ok: false, error: message };
    }
  }

  function shutDownDaemon(code: number): void {
    for (const timer of timers.values()) clearTimeout(timer);
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
      watcher = createInputWatcher(onInputChanged);
      dispatch({ type: 'daemon-started', atMs: Date.now() });
      return finished;
    },
    dispatch,
    getState: () => state,
    getStatus,
    // Output of earlier gateways stays readable after a restart: it is what explains the restart.
    getOutputLines: (count) => [...earlierOutput, ...output.getTailLines()].slice(-count),
    reloadConfig,
    getConfig: () => config,
    setStatusSection(name, value, isRoutine = false) {
      statusSections.set(name, value);
      if (isRoutine) statusWriter.writeRoutine();
      else statusWriter.write();
    },
    setGatewayStarted(isStarted) {
      if (isStarted === isGatewayStarted) return;
      isGatewayStarted = isStarted;
      reportHealth();
    },
    setDegradation(source, reasons) {
      const previous = degradations.get(source) ?? [];
      if (previous.length === reasons.length && previous.every((reason, i) => reason === reasons[i])) return;
      if (reasons.length === 0) degradations.delete(source);
      else degradations.set(source, [...reasons]);
      reportHealth();
    },
    setHasStartupProbe(hasStartupProbe) {
      policy = toPolicy(config, hasStartupProbe);
    },
    onStateChange(listener) {
      listeners.push(listener);
    },
    onGatewayLine(listener, mustContain) {
      lineListeners.push(listener);
      if (mustContain !== undefined) watchedTexts.push(mustContain);
    },
  };
}

function collectSecrets(config: ClawsupConfig, env: NodeJS.ProcessEnv): string[] {
  const merged: Record<string, string | undefined> = { ...env, ...config.gateway.env };
  const fromEnv = Object.entries(merged)
    .filter(([key, value]) => SECRET_NAME.test(key) && typeof value === 'string')
    .map(([, value]) => value as string);
  // OpenClaw's own config holds the gateway token and the channel and provider keys: all hidden, however printed.
  return orderKnownSecrets([...fromEnv, ...readOpenclawSecrets(config, env)]);
}
