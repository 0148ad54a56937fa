import type { CronStatus } from './cron-state-file.js';

/** What the control socket may ask of the cron part; the part registers itself while attached. Tiny, so the socket loads no Redis client. */
export interface CronControl {
  getStatus(): CronStatus;
  /** Turns cron off, drops the lease and holds off for one lease so another node takes it. */
  stepDown(): Promise<{ wasLeader: boolean; term: number | null }>;
}

let current: CronControl | null = null;

export function setCronControl(control: CronControl | null): void {
  current = control;
}

/** null when cron.leader is off on this node. */
export function getCronControl(): CronControl | null {
  return current;
}
