import { z } from 'zod';
import { EXIT_CLASSES, MODES } from '../supervisor/modes.js';
import { SLACK_STATES } from '../probes/slack/slack-verdict.js';

/** status.json, as operators' scripts read it; `clawctl status --json` prints the same object. */
export const exitRecordSchema = z.object({
  code: z.number().int().nullable(),
  signal: z.string().nullable(),
  uptimeMs: z.number().nonnegative(),
  class: z.enum(EXIT_CLASSES),
  reason: z.string(),
  evidence: z.array(z.string()),
  at: z.string(),
});

export const diagnosisSchema = z.object({
  reason: z.string(),
  class: z.enum(EXIT_CLASSES),
  trigger: z.string(),
  since: z.string(),
  evidence: z.array(z.string()),
  hint: z.string(),
  failuresInWindow: z.number().int(),
  lastExit: exitRecordSchema.nullable(),
  command: z.object({ argv: z.array(z.string()), resolvedPath: z.string().nullable(), exists: z.boolean() }).optional(),
  configCheck: z.object({ ok: z.boolean(), errors: z.array(z.string()) }).optional(),
});

/** One probe's last word (`probes.health`, `.startup`, `.ready`, `.slack`). */
export const probeReportSchema = z.object({
  ok: z.boolean(),
  state: z.string(),
  latencyMs: z.number().nonnegative().nullable(),
  checkedAt: z.string().nullable(),
  consecutiveFailures: z.number().int().nonnegative(),
  detail: z.string().nullable(),
});

export const probesSchema = z.object({
  health: probeReportSchema.extend({ state: z.enum(['pending', 'starting', 'grace', 'live', 'failing', 'hung', 'port-held-by-another-process', 'probe-misconfigured', 'not-listening', 'down']) }),
  startup: probeReportSchema.extend({ state: z.enum(['pending', 'starting', 'started', 'timed-out', 'down']) }),
  ready: probeReportSchema.extend({ state: z.enum(['pending', 'starting', 'waiting', 'ready', 'not-ready', 'unreachable', 'port-held-by-another-process', 'down']) }),
  slack: probeReportSchema.extend({ state: z.enum(SLACK_STATES) }),
});

/** From a failure's detection to healthy again; times in ISO 8601 UTC. */
export const recoverySchema = z.object({
  lastDownAt: z.string().nullable(),
  lastHealthyAt: z.string().nullable(),
  lastRecoveryMs: z.number().int().nonnegative().nullable(),
});

/** One skill under `skills` (src/core/skill-verdict.ts makes it). */
export const skillViewSchema = z.object({
  state: z.enum(['ok', 'running', 'failing', 'stale', 'unknown']),
  status: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  maxAgeMs: z.number().int().nullable(),
  staleAt: z.string().nullable(),
  exitCode: z.number().int().nullable(),
  message: z.string().nullable(),
  host: z.string().nullable(),
});

/** What the supervisor's own state gives every status.json (src/status/status-snapshot.ts packs it). */
export const coreStatusSchema = z.object({
  schemaVersion: z.literal(1),
  mode: z.enum(MODES),
  since: z.string(),
  reasons: z.array(z.string()),
  updatedAt: z.string(),
  gateway: z.object({
    pid: z.number().int().nullable(),
    startedAt: z.string().nullable(),
    /** Every start after the first, whatever ended the one before (a crash, a probe, `clawctl restart`). */
    restarts: z.number().int().nonnegative(),
    lastExit: exitRecordSchema.nullable(),
    /** In backoff: when the next attempt comes; null otherwise. */
    nextAttemptAt: z.string().nullable(),
    /** Failures within restart.failureWindowMs, and how many of them end in diagnose mode. */
    failuresInWindow: z.number().int().nonnegative(),
    failureLimit: z.number().int().positive(),
  }),
  diagnosis: diagnosisSchema.nullable(),
  daemon: z.object({ pid: z.number().int(), version: z.string(), startedAt: z.string(), host: z.string() }),
});

/**
 * The sections parts of the daemon contribute beside the core (src/status/status-sections.ts), each present once its
 * part has spoken. A new section is declared here, and only a declared section can be set.
 */
