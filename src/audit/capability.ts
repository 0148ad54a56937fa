/** What an audit knows about one thing the gateway's config says it can do. */
export const CAPABILITY_KINDS = ['model', 'auth', 'channel', 'tool'] as const;
export type CapabilityKind = (typeof CAPABILITY_KINDS)[number];

export const CHECK_RESULTS = ['ok', 'failed', 'unverified', 'timeout'] as const;
export type CheckResult = (typeof CHECK_RESULTS)[number];

/** Where the claim was found: the file and the key path inside it (`agents.entries.ops.model.fallbacks[0]`). */
export interface CapabilitySource {
  file: string;
  keyPath: string;
}

/** How a claim can be checked live. The key lives here, in memory only: it never reaches a snapshot. */
export type CheckPlan =
  | { method: 'list-models'; provider: string; baseUrl: string; apiKey: string; model: string | null }
  | { method: 'channel-status'; channel: string; account: string }
  | { method: 'none'; reason: string };

export interface ClaimedCapability {
  /** Stable: `model:<provider>/<model>`, `auth:<provider>:<profile>`, `channel:<channel>:<account>`, `tool:<name>`. */
  id: string;
  kind: CapabilityKind;
  source: CapabilitySource;
  check: CheckPlan;
}

/** One capability's verdict, as snapshots, `clawctl audit --json` and diffs carry it. */
export interface CapabilityVerdict {
  id: string;
  kind: CapabilityKind;
  result: CheckResult;
  latencyMs: number | null;
  /** The provider's own error (redacted), or why it stays unverified. */
  detail: string;
  source: CapabilitySource;
}

export interface AuditSnapshot {
  at: string;
  /** Whether the gateway was healthy when the audit ran: the first healthy audit stands as baseline until one is saved. */
  isGatewayHealthy: boolean;
  durationMs: number;
  capabilities: CapabilityVerdict[];
  /** Ids the baseline had `ok` and this audit has failed, absent, or timed out twice in a row. */
  lost: string[];
  /** Problems of the audit as a whole (an unreadable config, a models status that failed): each in one line. */
  notes: string[];
}
