import type { ExitClass } from './modes.js';

export interface ExitFacts {
  code: number | null;
  signal: string | null;
  uptimeMs: number;
  /** clawsupd asked the gateway to stop (shutdown, restart, hold), so its end is expected. */
  isStopRequested: boolean;
  /** clawsupd killed it because probes found it hung or never started. */
  killedForReason?: 'hang' | 'start-timeout' | null;
  /** What the probes saw when they had it killed. */
  killEvidence?: readonly string[];
  /** errno code when the process could not be spawned at all (ENOENT, EACCES). */
  spawnErrorCode?: string | null;
  /** The last lines the gateway wrote (stderr and stdout), oldest first. */
  outputTail: readonly string[];
  /** Below this uptime an unrequested exit 0 is a crash loop in disguise. */
  minUptimeMs: number;
}

export interface ExitVerdict {
  class: ExitClass;
  reason: string;
  evidence: string[];
}

interface StructuralPattern {
  reason: string;
  pattern: RegExp;
}

// Order matters: the first pattern found in the tail wins.
const STRUCTURAL_PATTERNS: readonly StructuralPattern[] = [
  { reason: 'module-not-found', pattern: /ERR_MODULE_NOT_FOUND|Cannot find module|Cannot find package/ },
  { reason: 'unsupported-runtime', pattern: /requires Node(\.js)?\s*(version\s*)?[><=]|node:sqlite is unavailable|Unsupported engine|node: bad option/i },
  {
    reason: 'duplicate-gateway',
    // The lock, the port, or (seen from openclaw 2026.9.6, exit 78) the state database held by another gateway.
    pattern:
      /gateway already running|another gateway instance is already listening|another OpenClaw process owns|StateDatabaseCoordinatorContentionError|EADDRINUSE|address already in use/i,
  },
  { reason: 'permission-denied', pattern: /\bEACCES\b|permission denied/i },
  // openclaw's generic "cannot open my state" code: contention when nothing above (a permission error) explains it.
  { reason: 'duplicate-gateway', pattern: /gateway\.maintenance_required/ },
  { reason: 'config-invalid', pattern: /Missing config\. Run openclaw setup|Invalid config|config (is )?invalid/i },
];

const EVIDENCE_LINE_LIMIT = 20;

const DYING_WORDS_LINES = 30;

const EX_CONFIG = 78;

/** Decides what an exit means from what the process did and said on its way out. */
export function classifyExit(facts: ExitFacts): ExitVerdict {
  const tail = facts.outputTail;
  if (facts.spawnErrorCode) return classifySpawnError(facts.spawnErrorCode, tail);
  if (facts.killedForReason) {
    const evidence = [...(facts.killEvidence ?? []), ...lastLines(tail)].slice(0, EVIDENCE_LINE_LIMIT);
    return { class: 'transient', reason: facts.killedForReason, evidence };
  }
  if (facts.isStopRequested) return { class: 'clean', reason: 'stopped', evidence: [] };

  // A signal nobody at clawsupd sent (the OOM killer) says nothing about what the gateway printed hours ago.
  if (facts.signal) return { class: 'transient', reason: 'killed', evidence: [`killed by ${facts.signal}`, ...lastLines(tail)] };
  // Only the lines the gateway wrote on its way out speak for the exit, not a harmless warning from long before.
  const structural = facts.code === 0 ? null : findStructural(tail.slice(-DYING_WORDS_LINES));
  // Exit 78 is EX_CONFIG, unless the gateway said another reason (a second gateway also exits 78).
  if (facts.code === EX_CONFIG && (structural === null || structural.reason === 'config-invalid')) {
    return { class: 'structural', reason: 'config-invalid', evidence: evidenceFor(/config/i, tail) };
  }
  if (structural) return structural;

  if (facts.code === 0) {
    if (facts.uptimeMs < facts.minUptimeMs) {
      return { class: 'transient', reason: 'early-exit', evidence: lastLines(tail) };
    }
    return { class: 'requested', reason: 'restart-requested', evidence: [] };
  }
  return { class: 'transient', reason: classifyCrashReason(tail), evidence: lastLines(tail) };
}

/** The spawn failed for lack of a resource of clawsupd's or the system's: retried with backoff, never counted toward diagnose. */
export const SPAWN_RESOURCES_REASON = 'spawn-resources';

// errno of a spawn that failed because clawsupd or the system ran short, not because of the gateway.
const RESOURCE_ERRNOS: Readonly<Record<string, string>> = {
  EMFILE: 'clawsupd has no file descriptor left (its RLIMIT_NOFILE)',
  ENFILE: 'the system has no file descriptor left',
  EAGAIN: 'no process could be made (RLIMIT_NPROC, pids.max or kernel.pid_max)',
  ENOMEM: 'not enough memory to make a process',
};

/** True for an end that says nothing about the gateway: clawsupd could not start it for want of a resource. */
export function isResourceShortage(exit: { reason: string }): boolean {
  return exit.reason === SPAWN_RESOURCES_REASON;
}

function classifySpawnError(errno: string, tail: readonly string[]): ExitVerdict {
  if (errno === 'ENOENT') return { class: 'structural', reason: 'command-not-found', evidence: lastLines(tail) };
  if (errno === 'EACCES' || errno === 'EPERM') {
    return { class: 'structural', reason: 'permission-denied', evidence: lastLines(tail) };
  }
  const shortage = RESOURCE_ERRNOS[errno];
  if (shortage !== undefined) {
    const evidence = [`spawn failed: ${errno}: ${shortage}; not the gateway's failure`, ...lastLines(tail)].slice(0, EVIDENCE_LINE_LIMIT);
    return { class: 'transient', reason: SPAWN_RESOURCES_REASON, evidence };
  }
  return { class: 'transient', reason: 'spawn-failed', evidence: [`spawn failed: ${errno}`, ...lastLines(tail)].slice(0, EVIDENCE_LINE_LIMIT) };
}

function findStructural(tail: readonly string[]): ExitVerdict | null {
  for (const { reason, pattern } of STRUCTURAL_PATTERNS) {
    if (tail.some((line) => pattern.test(line))) {
      return { class: 'structural', reason, evidence: evidenceFor(pattern, tail) };
    }
  }
  return null;
}

function classifyCrashReason(tail: readonly string[]): string {
  if (tail.some((line) => /heap out of memory|Allocation failed/i.test(line))) return 'out-of-memory';
  return 'crash';
}

/** The matching lines first, then the lines that led up to the exit. */
function evidenceFor(pattern: RegExp, tail: readonly string[]): string[] {
  const matching = tail.filter((line) => pattern.test(line)).slice(0, 5);
  const rest = lastLines(tail).filter((line) => !matching.includes(line));
  return [...matching, ...rest].slice(0, EVIDENCE_LINE_LIMIT);
}

function lastLines(tail: readonly string[]): string[] {
  return tail.slice(-EVIDENCE_LINE_LIMIT);
}
