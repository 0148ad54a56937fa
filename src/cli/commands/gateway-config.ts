import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { callDaemon } from '../../control/control-client.js';
import { encodeLine, MAX_APPLY_REQUEST_BYTES, MAX_CANDIDATE_BYTES } from '../../control/protocol.js';
import { ClawsupError } from '../../errors.js';
import type { ApplyResult } from '../../gateway-config/gateway-config-service.js';
import { formatHistoryLine, type HistoryRecord } from '../../gateway-config/history-record.js';
import type { ClawctlCommand, ClawctlContext } from '../command.js';
import { resolveControlTarget } from '../control-target.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { readRegularFile } from '../../status/read-regular-file.js';

const USAGE =
  'clawctl [--config FILE | --socket PATH] gateway-config apply FILE [--dry-run] [--force] [--no-verify] [--timeout S] [--json] | history [-n N] [--json] | diff [A] [B] [--json] | rollback [ID] [--no-verify] [--timeout S] [--json]';
// The daemon validates, restarts and waits (twice, on a rollback): the reply comes when the gate has finished.
const GATE_REPLY_TIMEOUT_MS = 30 * 60_000;
const MAX_TIMEOUT_S = 3_600;

export const gatewayConfigCommand: ClawctlCommand = {
  name: 'gateway-config',
  summary: "change the gateway's own config (openclaw.json) through clawsupd's gate: validate, back up, swap, restart, verify, roll back",
  usage: `${USAGE}\n\n  apply: exit 0 applied, 1 rolled back, 78 refused before the swap, 75 another apply is running, 69 no daemon\n  history: every apply (when, who ran it as clawctl reports it, keys changed, outcome)\n  diff: key paths changed from A (a backup id; the last applied one by default) to B (a backup id; the live config by default), never values\n  rollback: applies the backup taken by apply ID (the last applied one by default) through the same gate`,
  subcommands: ['apply', 'history', 'diff', 'rollback'],
  async run(args, context) {
    const [subcommand, ...rest] = args;
    if (subcommand === 'apply') return applyCommand(rest, context);
    if (subcommand === 'rollback') return rollbackCommand(rest, context);
    if (subcommand === 'history') return historyCommand(rest, context);
    if (subcommand === 'diff') return diffCommand(rest, context);
    throw new ClawsupError('CLAWSUP_ERR_USAGE', `usage: ${USAGE}`);
  },
};

const GATE_OPTIONS = { 'no-verify': { type: 'boolean' }, timeout: { type: 'string' }, json: { type: 'boolean' } } as const;

function readTimeoutMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_TIMEOUT_S) throw new ClawsupError('CLAWSUP_ERR_USAGE', `--timeout must be whole seconds from 1 to ${MAX_TIMEOUT_S}, found "${value}"`);
  return seconds * 1000;
}

function requester(): { uid: number | null; user: string | null } {
  try {
    const info = userInfo();
    return { uid: info.uid, user: info.username };
  } catch {
    return { uid: process.getuid?.() ?? null, user: null };
  }
}

async function applyCommand(args: string[], context: ClawctlContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...GATE_OPTIONS, 'dry-run': { type: 'boolean' }, force: { type: 'boolean' } }, USAGE, true);
  if (positionals.length !== 1) throw new ClawsupError('CLAWSUP_ERR_USAGE', `gateway-config apply takes one FILE (usage: ${USAGE})`);
  const file = resolve(positionals[0] as string);
  const read = readRegularFile(file, MAX_CANDIDATE_BYTES);
  if (!read.ok) throw new ClawsupError('CLAWSUP_ERR_GATEWAY_CONFIG_READ', `${file}: ${read.problem}; the live gateway config is untouched`);
  const params = {
    content: read.text,
    source: file,
    isDryRun: values['dry-run'] === true,
    isVerifying: values['no-verify'] !== true,
    isForced: values.force === true,
    ...(values.timeout === undefined ? {} : { timeoutMs: readTimeoutMs(values.timeout) }),
    who: requester(),
  };
  const requestBytes = Buffer.byteLength(encodeLine({ v: 1, id: 1, method: 'gateway-config-apply', params }));
  if (requestBytes > MAX_APPLY_REQUEST_BYTES) {
    throw new ClawsupError('CLAWSUP_ERR_GATEWAY_CONFIG_READ', `${file}: its ${read.text.length} characters make a ${requestBytes}-byte request (JSON-escaped), over gateway-config-apply's ${MAX_APPLY_REQUEST_BYTES}; the live gateway config is untouched`);
  }
  const target = await resolveControlTarget(context);
  const result = (await callDaemon(target.socketPath, 'gateway-config-apply', params, GATE_REPLY_TIMEOUT_MS)) as ApplyResult;
  return report(result, values.json === true, context);
}

async function rollbackCommand(args: string[], context: ClawctlContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, GATE_OPTIONS, USAGE, true);
  if (positionals.length > 1) throw new ClawsupError('CLAWSUP_ERR_USAGE', `gateway-config rollback takes at most one ID (usage: ${USAGE})`);
  const params = {
    ...(positionals[0] === undefined ? {} : { id: positionals[0] }),
    isVerifying: values['no-verify'] !== true,
    ...(values.timeout === undefined ? {} : { timeoutMs: readTimeoutMs(values.timeout) }),
    who: requester(),
  };
  const target = await resolveControlTarget(context);
  const result = (await callDaemon(target.socketPath, 'gateway-config-rollback', params, GATE_REPLY_TIMEOUT_MS)) as ApplyResult;
  return report(result, values.json === true, context);
}

