import { STALE_ACTIONS } from '../probes/slack/stale-action.js';
import { z } from 'zod';
import { SKILL_NAME_HINT, skillNamePattern } from '../skills/skill-name.js';
import { MIN_REPEAT_DELAY_MS } from '../supervisor/restart-policy.js';
import { DEFAULT_CONTROL_SOCKET, DEFAULT_STATUS_DIR } from './path-defaults.js';
import { isLoopbackHost, parseListenAddress } from '../http/listen-address.js';
import { ALERT_RULE_NAMES } from '../alerts/alert-rule-names.js';

// The one place defaults live. Every object is strict: a typo is an error, never a silent default.
// Node's timers hold at most 2^31-1 ms (about 24.8 days); a larger value would fire after 1 ms.
const MAX_TIMER_MS = 2_147_483_647;
const durationMs = z.number().int().nonnegative().max(MAX_TIMER_MS);
const positiveMs = z.number().int().positive().max(MAX_TIMER_MS);
const pathString = z.string().min(1);
// The probes speak HTTP: any other scheme would pass --check, then fail every probe round and hold the node in starting.
const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });

const gatewaySchema = z.strictObject({
  command: z.array(z.string().min(1)).min(1),
  cwd: pathString.optional(),
  env: z.record(z.string(), z.string()).default({}),
  stopTimeoutMs: positiveMs.default(30_000),
  /** The gateway's own config file (OpenClaw's openclaw.json): watched in diagnose mode, its token read by the Slack probe. */
  openclawConfigPath: pathString.optional(),
  outputTailLines: z.number().int().min(10).max(10_000).default(200),
  outputTailBytes: z.number().int().min(1024).max(4 * 1024 * 1024).default(64 * 1024),
});

const restartSchema = z
  .strictObject({
    initialDelayMs: durationMs.default(1_000),
    // The ceiling is what bounds a crash loop: under 100 ms a gateway that exits at once is respawned 100 times a second.
    maxDelayMs: durationMs.min(MIN_REPEAT_DELAY_MS, `at least ${MIN_REPEAT_DELAY_MS} ms`).default(60_000),
    multiplier: z.number().min(1).max(10).default(2),
    failureLimit: z.number().int().min(1).default(3),
    failureWindowMs: positiveMs.default(300_000),
    stableAfterMs: durationMs.default(60_000),
    minUptimeMs: durationMs.default(10_000),
  })
  .refine((restart) => restart.maxDelayMs >= restart.initialDelayMs, {
    message: 'maxDelayMs must be at least initialDelayMs',
    path: ['maxDelayMs'],
  });

const healthSchema = z.strictObject({
  enabled: z.boolean().default(true),
  url: httpUrl.default('http://127.0.0.1:18789/healthz'),
  /** Defaults to /startupz on the origin of `url`. */
  startupUrl: httpUrl.optional(),
  /** Defaults to /readyz on the origin of `url`. */
  readyUrl: httpUrl.optional(),
  intervalMs: positiveMs.default(2_000),
  timeoutMs: positiveMs.default(1_000),
  failureThreshold: z.number().int().min(1).default(3),
  startupGraceMs: durationMs.default(30_000),
  startTimeoutMs: positiveMs.default(180_000),
  hangKillTimeoutMs: positiveMs.default(1_000),
  /** /readyz's event loop must stay degraded this long since the start before the node is degraded; 0: at once. */
  eventLoopDegradedAfterMs: durationMs.default(30_000),
});

const slackSchema = z.strictObject({
  maxDisconnectsPerHour: z.number().int().min(0).default(3),
  staleAfterMs: positiveMs.default(600_000),
  rpcIntervalMs: positiveMs.default(30_000),
  rpcTimeoutMs: positiveMs.default(5_000),
  /** Slack's Socket Mode hosts: the gateway's own connections to them are watched in the kernel (Linux); [] turns that off. */
  socketHosts: z.array(z.string().min(1)).default(['wss-primary.slack.com', 'wss-backup.slack.com']),
  /** How often those connections are sampled: each sample reads the host's TCP table (/proc/net/tcp, 5-10 ms of CPU). */
  socketSampleIntervalMs: positiveMs.min(1_000, 'at least 1000 ms').default(30_000),
  /** What to do about a socket stale for `staleForMs`: nothing but the verdict and its alert, reconnect the channel, or restart the gateway. */
  onStale: z.enum(STALE_ACTIONS).default('none'),
  staleForMs: positiveMs.default(120_000),
});

const controlSchema = z.strictObject({
  socket: pathString.default(DEFAULT_CONTROL_SOCKET),
  /** A group (name or numeric gid) whose members may also use the socket (mode 0660); the owner only when absent. */
  group: z.string().min(1).optional(),
  /** Clients served at once; one more is told `too-many-clients` and closed. */
  maxClients: z.number().int().min(1).max(1_000).default(32),
  /** How long a client may take to send a whole request line (connecting and saying nothing included). */
  requestTimeoutMs: positiveMs.default(5_000),
});

