import { join } from 'node:path';
import { auditDirOf, readBaseline, readSnapshotArg } from '../../audit/audit-files.js';
import { diffSnapshots } from '../../audit/audit-diff.js';
import { auditNow, type AuditOutcome } from '../../audit/audit-now.js';
import { createChannelStatusSource } from '../../audit/channel-status-source.js';
import { renderAuditDiff, renderAuditTable, toAuditJson } from '../../audit/render-audit.js';
import { loadConfig } from '../../config/load-config.js';
import type { ClawsupConfig } from '../../config/schema.js';
import { callDaemon } from '../../control/control-client.js';
import { ClawsupError, isClawsupError } from '../../errors.js';
import { STATUS_FILE } from '../../status/status-files.js';
import type { ClawctlCommand, ClawctlContext } from '../command.js';
import { defaultConfigPath } from '../default-config-path.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { readStatusFile } from '../read-status-file.js';

const USAGE = 'clawctl [--config FILE] [--socket PATH] audit [--json] [--save-baseline] | audit diff [A] [B] [--json]';
const EXIT = { clean: 0, failed: 1, notRun: 3 } as const;

export const auditCommand: ClawctlCommand = {
  name: 'audit',
  summary: 'check what the gateway\'s config claims it can do: exit 0 ok, 1 failed or lost, 3 not run',
  usage: USAGE,
  subcommands: ['diff'],
  run: (args, context) => (args[0] === 'diff' ? runDiff(args.slice(1), context) : runAuditCommand(args, context)),
};

async function runAuditCommand(args: string[], context: ClawctlContext): Promise<number> {
  const { values } = parseCommandArgs(args, { json: { type: 'boolean' }, 'save-baseline': { type: 'boolean' } }, USAGE);
  const config = loadOrSay(context);
  if (config === null) return EXIT.notRun;
  const saveBaseline = values['save-baseline'] === true;
  try {
    const outcome = (await auditThroughDaemon(context.socketPath ?? config.control.socket, config, saveBaseline)) ?? (await auditOnOwn(config, saveBaseline));
    const { snapshot, baseline } = outcome;
    context.stdout(values.json ? `${JSON.stringify(toAuditJson(snapshot), null, 2)}\n` : renderAuditTable(snapshot, baseline, outcome.runBy));
    if (saveBaseline) context.stderr(`clawctl: saved this audit as the baseline (${snapshot.at})\n`);
    return snapshot.lost.length > 0 || snapshot.capabilities.some((capability) => capability.result === 'failed') ? EXIT.failed : EXIT.clean;
  } catch (error) {
    context.stderr(`clawctl: the audit could not run: ${(error as Error).message}\n`);
    return EXIT.notRun;
  }
}

type RunAudit = Pick<AuditOutcome, 'snapshot' | 'baseline'> & { runBy: 'clawsupd' | 'clawctl' };

/** The daemon's audit part runs it (and writes and publishes it); null when no daemon answers, or one too old to know audit-run. */
async function auditThroughDaemon(socketPath: string, config: ClawsupConfig, saveBaseline: boolean): Promise<RunAudit | null> {
  // The budget bounds every check; models status and the writes come on top.
  const timeoutMs = config.audit.budgetMs * 2 + 15_000;
  try {
    const result = (await callDaemon(socketPath, 'audit-run', { saveBaseline }, timeoutMs)) as Pick<AuditOutcome, 'snapshot' | 'baseline'>;
    return { snapshot: result.snapshot, baseline: result.baseline, runBy: 'clawsupd' };
  } catch (error) {
    if (isClawsupError(error) && (error.code === 'CLAWSUP_ERR_NO_DAEMON' || error.code === 'CLAWSUP_ERR_SOCKET_PERMISSION')) return null;
    if (isClawsupError(error) && error.message.endsWith('(unknown-method)')) return null;
    if (isClawsupError(error) && error.code === 'CLAWSUP_ERR_PROTOCOL') throw new Error(error.message.replace(/^audit-run: /, '').replace(/ \(audit-unavailable\)$/, ''));
    throw error;
  }
}

async function auditOnOwn(config: ClawsupConfig, saveBaseline: boolean): Promise<RunAudit> {
  const gateway = readGatewayFromStatus(config.status.dir);
  const channels = createChannelStatusSource(config, process.env, () => gateway.pid);
  const { snapshot, baseline } = await auditNow({ config, env: process.env, isGatewayHealthy: gateway.isHealthy, ...channels, saveBaseline });
  return { snapshot, baseline, runBy: 'clawctl' };
}

async function runDiff(args: string[], context: ClawctlContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } }, USAGE, true);
  if (positionals.length > 2) throw new ClawsupError('CLAWSUP_ERR_USAGE', `audit diff takes at most two snapshots (usage: ${USAGE})`);
  const config = loadOrSay(context);
  if (config === null) return EXIT.notRun;
  const auditDir = auditDirOf(config.status.dir);
  const [fromName = 'baseline', toName = 'latest'] = positionals;
  try {
    const diff = diffSnapshots(readSnapshotArg(auditDir, fromName), readSnapshotArg(auditDir, toName));
    context.stdout(values.json ? `${JSON.stringify(diff, null, 2)}\n` : renderAuditDiff(diff, fromName, toName));
    return diff.lost.length > 0 || diff.changed.some((change) => !change.isImprovement) ? EXIT.failed : EXIT.clean;
  } catch (error) {
    context.stderr(`clawctl: audit diff: ${(error as Error).message}\n`);
    return EXIT.notRun;
  }
}

function loadOrSay(context: ClawctlContext): ClawsupConfig | null {
  const configPath = context.configPath ?? defaultConfigPath(process.env);
  try {
    return loadConfig(configPath).config;
  } catch (error) {
    context.stderr(`clawctl: the audit could not run: ${(error as Error).message}\n`);
    return null;
  }
}

/** The running gateway as clawsupd last wrote it: channels are probed only through that gateway. */
function readGatewayFromStatus(statusDir: string): { pid: number | null; isHealthy: boolean } {
  const read = readStatusFile(join(statusDir, STATUS_FILE), 'a status object');
  if (!read.ok) return { pid: null, isHealthy: false };
  const mode = read.value['mode'];
  const pid = (read.value['gateway'] as { pid?: unknown } | undefined)?.pid;
  const daemonPid = (read.value['daemon'] as { pid?: unknown } | undefined)?.pid;
  // A status.json left by a clawsupd that is gone says nothing about the gateway now.
  if (typeof daemonPid !== 'number' || !isAlive(daemonPid)) return { pid: null, isHealthy: false };
  return { pid: typeof pid === 'number' ? pid : null, isHealthy: mode === 'healthy' || mode === 'degraded' };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
