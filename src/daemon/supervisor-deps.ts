import { hostname } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/load-config.js';
import type { ClawsupConfig } from '../config/schema.js';
import { spawnGateway, type GatewayCallbacks, type GatewaySpawnOptions } from '../gateway/gateway-process.js';
import { forgetGateway, keepGatewayFiles, recordGateway, type GatewayRecord } from '../gateway/gateway-record.js';
import { readOpenclawSecrets } from '../gateway/openclaw-token.js';
import { keepGatewayMark, readOrCreateGatewayMark } from '../gateway/marked-processes.js';
import { resolveCommand, type ResolvedCommand } from '../gateway/resolve-command.js';
import { writeJsonAtomic } from '../status/atomic-file.js';
import type { EvidenceFileOptions } from '../status/evidence-files.js';
import { DIAGNOSIS_FILE, STATUS_FILE } from '../status/status-files.js';
import { createStatusWriter, type StatusWriter } from '../status/status-writer.js';
import { createInputWatcher, type InputWatcher } from './input-watcher.js';

export interface GatewayHandle {
  pid: number | null;
  signal(signal: NodeJS.Signals): void;
}

/** Everything the supervisor shell does to the world, so it can run against fakes in unit tests. */
export interface SupervisorDeps {
  nowMs(): number;
  setTimer(callback: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
  hostname(): string;
  pid: number;
  spawnGateway(options: GatewaySpawnOptions, callbacks: GatewayCallbacks): GatewayHandle;
  resolveCommand(command: string, cwd: string, pathVariable: string | undefined): ResolvedCommand;
  /** Throws a located ClawsupError for an invalid file. */
  loadConfig(configPath: string): ClawsupConfig;
  readOpenclawSecrets(config: ClawsupConfig, env: NodeJS.ProcessEnv): string[];
  createStatusWriter(
    statusDir: string,
    takeSnapshot: () => unknown,
    onError: (error: NodeJS.ErrnoException) => void,
    routineIntervalMs: number,
    fileOptions: EvidenceFileOptions,
  ): StatusWriter;
  createInputWatcher(onChange: (path: string, changedAtMs: number) => void): InputWatcher;
  readOrCreateGatewayMark(statusDir: string): string;
  keepGatewayMark(statusDir: string, mark: string): void;
  recordGateway(statusDir: string, pid: number, argv: string[]): GatewayRecord | null;
  forgetGateway(statusDir: string): void;
  /** Puts the mark and the gateway record back where the status dir was removed under the daemon. */
  keepGatewayFiles(statusDir: string, mark: string, record: GatewayRecord | null): void;
  writeDiagnosis(statusDir: string, diagnosis: unknown, fileOptions: EvidenceFileOptions): void;
}

export const REAL_SUPERVISOR_DEPS: SupervisorDeps = {
  nowMs: () => Date.now(),
  setTimer: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
  hostname: () => hostname(),
  pid: process.pid,
  spawnGateway,
  resolveCommand,
  loadConfig: (configPath) => loadConfig(configPath).config,
  readOpenclawSecrets,
  createStatusWriter: (statusDir, takeSnapshot, onError, routineIntervalMs, fileOptions) =>
    createStatusWriter(join(statusDir, STATUS_FILE), takeSnapshot, onError, routineIntervalMs, fileOptions),
  createInputWatcher,
  readOrCreateGatewayMark,
  keepGatewayMark,
  recordGateway,
  forgetGateway,
  keepGatewayFiles,
  writeDiagnosis: (statusDir, diagnosis, fileOptions) => writeJsonAtomic(join(statusDir, DIAGNOSIS_FILE), diagnosis, fileOptions),
};