const statusDirSchema = z.strictObject({
  dir: pathString.default(DEFAULT_STATUS_DIR),
  /** Probe timings alone rewrite status.json at most this often; any change of state is written at once. */
  routineWriteIntervalMs: positiveMs.default(5_000),
});

const eventsSchema = z.strictObject({
  /** events.ndjson is rotated to events.ndjson.1 when the next line would take it past this. */
  maxBytes: z.number().int().min(1024).max(1024 * 1024 * 1024).default(1024 * 1024),
  /** Files kept, the live one included; a file holding an event from the last 24 hours is kept past this. */
  maxFiles: z.number().int().min(2).max(1_000).default(10),
});

const skillsSchema = z.record(
  z.string().regex(skillNamePattern, SKILL_NAME_HINT),
  z.strictObject({ maxAgeMs: positiveMs }),
);

const systemdSchema = z.strictObject({
  /** While the gateway's first start has no outcome, clawsupd pushes systemd's start timeout out by this much, again and again. */
  startExtensionMs: positiveMs.default(30_000),
  /** A `systemd-notify` call that has not returned by then is killed, so the next message can go. */
  notifyTimeoutMs: positiveMs.default(5_000),
});

const logSchema = z.strictObject({
  level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** Gateway output lines logged per window; past it the lines still feed the tail but are counted, not logged. */
  gatewayLinesPerWindow: z.number().int().min(1).default(2_000),
  gatewayWindowMs: positiveMs.default(10_000),
  /** Log to this file instead of stdout, reopened on SIGHUP (for newsyslog under launchd, which never rotates stdout). */
  file: pathString.optional(),
});

const listenAddress = z.string().superRefine((text, context) => {
  const parsed = parseListenAddress(text);
  if (!parsed.ok) context.addIssue({ code: 'custom', message: parsed.error });
});

const httpSchema = z
  .strictObject({
    /** Off when absent: one listener for /metrics, the read-only API and the page. */
    listen: listenAddress.optional(),
    /** Once set, every request needs `Authorization: Bearer <the file's content>`; required for a non-loopback listen. */
    tokenFile: pathString.optional(),
    tls: z.strictObject({ certFile: pathString, keyFile: pathString }).optional(),
    /** How long a browser stays signed in after opening `/?token=T` once. */
    sessionTtlMs: positiveMs.min(1_000, 'at least 1000 ms').default(12 * 60 * 60 * 1000),
    /** The node's name in the fleet view (`/api/v1/view`); the host name when absent. */
    nodeName: z.string().min(1).max(64).optional(),
  })
  .superRefine((http, context) => {
    if (http.listen === undefined || http.tokenFile !== undefined) return;
    const parsed = parseListenAddress(http.listen);
    if (parsed.ok && !isLoopbackHost(parsed.address.host)) {
      context.addIssue({ code: 'custom', path: ['listen'], message: `a listen address other than loopback (127.0.0.1, ::1, localhost) needs http.tokenFile, so that no one else on the network can read it` });
    }
  });

const metricsSchema = z.strictObject({
  /** Write the metrics here for node_exporter's textfile collector (which reads only *.prom files), replaced atomically. */
  textfile: pathString.regex(/\.prom$/, 'expected a file name ending in .prom (node_exporter\'s textfile collector reads only those)').optional(),
  textfileIntervalMs: positiveMs.min(1_000, 'at least 1000 ms').default(15_000),
});

// Webhook URLs are secrets (a Slack webhook's path is its key): src/config/format-issues.ts never shows them.
const alertUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });
const alertsSchema = z.strictObject({
  /** Each a Slack incoming webhook (`slack`) or a generic JSON webhook (`json`), told of each alert firing and resolved. */
  webhooks: z.array(z.strictObject({ url: alertUrl, format: z.enum(['slack', 'json']) })).default([]),
  /** Alertmanager's base URL (alerts go to POST <url>/api/v2/alerts), re-sent every resendIntervalMs while active. */
  alertmanager: z.strictObject({ url: alertUrl, resendIntervalMs: positiveMs.min(1_000, 'at least 1000 ms').default(60_000) }).optional(),
  /** An alert whose condition clears is resolved only after this long clear: a flapping socket stays one alert. */
  resolveHoldMs: durationMs.default(60_000),
  /** A delivery that has not been answered within this is a failure, retried. */
  timeoutMs: positiveMs.default(10_000),
  retryInitialDelayMs: positiveMs.default(1_000),
  retryMaxDelayMs: positiveMs.default(300_000),
  /** Undelivered messages kept in status.dir/alerts-outbox.json across restarts; past this the oldest are dropped (and counted). */
  outboxMaxMessages: z.number().int().min(1).max(100_000).default(1_000),
  rules: z
    .strictObject({
      /** Restarts of the gateway in the last hour above which `restart-storm` fires. */
      restartsPerHour: z.number().int().nonnegative().default(5),
      /** How long `daemon-crashed` stays active after clawsupd came back from a crash of its own. */
      daemonCrashActiveMs: positiveMs.default(600_000),
      /** Rule names never raised (see the README's alert rules). */
      disabled: z.array(z.enum(ALERT_RULE_NAMES)).default([]),
    })
    .prefault({}),
});

