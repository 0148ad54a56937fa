import { callDaemon } from '../control/control-client.js';
import type { ControlMethod } from '../control/protocol.js';
import type { ClawctlCommand } from './command.js';
import { resolveControlTarget } from './control-target.js';
import { parseCommandArgs } from './parse-command-args.js';

interface ActionSpec {
  name: string;
  method: ControlMethod;
  summary: string;
  /** What was asked, for the one line printed on success. */
  done: string;
}

/** restart, resume, stop, start: one request, one line, exit 0 (or the refusal's exit code). */
export function createActionCommand(spec: ActionSpec): ClawctlCommand {
  const usage = `clawctl [--config FILE | --socket PATH] ${spec.name}`;
  return {
    name: spec.name,
    summary: spec.summary,
    usage,
    async run(args, context) {
      parseCommandArgs(args, {}, usage);
      const target = await resolveControlTarget(context);
      const status = (await callDaemon(target.socketPath, spec.method)) as { mode?: string };
      context.stdout(`${spec.done}; mode now ${status.mode ?? 'unknown'}\n`);
      return 0;
    },
  };
}
