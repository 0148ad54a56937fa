import { join } from 'node:path';
import { callDaemon } from '../../control/control-client.js';
import { isClawsupError } from '../../errors.js';
import type { ClawctlCommand, ClawctlContext } from '../command.js';
import { statusPaint } from '../colour.js';
import { describeWhereLooked, resolveControlTarget, type ControlTarget } from '../control-target.js';
import { followUntilInterrupted } from '../follow.js';
import { formatAge } from '../format-duration.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { renderStatus } from '../render-status.js';
import { readStatusFile } from '../read-status-file.js';
import { exitCodeForMode, STATUS_EXIT } from '../status-exit-code.js';
import { STATUS_FILE } from '../../status/status-files.js';

// How often status --watch redraws a terminal with nothing new, for its ages.
const TERMINAL_REFRESH_MS = 1_000;

export const statusCommand: ClawctlCommand = {
  name: 'status',
  summary: 'how the node is; exit 0 healthy, 1 degraded/starting/backoff/held/stopping, 2 diagnose/stopped, 3 no daemon answered',
  usage: 'clawctl [--config FILE | --socket PATH] status [--json] [--watch]',
  async run(args, context) {
    const { values } = parseCommandArgs(args, { json: { type: 'boolean' }, watch: { type: 'boolean', short: 'w' } }, this.usage);
    const isJson = values.json === true;
    const target = await resolveControlTarget(context);
    if (values.watch === true) return watchStatus(target, isJson, context);
    let status: Record<string, unknown>;
    try {
      status = (await callDaemon(target.socketPath, 'status')) as Record<string, unknown>;
    } catch (error) {
      if (!isClawsupError(error)) throw error;
      context.stderr(`clawctl: ${error.message}\n`);
      if (error.code === 'CLAWSUP_ERR_NO_DAEMON') context.stderr(describeWhereLooked(target));
      return printStatusFile(target.statusDir, isJson, context);
    }
    context.stdout(isJson ? `${JSON.stringify(status, null, 2)}\n` : renderStatus(status, Date.now()), statusPaint(context.terminal, false));
    return exitCodeForMode(status.mode);
  },
};

/**
 * `status --watch`: the status again at every change until Ctrl-C (exit 0). On a terminal each one replaces the last;
 * piped, they follow one another, a blank line between (with --json, one JSON object a line), and only at a change.
 * Exit 3 when clawsupd goes.
 */
async function watchStatus(target: ControlTarget, isJson: boolean, context: ClawctlContext): Promise<number> {
  let shown = 0;
  let last: Record<string, unknown> | null = null;
  const show = (status: unknown): void => {
    const object = typeof status === 'object' && status !== null ? (status as Record<string, unknown>) : {};
    last = object;
    const separator = shown > 0 && !isJson && context.terminal?.isTTY !== true ? '\n' : '';
    const text = isJson ? `${JSON.stringify(object)}\n` : renderStatus(object, Date.now());
    context.stdout(separator + text, isJson ? undefined : statusPaint(context.terminal, true));
    shown += 1;
  };
  // On a terminal the screen is the one view: its ages ("1m ago", "up 5m") are redrawn each second, as watch(1) does.
  const refresh = context.terminal?.isTTY === true && !isJson ? setInterval(() => last !== null && show(last), TERMINAL_REFRESH_MS) : undefined;
  try {
    return await followUntilInterrupted(
      target,
      { topics: ['status'] },
      { onFirst: (result) => show(result.status), onPush: (topic, value) => topic === 'status' && show(value) },
      context,
      STATUS_EXIT.unknown,
    );
  } finally {
    clearInterval(refresh);
  }
}


/** No daemon answered: show what it last wrote, how old that is, and exit 3 whatever it says. */
function printStatusFile(statusDir: string | null, isJson: boolean, context: ClawctlContext): number {
  if (statusDir === null) {
    context.stderr('clawctl: no config given (--config FILE), so no status.json to fall back on\n');
    return STATUS_EXIT.unknown;
  }
  const path = join(statusDir, STATUS_FILE);
  const read = readStatusFile(path, 'a status object');
  if (!read.ok) {
    context.stderr(`clawctl: ${path}: cannot read the last status either (${read.problem})\n`);
    return STATUS_EXIT.unknown;
  }
  const { value: status, writtenAt } = read;
  const nowMs = Date.now();
  const note = `NOT LIVE: clawsupd did not answer; ${path} was written ${formatAge(writtenAt, nowMs)} (${writtenAt})`;
  if (isJson) {
    context.stderr(`clawctl: ${note}\n`);
    context.stdout(`${JSON.stringify(status, null, 2)}\n`);
  } else {
    context.stdout(`${note}\n${renderStatus(status, nowMs)}`);
  }
  return STATUS_EXIT.unknown;
}