const auditSchema = z
  .strictObject({
    /** A capability audit this often (and at start-up once the gateway is healthy, and after a restart). */
    intervalMs: positiveMs.min(1_000, 'at least 1000 ms').default(86_400_000),
    /** After start-up or a restart, the gateway must stay up this long before it is audited: a crash loop never is. */
    settleMs: durationMs.default(10_000),
    /** All checks of one audit within this; what has not answered by then is a timeout. */
    budgetMs: positiveMs.default(60_000),
    /** Each check's own deadline. */
    checkTimeoutMs: positiveMs.default(5_000),
    /** One completion (max 1 token) per model as well: spends tokens, off by default. */
    liveModelCalls: z.boolean().default(false),
  })
  .refine((audit) => audit.checkTimeoutMs <= audit.budgetMs, { path: ['checkTimeoutMs'], message: 'must not exceed audit.budgetMs' });

// redis:// or rediss:// (TLS), optionally with user:password@; the URL is a secret when it has a password.
const redisUrl = z.url({ protocol: /^rediss?$/, error: 'expected a redis:// or rediss:// URL' });
const cronSchema = z.strictObject({
  leader: z
    .strictObject({
      /** One gateway of the fleet runs cron: the holder of a lease on Redis. Off: cron runs as the gateway's config says. */
      enabled: z.boolean().default(false),
      redisUrl: redisUrl.optional(),
      key: z.string().min(1).default('clawsup:cron:leader'),
      leaseMs: positiveMs.min(300, 'at least 300 ms').default(15_000),
      /** Cron goes off when less than this is left of the lease; a quarter of leaseMs when absent. */
      safetyMarginMs: positiveMs.optional(),
      /** A connection or a call to Redis that has not answered within this is a failure (no offline queue). */
      connectTimeoutMs: positiveMs.default(2_000),
      /** `cron-off`: Redis unreachable means cron off on every node. `keep-last-role`: a leader keeps cron (risk: two leaders if Redis comes back to another node first). */
      onRedisUnreachable: z.enum(['cron-off', 'keep-last-role']).default('cron-off'),
      /** Also write cron.skipMissedJobs true: a new leader's cron starts by catching up missed slots, which the old leader ran. */
      skipMissedJobs: z.boolean().default(true),
    })
    .prefault({})
    .superRefine((leader, context) => {
      if (leader.enabled && leader.redisUrl === undefined) context.addIssue({ code: 'custom', path: ['redisUrl'], message: 'required when cron.leader.enabled is true' });
      const marginMs = leader.safetyMarginMs ?? Math.floor(leader.leaseMs / 4);
      if (marginMs >= leader.leaseMs - Math.floor(leader.leaseMs / 3)) {
        context.addIssue({ code: 'custom', path: ['safetyMarginMs'], message: `must be under two thirds of leaseMs (${leader.leaseMs - Math.floor(leader.leaseMs / 3)} ms), so that a renewal can fail once before cron goes off` });
      }
    }),
});

/** clawctl gateway-config: the apply gate for the gateway's own config (OpenClaw's openclaw.json). */
const gatewayConfigSchema = z.strictObject({
  /** The gateway's validator, run with OPENCLAW_CONFIG_PATH set to the candidate; from gateway.command when it is openclaw; [] for parse only. */
  validateCommand: z.array(z.string().min(1)).optional(),
  validateTimeoutMs: positiveMs.default(60_000),
  /** How long an apply (and its rollback) waits for the gateway to be healthy on the new config. */
  healthTimeoutMs: positiveMs.default(120_000),
  /** Healthy must hold this long before the new config is kept: a gateway that exits on it soon after start is caught. */
  settleMs: durationMs.default(5_000),
  keepBackups: z.number().int().min(1).max(1_000).default(20),
  /** How often the live config is checked for drift (and on each change to the file). */
  driftCheckIntervalMs: positiveMs.default(30_000),
  /** Sets OPENCLAW_CONFIG_READONLY=1 on the gateway: OpenClaw's own config writers refuse, so only the gate changes the file. */
  readOnly: z.boolean().default(false),
});

export const configSchema = z.strictObject({
  gateway: gatewaySchema,
  restart: restartSchema.prefault({}),
  health: healthSchema.prefault({}),
  slack: slackSchema.prefault({}),
  control: controlSchema.prefault({}),
  status: statusDirSchema.prefault({}),
  events: eventsSchema.prefault({}),
  skills: skillsSchema.default({}),
  systemd: systemdSchema.prefault({}),
  log: logSchema.prefault({}),
  http: httpSchema.prefault({}),
  metrics: metricsSchema.prefault({}),
  alerts: alertsSchema.prefault({}),
  audit: auditSchema.prefault({}),
  cron: cronSchema.prefault({}),
  gatewayConfig: gatewayConfigSchema.prefault({}),
});

export type ClawsupConfig = z.output<typeof configSchema>;
export { skillNamePattern };