export const statusSectionSchemas = {
  /** Present when `health.enabled` (the default). */
  probes: probesSchema,
  recovery: recoverySchema,
  /** Every configured skill and every skill with a file, once the skills part has looked. */
  skills: z.record(z.string(), skillViewSchema),
  /** The daemon's own log: lines dropped because the log file could not be written (a full disk), and why. */
  log: z.object({ droppedLines: z.number().int().nonnegative(), lastError: z.string().nullable(), isFailing: z.boolean() }),
  /** The event journal (status.dir/events.ndjson): events dropped because it could not be written (a full disk), and why. */
  events: z.object({ droppedEvents: z.number().int().nonnegative(), lastError: z.string().nullable(), isFailing: z.boolean() }),
  /** The last capability audit: counts by result, what the baseline had and the latest lacks. */
  audit: z.object({
    lastRunAt: z.string(),
    durationMs: z.number().int().nonnegative(),
    counts: z.object({
      ok: z.number().int().nonnegative(),
      failed: z.number().int().nonnegative(),
      unverified: z.number().int().nonnegative(),
      timeout: z.number().int().nonnegative(),
    }),
    lost: z.array(z.string()),
    baselineAt: z.string().nullable(),
    isBaselineSaved: z.boolean(),
  }),
  /** The gateway's own config (openclaw.json) as clawsup's apply gate knows it: the last apply and drift. */
  gatewayConfig: z.object({
    liveConfigPath: z.string().nullable(),
    isApplying: z.boolean(),
    lastApply: z
      .object({
        id: z.string(),
        at: z.string(),
        kind: z.enum(['apply', 'rollback']),
        outcome: z.enum(['applied', 'refused', 'rolled-back', 'rollback-failed', 'dry-run']),
        reason: z.string().nullable(),
      })
      .nullable(),
    drift: z.object({
      isDrifted: z.boolean(),
      checkedAt: z.string().nullable(),
      appliedHash: z.string().nullable(),
      liveHash: z.string().nullable(),
      detail: z.string().nullable(),
      writer: z.enum(['gateway', 'outside']).nullable(),
    }),
  }),
  /** The cron leader (cron.leader.enabled): this node's role, the holder, its term (the fencing token), the lease. */
  cron: z.object({
    role: z.enum(['leader', 'follower', 'no-quorum']),
    term: z.number().int().nullable(),
    holder: z.object({ node: z.string(), pid: z.number().int(), term: z.number().int(), acquiredAt: z.string() }).nullable(),
    leaseExpiresAt: z.string().nullable(),
    lastError: z.string().nullable(),
    isCronOn: z.boolean(),
    highestTermSeen: z.number().int(),
    node: z.string(),
    /** This gateway's jobs; isSameAsLeader compares them with those the current leader published (null: not known yet). */
    jobs: z
      .object({ count: z.number().int(), definitionsHash: z.string(), checkedAt: z.string(), leaderDefinitionsHash: z.string().nullable(), isSameAsLeader: z.boolean().nullable() })
      .nullable(),
    jobsError: z.string().nullable(),
    /** New leaders this node has seen or been since clawsupd started; renewals of its own lease that failed. */
    leadershipChanges: z.number().int().nonnegative(),
    renewFailures: z.number().int().nonnegative(),
    updatedAt: z.string(),
  }),
  /** Alerts (alerts.webhooks or alerts.alertmanager): what fires now, the outbox, each target's last delivery; never a URL. */
  alerts: z.object({
    firing: z.array(
      z.object({ key: z.string(), rule: z.string(), subject: z.string().nullable(), severity: z.enum(['critical', 'warning']), since: z.string(), clearedAt: z.string().nullable() }),
    ),
    outboxDepth: z.number().int().nonnegative(),
    droppedMessages: z.number().int().nonnegative(),
    targets: z.array(
      z.object({ target: z.string(), pending: z.number().int().nonnegative(), lastDeliveredAt: z.string().nullable(), lastError: z.string().nullable(), lastErrorAt: z.string().nullable() }),
    ),
  }),
  /** The last config reload (SIGHUP, or an edit in diagnose mode), and what of it waits for a restart. */
  config: z.object({
    lastReloadAt: z.string().nullable(),
    /** Why the last reload was refused (the running config was kept); null once one succeeds. */
    lastReloadError: z.string().nullable(),
    /** Keys the running gateway was started without: they apply at its next start (`clawctl restart`). */
    pendingGatewayRestart: z.array(z.string()),
    /** Keys only a restart of clawsupd applies. */
    pendingDaemonRestart: z.array(z.string()),
  }),
} as const;

export const statusSchema = coreStatusSchema.extend({
  probes: statusSectionSchemas.probes.optional(),
  recovery: statusSectionSchemas.recovery.optional(),
  skills: statusSectionSchemas.skills.optional(),
  log: statusSectionSchemas.log.optional(),
  config: statusSectionSchemas.config.optional(),
  events: statusSectionSchemas.events.optional(),
  audit: statusSectionSchemas.audit.optional(),
  gatewayConfig: statusSectionSchemas.gatewayConfig.optional(),
  cron: statusSectionSchemas.cron.optional(),
  alerts: statusSectionSchemas.alerts.optional(),
});

export type CoreStatus = z.infer<typeof coreStatusSchema>;
export type StatusSections = { [Name in keyof typeof statusSectionSchemas]: z.infer<(typeof statusSectionSchemas)[Name]> };
export type StatusSectionName = keyof StatusSections;
export type StatusSnapshot = z.infer<typeof statusSchema>;
export type DiagnosisRecord = z.infer<typeof diagnosisSchema>;
