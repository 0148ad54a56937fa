import { join } from 'node:path';
import { callDaemon } from '../../control/control-client.js';
import { isClawsupError } from '../../errors.js';
import type { ClawctlCommand, ClawctlContext } from '../command.js';
import { resolveControlTarget } from '../control-target.js';
import { formatAge } from '../format-duration.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { renderStatus } from '../render-status.js';
import { readStatusFile } from '../read-status-file.js';
import { exitCodeForMode, STATUS_EXIT } from '../status-exit-code.js';

export const statusCommand: ClawctlCommand = {
  name: 'status',
  summary: 'how the node is; exit 0 healthy, 1 degraded/starting/backoff/held/stopping, 2 diagnose/stopped, 3 no daemon answered',
  usage: 'clawctl [--config FILE | --socket PATH] status [--json]',
  async run(args, context) {
    const { values } = parseCommandArgs(args, { json: { type: 'boolean' } }, this.usage);
    const isJson = values.json === true;
    const target = await resolveControlTarget(context);
    let status: Record<string, unknown>;
    try {
      status = (await callDaemon(target.socketPath, 'status')) as Record<string, unknown>;
    } catch (error) {
      if (!isClawsupError(error)) throw error;
      context.stderr(`clawctl: ${error.message}\n`);
      return printStatusFile(target.statusDir, isJson, context);
    }
    context.stdout(isJson ? `${JSON.stringify(status, null, 2)}\n` : renderStatus(status, Date.now()));
    return exitCodeForMode(status.mode);
  },
};

/** No daemon answered: show what it last wrote, how old that is, and exit 3 whatever it says. */
function printStatusFile(statusDir: string | null, isJson: boolean, context: ClawctlContext): number {
  if (statusDir === null) {
    context.stderr('clawctl: no config given (--config FILE), so no status.json to fall back on\n');
    return STATUS_EXIT.unknown;
  }
  const path = join(statusDir, 'status.json');
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