function describeValidator(result: ApplyResult): string {
  return result.validator === 'openclaw' ? "validated by the gateway's own validator" : 'validated by parse only';
}

function describeKeys(result: ApplyResult): string {
  if (result.changedKeys.length === 0) return 'no key changed';
  const sign = { added: '+', removed: '-', changed: '~' } as const;
  return `${result.changedKeys.length} key(s) changed: ${result.changedKeys.map((change) => `${sign[change.change]}${change.path}`).join(' ')}`;
}

/** The audits' verdict in a line, when the config claims any capability; null when it claims none (nothing to say). */
function describeCapabilities(result: ApplyResult): string | null {
  const compared = result.capabilities;
  if (compared === null || compared.after === null) return null;
  const total = Object.values(compared.after).reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const counts = (['ok', 'failed', 'timeout', 'unverified'] as const).filter((name) => (compared.after?.[name] ?? 0) > 0).map((name) => `${compared.after?.[name]} ${name}`).join(', ');
  return `capabilities after the restart: ${counts}; none lost against the audit before the swap (${compared.before.ok} ok)`;
}

function describeEvidence(result: ApplyResult): string {
  const evidence = result.capabilities?.evidence ?? [];
  return evidence.length === 0 ? '' : `\n  ${evidence.join('\n  ')}`;
}

function report(result: ApplyResult, isJson: boolean, context: ClawctlContext): number {
  if (isJson) context.stdout(`${JSON.stringify(result, null, 2)}\n`);
  for (const note of result.notes) if (!isJson) context.stderr(`note: ${note}\n`);
  switch (result.outcome) {
    case 'applied':
      if (!isJson) context.stdout(`applied ${result.id} to ${result.liveConfigPath} (${describeValidator(result)}; ${describeKeys(result)})${result.reason === null ? '; the gateway is healthy on it' : `; ${result.reason}`}\n`);
      if (!isJson && describeCapabilities(result) !== null) context.stdout(`${describeCapabilities(result)}\n`);
      return 0;
    case 'dry-run':
      if (!isJson) context.stdout(`dry run: the candidate passes (${describeValidator(result)}); applying it would make ${describeKeys(result)}; nothing was changed\n`);
      return 0;
    case 'refused':
      throw new ClawsupError('CLAWSUP_ERR_GATEWAY_CONFIG_INVALID', `refused before the swap, ${result.liveConfigPath} is untouched:\n  ${result.issues.join('\n  ')}`);
    case 'rolled-back':
      throw new ClawsupError('CLAWSUP_ERR_GATEWAY_CONFIG_ROLLED_BACK', `rolled back ${result.id}: ${result.reason ?? 'not healthy'}; ${result.liveConfigPath} is the previous config again and the gateway is healthy on it${describeEvidence(result)}`);
    case 'rollback-failed':
      throw new ClawsupError('CLAWSUP_ERR_GATEWAY_CONFIG_ROLLED_BACK', `rolled back ${result.id}, but the gateway is not healthy on the previous config either: ${result.reason ?? 'unknown'}; see clawctl status and clawctl logs`);
  }
}

async function historyCommand(args: string[], context: ClawctlContext): Promise<number> {
  const { values } = parseCommandArgs(args, { lines: { type: 'string', short: 'n' }, json: { type: 'boolean' } }, USAGE);
  const n = values.lines === undefined ? 50 : Number(values.lines);
  if (!Number.isInteger(n) || n < 1 || n > 500) throw new ClawsupError('CLAWSUP_ERR_USAGE', `-n must be a whole number from 1 to 500, found "${values.lines}"`);
  const target = await resolveControlTarget(context);
  const { records } = (await callDaemon(target.socketPath, 'gateway-config-history', { n })) as { records: HistoryRecord[] };
  if (values.json === true) context.stdout(`${JSON.stringify(records, null, 2)}\n`);
  else if (records.length === 0) context.stdout('no gateway-config apply yet\n');
  else for (const record of records) context.stdout(`${formatHistoryLine(record)}\n`);
  return 0;
}

async function diffCommand(args: string[], context: ClawctlContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } }, USAGE, true);
  if (positionals.length > 2) throw new ClawsupError('CLAWSUP_ERR_USAGE', `gateway-config diff takes at most two ids (usage: ${USAGE})`);
  const [a, b] = positionals;
  const target = await resolveControlTarget(context);
  const diff = (await callDaemon(target.socketPath, 'gateway-config-diff', { ...(a === undefined ? {} : { a }), ...(b === undefined ? {} : { b }) })) as {
    from: string;
    to: string;
    changes: Array<{ path: string; change: 'added' | 'removed' | 'changed' }>;
  };
  if (values.json === true) {
    context.stdout(`${JSON.stringify(diff, null, 2)}\n`);
    return 0;
  }
  context.stdout(`from ${diff.from} to ${diff.to}: ${diff.changes.length === 0 ? 'no key changed' : `${diff.changes.length} key(s)`} (values not shown: the config holds secrets)\n`);
  const sign = { added: '+', removed: '-', changed: '~' } as const;
  for (const change of diff.changes) context.stdout(`  ${sign[change.change]} ${change.path}\n`);
  return 0;
}
