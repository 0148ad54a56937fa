/** The node's modes, as the public contract names them (shared/CONTRACT.md). */
export const MODES = ['starting', 'healthy', 'degraded', 'backoff', 'diagnose', 'held', 'stopping', 'stopped'] as const;
export type Mode = (typeof MODES)[number];

export const EXIT_CLASSES = ['clean', 'requested', 'transient', 'structural'] as const;
export type ExitClass = (typeof EXIT_CLASSES)[number];

/** How a gateway ended: flat facts, never an exception. */
export interface ExitRecord {
  code: number | null;
  signal: string | null;
  uptimeMs: number;
  class: ExitClass;
  reason: string;
  evidence: string[];
  at: string;
}

export type DiagnoseTrigger = 'structural' | 'failure-limit' | 'fresh-attempt-failed';

export interface Diagnosis {
  reason: string;
  class: ExitClass;
  trigger: DiagnoseTrigger;
  failuresInWindow: number;
  since: string;
  evidence: string[];
  hint: string;
  lastExit: ExitRecord | null;
  /** The gateway command as resolved when the diagnosis was written (added by the shell, which looks on disk). */
  command?: { argv: string[]; resolvedPath: string | null; exists: boolean };
  /** clawsupd's own config file checked again when the diagnosis was written. */
  configCheck?: { ok: boolean; errors: string[] };
}
