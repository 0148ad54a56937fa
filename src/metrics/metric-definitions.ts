/** One metric as Prometheus sees it: the names follow its conventions (one prefix, base units, `_total` counters). */
export interface MetricDefinition {
  name: string;
  help: string;
  type: 'gauge' | 'counter' | 'histogram';
  labelNames: readonly string[];
}

// Probe round trips run from a few milliseconds to the probe's timeout (1 s by default, at most a minute in practice).
export const PROBE_LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

/** Every metric clawsupd exports; a feature's figures join here. Never one named `up`: Prometheus makes its own. */
export const METRIC_DEFINITIONS = {
  mode: { name: 'clawsup_mode', help: 'The node\'s mode: 1 for the current one, 0 for every other (status.json "mode").', type: 'gauge', labelNames: ['mode'] },
  modeSince: { name: 'clawsup_mode_since_timestamp_seconds', help: 'When the current mode began, in Unix seconds.', type: 'gauge', labelNames: [] },
  reason: { name: 'clawsup_reason', help: 'Each reason status.json gives for the mode ("reasons"), at 1 while it holds.', type: 'gauge', labelNames: ['reason'] },
  gatewayUp: { name: 'clawsup_gateway_up', help: '1 while a gateway process runs under clawsupd, 0 when it does not.', type: 'gauge', labelNames: [] },
  gatewayUptime: { name: 'clawsup_gateway_uptime_seconds', help: 'How long the running gateway has run; 0 when none runs.', type: 'gauge', labelNames: [] },
  gatewayStartTime: { name: 'clawsup_gateway_start_time_seconds', help: 'When the running gateway started, in Unix seconds; 0 when none runs.', type: 'gauge', labelNames: [] },
  gatewayFailuresInWindow: { name: 'clawsup_gateway_failures_in_window', help: 'Gateway failures within restart.failureWindowMs; at clawsup_gateway_failure_limit clawsupd enters diagnose mode.', type: 'gauge', labelNames: [] },
  gatewayFailureLimit: { name: 'clawsup_gateway_failure_limit', help: 'The failures within the window that end in diagnose mode (restart.failureLimit).', type: 'gauge', labelNames: [] },
  gatewayRestarts: { name: 'clawsup_gateway_restarts_total', help: 'Gateway restarts since clawsupd started, by the class and reason of the exit that led to each.', type: 'counter', labelNames: ['class', 'reason'] },
  gatewayExits: { name: 'clawsup_gateway_exits_total', help: 'Gateway exits since clawsupd started, by class and reason.', type: 'counter', labelNames: ['class', 'reason'] },
  diagnoseEntries: { name: 'clawsup_diagnose_entries_total', help: 'Times clawsupd entered diagnose mode since it started, by the diagnosis reason.', type: 'counter', labelNames: ['reason'] },
  probeLatency: { name: 'clawsup_probe_latency_seconds', help: 'Round-trip time of each probe answer, by probe (health, startup, ready, slack).', type: 'histogram', labelNames: ['probe'] },
  probeFailures: { name: 'clawsup_probe_failures_total', help: 'Probe attempts that failed, by probe.', type: 'counter', labelNames: ['probe'] },
  slackState: { name: 'clawsup_slack_state', help: 'The Slack probe\'s state: 1 for the current one, 0 for every other.', type: 'gauge', labelNames: ['state'] },
  skillState: { name: 'clawsup_skill_state', help: 'Each skill\'s state: 1 for the current one, 0 for every other.', type: 'gauge', labelNames: ['skill', 'state'] },
  skillLastSuccess: { name: 'clawsup_skill_last_success_timestamp_seconds', help: 'When each skill last succeeded, in Unix seconds (absent until it has).', type: 'gauge', labelNames: ['skill'] },
  cronRole: { name: 'clawsup_cron_role', help: 'This node\'s cron leader role (cron.leader): 1 for the current one (leader, follower, no-quorum), 0 for the others.', type: 'gauge', labelNames: ['role'] },
  cronTerm: { name: 'clawsup_cron_term', help: 'The term (fencing token) of the cron leader this node knows; absent when it knows none.', type: 'gauge', labelNames: [] },
  cronLeaseExpiry: { name: 'clawsup_cron_lease_expiry_timestamp_seconds', help: 'When the cron lease this node knows runs out, in Unix seconds; absent when none is known.', type: 'gauge', labelNames: [] },
  cronGatewayCronOn: { name: 'clawsup_cron_gateway_cron_on', help: '1 while this node\'s gateway has cron on (only the leader\'s should), 0 otherwise.', type: 'gauge', labelNames: [] },
  cronJobs: { name: 'clawsup_cron_jobs', help: 'This gateway\'s cron jobs, labelled by the hash of their definitions: nodes with different hashes do not have the same jobs.', type: 'gauge', labelNames: ['definitions_hash'] },
  cronLeadershipChanges: { name: 'clawsup_cron_leadership_changes_total', help: 'New cron leaders (terms) this node has seen or been since clawsupd started.', type: 'counter', labelNames: [] },
  cronRenewFailures: { name: 'clawsup_cron_renew_failures_total', help: 'Renewals of this node\'s cron lease that failed (Redis unreachable, or the key no longer this node\'s).', type: 'counter', labelNames: [] },
  daemonStartTime: { name: 'clawsup_daemon_start_time_seconds', help: 'When this clawsupd started, in Unix seconds.', type: 'gauge', labelNames: [] },
  buildInfo: { name: 'clawsup_build_info', help: 'Always 1: the version of clawsup and of Node.js it runs on.', type: 'gauge', labelNames: ['version', 'node_version'] },
} as const satisfies Record<string, MetricDefinition>;

export type MetricKey = keyof typeof METRIC_DEFINITIONS;
