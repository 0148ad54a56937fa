import { ClawsupError } from '../../errors.js';
import type { ClawctlCommand } from '../command.js';
import { readUsageOptions, renderBashCompletion, renderZshCompletion, type CompletionEntry } from '../completion-script.js';
import { listHelpTopics, loadCommands } from '../help.js';
import { parseCommandArgs } from '../parse-command-args.js';

const SHELLS = ['bash', 'zsh'] as const;

export const completionCommand: ClawctlCommand = {
  name: 'completion',
  summary: 'print a shell completion script: eval "$(clawctl completion bash)", or clawctl completion zsh > _clawctl in $fpath',
  usage: 'clawctl completion bash|zsh',
  subcommands: SHELLS,
  async run(args, context) {
    const { positionals } = parseCommandArgs(args, {}, this.usage, true);
    const [shell] = positionals;
    if (positionals.length !== 1 || (shell !== 'bash' && shell !== 'zsh')) throw new ClawsupError('CLAWSUP_ERR_USAGE', `usage: ${this.usage}`);
    const entries = await listCompletionEntries();
    context.stdout(shell === 'bash' ? renderBashCompletion(entries) : renderZshCompletion(entries));
    return 0;
  },
};

/** Every command of the registry with what may follow it, and `help` with its topics. */
export async function listCompletionEntries(): Promise<CompletionEntry[]> {
  const commands = await loadCommands();
  const entries = commands.map((command) => ({
    name: command.name,
    summary: command.summary,
    words: [...(command.subcommands ?? []), ...readUsageOptions(command.usage, command.name)],
  }));
  return [...entries, { name: 'help', summary: 'clawctl help TOPIC: a command, exit-codes, config or status', words: listHelpTopics() }];
}
