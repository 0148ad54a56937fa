import { callDaemon } from '../../control/control-client.js';
import { ClawsupError } from '../../errors.js';
import type { ClawctlCommand } from '../command.js';
import { resolveControlTarget } from '../control-target.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { toOneLine } from '../terminal-text.js';

const MAX_LINES = 10_000;

export const logsCommand: ClawctlCommand = {
  name: 'logs',
  summary: "the gateway's recent output (secrets redacted), from clawsupd's memory",
  usage: 'clawctl [--config FILE | --socket PATH] logs [-n N]',
  async run(args, context) {
    const { values } = parseCommandArgs(args, { lines: { type: 'string', short: 'n' } }, this.usage);
    const params: { n?: number } = {};
    if (values.lines !== undefined) {
      const n = Number(values.lines);
      if (!Number.isInteger(n) || n < 1 || n > MAX_LINES) {
        throw new ClawsupError('CLAWSUP_ERR_USAGE', `-n must be a whole number from 1 to ${MAX_LINES}, found "${values.lines}"`);
      }
      params.n = n;
    }
    const target = await resolveControlTarget(context);
    const { lines } = (await callDaemon(target.socketPath, 'logs', params)) as { lines: unknown };
    // One gateway line is one output line: a carriage return or newline in it is escaped, not obeyed.
    context.stdout((Array.isArray(lines) ? lines : []).map((line) => `${toOneLine(line, '')}\n`).join(''));
    return 0;
  },
};
