import { ClawsupError } from '../../errors.js';
import type { ClawctlCommand } from '../command.js';

const USAGE =
  'clawctl [--config FILE] skill run NAME [--timeout S] -- CMD ARGS... | skill report NAME --status success|failure [--message TEXT] | skill forget NAME';

export const skillCommand: ClawctlCommand = {
  name: 'skill',
  summary: 'run a skill command and record how it went in status.dir/skills/NAME.json, report a skill run elsewhere, or forget a skill',
  usage: `${USAGE}\n\n  run: exits with the command's code (124 on timeout, 126 not runnable, 127 not found, 128+N killed by signal N)\n  report: for skills that run inside the gateway\n  forget: removes the skill's file, so it leaves status.json (a skill the config names stays, as never run)`,
  subcommands: ['run', 'report', 'forget'],
  async run(args, context) {
    const [subcommand, ...rest] = args;
    // The skill commands load the whole config (zod) for status.dir and the skill's maxAgeMs.
    if (subcommand === 'run') return (await import('./skill-run.js')).runSkill(rest, context);
    if (subcommand === 'report') return (await import('./skill-report.js')).reportSkill(rest, context);
    if (subcommand === 'forget') return (await import('./skill-forget.js')).forgetSkillCommand(rest, context);
    throw new ClawsupError('CLAWSUP_ERR_USAGE', `usage: ${USAGE}`);
  },
};
