/** What completion knows of one command: its name, summary, the words that may follow it and its options. */
export interface CompletionEntry {
  name: string;
  summary: string;
  words: readonly string[];
}

const GLOBAL_OPTIONS = ['--config', '--socket', '--help', '--version'];

/** The options a usage line names (`--json`, `-n`), in order, once each: the usage is where a command declares them. */
export function readUsageOptions(usage: string, name: string): string[] {
  const own = usage.slice(Math.max(0, usage.indexOf(` ${name}`)));
  return [...new Set([...(own.match(/(?<![\w-])--?[a-z][a-z-]*/g) ?? []), '--help'])];
}

// Command names and options are [a-z-] words; anything else is refused rather than quoted into a script.
function assertWord(word: string): string {
  if (!/^-{0,2}[a-z0-9][a-z0-9._-]*$/.test(word)) throw new Error(`not a completion word: ${JSON.stringify(word)}`);
  return word;
}

/** bash: `eval "$(clawctl completion bash)"`, or the output saved in a bash_completion.d folder. Pure. */
export function renderBashCompletion(entries: readonly CompletionEntry[]): string {
  const names = entries.map((entry) => assertWord(entry.name));
  const cases = entries.map((entry) => `    ${entry.name}) words="${entry.words.map(assertWord).join(' ')}" ;;`);
  return `# clawctl completion for bash: eval "$(clawctl completion bash)", or save it as /etc/bash_completion.d/clawctl
_clawctl() {
  local cur prev words command i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  case "$prev" in
    --config|-c|--socket) COMPREPLY=( $(compgen -f -- "$cur") ); return 0 ;;
  esac
  command=""
  for (( i = 1; i < COMP_CWORD; i++ )); do
    case "\${COMP_WORDS[i]}" in
      --config|-c|--socket) (( i++ )) ;;
      -*) ;;
      *) command="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  case "$command" in
    "") words="${[...names, ...GLOBAL_OPTIONS].join(' ')}" ;;
${cases.join('\n')}
    *) words="" ;;
  esac
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
  return 0
}
complete -o default -F _clawctl clawctl
`;
}

const zshQuote = (text: string): string => `'${text.replace(/'/g, "'\\''")}'`;

/** zsh: save as `_clawctl` in a folder of $fpath, or `source <(clawctl completion zsh)`. Pure. */
export function renderZshCompletion(entries: readonly CompletionEntry[]): string {
  // One line per summary, no colon in a name: what _describe reads as name:description.
  const described = entries.map((entry) => `    ${zshQuote(`${assertWord(entry.name)}:${entry.summary.replace(/\s+/g, ' ')}`)}`);
  const cases = entries.map((entry) => `    ${entry.name}) compadd -- ${entry.words.map(assertWord).join(' ')} ;;`);
  return `#compdef clawctl
# clawctl completion for zsh: save as _clawctl in a folder of $fpath, or: source <(clawctl completion zsh)
_clawctl() {
  local -a commands
  commands=(
${described.join('\n')}
  )
  local cmd="" i=2
  while (( i < CURRENT )); do
    case "\${words[i]}" in
      --config|-c|--socket) (( i += 2 )); continue ;;
      -*) (( i++ )); continue ;;
      *) cmd="\${words[i]}"; break ;;
    esac
  done
  if [[ -z "$cmd" ]]; then
    case "\${words[CURRENT-1]}" in
      --config|-c|--socket) _files; return ;;
    esac
    _describe -t commands 'clawctl command' commands
    compadd -- ${GLOBAL_OPTIONS.join(' ')}
    return
  fi
  case "$cmd" in
${cases.join('\n')}
  esac
}
if [[ "\${zsh_eval_context[-1]}" == loadautoload ]]; then
  _clawctl "$@"
else
  compdef _clawctl clawctl
fi
`;
}
