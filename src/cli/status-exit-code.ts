/** `clawctl status` exit codes, the monitoring-plugin convention (shared/CONTRACT.md). */
export const STATUS_EXIT = { ok: 0, warning: 1, critical: 2, unknown: 3 } as const;

const BY_MODE: Readonly<Record<string, number>> = {
  healthy: STATUS_EXIT.ok,
  degraded: STATUS_EXIT.warning,
  starting: STATUS_EXIT.warning,
  backoff: STATUS_EXIT.warning,
  held: STATUS_EXIT.warning,
  stopping: STATUS_EXIT.warning,
  diagnose: STATUS_EXIT.critical,
  stopped: STATUS_EXIT.critical,
};

export function exitCodeForMode(mode: unknown): number {
  return typeof mode === 'string' ? (BY_MODE[mode] ?? STATUS_EXIT.unknown) : STATUS_EXIT.unknown;
}
