import type { ClawsupConfig } from '../config/schema.js';
import { readOpenclawConfig } from '../gateway/openclaw-config.js';
import { readOpenclawSecrets } from '../gateway/openclaw-token.js';
import { auditDirOf, readBaseline, readLatest, writeBaseline, writeSnapshot, type Baseline } from './audit-files.js';
import { findLost } from './audit-diff.js';
import type { AuditSnapshot } from './capability.js';
import { enumerateCapabilities } from './enumerate-capabilities.js';
import { runAudit, type AuditRunOptions } from './run-audit.js';
import { findOpenclawArgv, runModelsStatus } from './run-models-status.js';

export interface AuditNowOptions {
  config: ClawsupConfig;
  env: NodeJS.ProcessEnv;
  isGatewayHealthy: boolean;
  /** The gateway's `channels.status`; null when nothing can vouch for the gateway's socket (then channels stay unverified). */
  fetchChannelStatus: AuditRunOptions['fetchChannelStatus'];
  channelsUnavailable: string;
  saveBaseline?: boolean;
  /** False for the gateway-config gate's audits: nothing written, `lost` empty, the baseline only read. */
  isRecorded?: boolean;
}

export interface AuditOutcome {
  snapshot: AuditSnapshot;
  baseline: Baseline | null;
  path: string;
}

/**
 * One audit: enumerate openclaw.json's claims, check them, compare with the baseline and the audit before, write the
 * snapshot. Throws only when the OpenClaw config cannot be read at all (the audit could not run) or the folder is unwritable.
 */
export async function auditNow(options: AuditNowOptions): Promise<AuditOutcome> {
  const { config, env } = options;
  const startedMs = Date.now();
  const openclaw = readOpenclawConfig(config, env);
  if (openclaw === null) throw new Error('no OpenClaw config: set gateway.openclawConfigPath, or create ~/.openclaw/openclaw.json');
  if (openclaw.error !== null) throw new Error(`cannot read the OpenClaw config ${openclaw.path}: ${openclaw.error}`);
  const claims = enumerateCapabilities({ file: openclaw.path, parsed: openclaw.parsed, env });
  const openclawArgv = findOpenclawArgv(config.gateway.command);
  const gatewayEnv = { ...env, ...config.gateway.env, OPENCLAW_CONFIG_PATH: openclaw.path };
  const run = await runAudit({
    claims,
    checkTimeoutMs: config.audit.checkTimeoutMs,
    budgetMs: config.audit.budgetMs,
    liveModelCalls: config.audit.liveModelCalls,
    knownSecrets: readOpenclawSecrets(config, env),
    fetchChannelStatus: options.fetchChannelStatus,
    channelsUnavailable: options.channelsUnavailable,
    fetchModelsStatus: openclawArgv === null ? null : (signal) => runModelsStatus(openclawArgv, gatewayEnv, signal),
  });
  const auditDir = auditDirOf(config.status.dir);
  const previous = readLatest(auditDir);
  let baseline = readBaseline(auditDir);
  const snapshot: AuditSnapshot = {
    at: new Date(startedMs).toISOString(),
    isGatewayHealthy: options.isGatewayHealthy,
    durationMs: Date.now() - startedMs,
    capabilities: run.capabilities,
    lost: findLost(baseline?.snapshot ?? null, previous, run.capabilities),
    notes: run.notes,
  };
  if (options.isRecorded === false) return { snapshot: { ...snapshot, lost: [] }, baseline, path: '' };
  const path = writeSnapshot(auditDir, snapshot);
  // With none saved, the first audit of a healthy gateway stands as the baseline.
  if (options.saveBaseline === true) baseline = writeBaseline(auditDir, { ...snapshot, lost: [] }, true);
  else if (baseline === null && options.isGatewayHealthy) baseline = writeBaseline(auditDir, snapshot, false);
  return { snapshot, baseline, path };
}
