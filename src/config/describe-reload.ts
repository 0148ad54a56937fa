import type { ClawsupConfig } from './schema.js';

/** What a reload changed that does not apply at once: the running gateway or clawsupd keeps the old value until restarted. */
export interface ReloadDescription {
  /** Keys (`gateway.command`) the next gateway start uses: the running gateway was started with the old values. */
  atNextGatewayStart: string[];
  /** Keys only a clawsupd restart applies. */
  atNextDaemonStart: string[];
}

// Read when the gateway is spawned (src/daemon/supervisor.ts spawn and createCapture).
const AT_GATEWAY_START = [
  'gateway.command',
  'gateway.env',
  'gateway.cwd',
  'gateway.outputTailLines',
  'gateway.outputTailBytes',
  'log.gatewayLinesPerWindow',
  'log.gatewayWindowMs',
] as const;

// Read once at clawsupd's start: the status writer, the control socket, the logger, the probes and systemd parts.
const AT_DAEMON_START = [
  'status.dir',
  'status.routineWriteIntervalMs',
  'control.socket',
  'control.group',
  'control.maxClients',
  'control.requestTimeoutMs',
  'health.enabled',
  'log.level',
  'log.file',
  'systemd.startExtensionMs',
  'systemd.notifyTimeoutMs',
] as const;

/** The keys whose change a reload from `previous` to `next` leaves for later, in the order above. Pure. */
export function describeReload(previous: ClawsupConfig, next: ClawsupConfig): ReloadDescription {
  const isChanged = (key: string): boolean => canonical(valueAt(previous, key)) !== canonical(valueAt(next, key));
  return { atNextGatewayStart: AT_GATEWAY_START.filter(isChanged), atNextDaemonStart: AT_DAEMON_START.filter(isChanged) };
}

function valueAt(config: ClawsupConfig, key: string): unknown {
  const [section, field] = key.split('.') as [string, string];
  return ((config as unknown as Record<string, Record<string, unknown> | undefined>)[section] ?? {})[field];
}

// The env's key order is not a change: objects compare with their keys sorted.
function canonical(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
