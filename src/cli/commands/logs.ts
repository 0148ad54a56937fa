import { callDaemon } from '../../control/control-client.js';
import { ClawsupError, ERROR_CATALOGUE } from '../../errors.js';
import type { ClawctlCommand, ClawctlContext } from '../command.js';
import { resolveControlTarget, type ControlTarget } from '../control-target.js';
import { followUntilInterrupted } from '../follow.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { toOneLine } from '../terminal-text.js';

const MAX_LINES = 10_000;

export const logsCommand: ClawctlCommand = {
  name: 'logs',
  summary: "the gateway's recent output (secrets redacted), from clawsupd's memory; -f follows it",
  usage: 'clawctl [--config FILE | --socket PATH] logs [-n N] [-f|--follow]',
  async run(args, context) {
    const { values } = parseCommandArgs(args, { lines: { type: 'string', short: 'n' }, follow: { type: 'boolean', short: 'f' } }, this.usage);
    const params: { n?: number } = {};
    if (values.lines !== undefined) {
      const n = Number(values.lines);
      if (!Number.isInteger(n) || n < 1 || n > MAX_LINES) {
        throw new ClawsupError('CLAWSUP_ERR_USAGE', `-n must be a whole number from 1 to ${MAX_LINES}, found "${values.lines}"`);
      }
      params.n = n;
    }
    const target = await resolveControlTarget(context);
    if (values.follow === true) return followLogs(target, params.n, context);
    const { lines } = (await callDaemon(target.socketPath, 'logs', params)) as { lines: unknown };
    context.stdout(formatLines(lines));
    return 0;
  },
};

// One gateway line is one output line: a carriage return or newline in it is escaped, not obeyed.
function formatLines(lines: unknown): string {
  return (Array.isArray(lines) ? lines : []).map((line) => `${toOneLine(line, '')}\n`).join('');
}

/** `logs -f`: the tail, then each new line as the gateway writes it, until Ctrl-C (exit 0); exit 69 when clawsupd goes. */
function followLogs(target: ControlTarget, n: number | undefined, context: ClawctlContext): Promise<number> {
  return followUntilInterrupted(
    target,
    { topics: ['logs'], ...(n === undefined ? {} : { n }) },
    {
      onFirst: (result) => context.stdout(formatLines(result.logs)),
      onPush: (topic, value) => {
        if (topic === 'logs' && typeof value === 'object' && value !== null) context.stdout(formatLines([(value as { line?: unknown }).line]));
      },
    },
    context,
    ERROR_CATALOGUE.CLAWSUP_ERR_NO_DAEMON.exitCode,
  );
}
