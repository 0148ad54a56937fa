import type { Logger } from './logger.js';
import type { ClawsupConfig } from '../config/schema.js';
import type { LivenessBoard } from './liveness-board.js';
import type { Supervisor } from './supervisor.js';
import type { EventSink } from '../events/event-sink.js';

export interface DaemonContext {
  supervisor: Supervisor;
  /** The config at start-up; `supervisor.getConfig()` has the current one after a reload. */
  config: ClawsupConfig;
  configPath: string;
  log: Logger;
  env: NodeJS.ProcessEnv;
  /** A component with a loop of its own registers here and beats; the systemd watchdog stops pinging when one goes silent. */
  liveness: LivenessBoard;
  /** The event journal (status.dir/events.ndjson): `events.append(type, fields)` records what a part saw happen. */
  events: EventSink;
  /** After each reload that was applied (SIGHUP), with the new config: a part that keeps state from it looks again at once. */
  onConfigReloaded(listener: ConfigReloadListener): void;
}

export type ConfigReloadListener = (config: ClawsupConfig) => void;

/** A part of the daemon beside the core loop (probes, control socket, systemd notify): attached before the gateway starts. */
export interface DaemonPart {
  name: string;
  attach(context: DaemonContext): Promise<Detach> | Detach;
}

export interface Detach {
  detach(): Promise<void> | void;
}
