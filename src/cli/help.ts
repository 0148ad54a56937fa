import { ERROR_CATALOGUE } from '../errors.js';
import type { ClawctlCommand } from './command.js';
import { COMMANDS } from './commands/index.js';
import { STATUS_EXIT } from './status-exit-code.js';
import { ClawsupError } from '../errors.js';

/** Topics of `clawctl help TOPIC` beside the commands. */
export const HELP_TOPICS = ['exit-codes', 'config', 'status'] as const;

const MODE_MEANINGS: ReadonlyArray<[string, string, number]> = [
  ['starting', 'a gateway was spawned and has not yet passed the startup probe', STATUS_EXIT.warning],
  ['healthy', 'the gateway runs and every probe and skill is fine', STATUS_EXIT.ok],
  ['degraded', 'the gateway runs, but a probe or a skill fails (see reasons)', STATUS_EXIT.warning],
  ['backoff', 'the gateway failed and waits for its next attempt', STATUS_EXIT.warning],
  ['diagnose', 'restarting stopped: the failure needs a person (see diagnosis and its hint; clawctl resume)', STATUS_EXIT.critical],
  ['held', 'down on purpose by clawctl stop, not restarted until clawctl start', STATUS_EXIT.warning],
  ['stopping', 'the gateway is being stopped (a restart, a hold, or clawsupd leaving)', STATUS_EXIT.warning],
  ['stopped', 'clawsupd has stopped the gateway and is leaving', STATUS_EXIT.critical],
];

export async function loadCommands(): Promise<ClawctlCommand[]> {
  return Promise.all(COMMANDS.map((entry) => entry.load()));
}

/** `clawctl help TOPIC`: a command's usage, or a topic's page; every one from the registry and the catalogues. */
export async function renderHelpTopic(topic: string): Promise<string> {
  const entry = COMMANDS.find((candidate) => candidate.name === topic);
  const usage = entry ? await entry.load().then((command) => `Usage: ${command.usage}\n\n${command.summary}\n`) : null;
  // `status` and `config` are commands and topics: the command's usage comes first, then the topic.
  switch (topic) {
    case 'exit-codes':
      return renderExitCodes();
    case 'status':
      return `${usage ?? ''}\n${renderStatusTopic()}`;
    case 'config':
      return `${usage ?? ''}\n${await renderConfigTopic()}`;
    default:
      if (usage !== null) return usage;
      throw new ClawsupError('CLAWSUP_ERR_USAGE', `no help topic "${topic}" (topics: ${listHelpTopics().join(', ')})`);
  }
}

/** The commands of the registry, then the topics that are not commands. */
export function listHelpTopics(): string[] {
  return [...new Set([...COMMANDS.map((candidate) => candidate.name), ...HELP_TOPICS])];
}

function renderExitCodes(): string {
  const lines = [
    'clawctl status exits with the monitoring-plugin codes:',
    `  ${STATUS_EXIT.ok}  healthy`,
    `  ${STATUS_EXIT.warning}  degraded, starting, backoff, held, stopping`,
    `  ${STATUS_EXIT.critical}  diagnose, stopped`,
    `  ${STATUS_EXIT.unknown}  no daemon answered (the last status.json is printed, with its age)`,
    '',
    'Every other failure exits with its error code:',
    ...Object.entries(ERROR_CATALOGUE).map(([code, { exitCode, summary }]) => `  ${String(exitCode).padEnd(3)} ${code.padEnd(32)} ${summary}`),
    '',
    'clawctl skill run exits with the command\'s own code (124 timeout, 126 not runnable, 127 not found, 128+N signal N).',
  ];
  return `${lines.join('\n')}\n`;
}

function renderStatusTopic(): string {
  const lines = [
    'clawctl status [--json] [--watch] shows what clawsupd knows: the mode, why, the gateway, its probes and skills.',
    'With no daemon answering it prints status.json as last written, marked NOT LIVE, and exits 3.',
    '',
    'mode        exit  meaning',
    ...MODE_MEANINGS.map(([mode, meaning, exit]) => `${mode.padEnd(11)} ${String(exit).padEnd(5)} ${meaning}`),
    '',
    '--watch redraws at every change (a new status on a terminal; a blank line between them when piped) until Ctrl-C.',
    'Colour on a terminal only; NO_COLOR=1 turns it off.',
  ];
  return `${lines.join('\n')}\n`;
}

async function renderConfigTopic(): Promise<string> {
  // The schema (zod) loads only for this page.
  const [{ configSchema }, { listConfigKeys }] = await Promise.all([import('../config/schema.js'), import('./config-keys.js')]);
  const keys = listConfigKeys(configSchema);
  const width = Math.max(...keys.map((entry) => entry.key.length));
  const lines = [
    'clawctl and clawsupd read one JSON5 file. Without --config, clawctl takes $CLAWSUP_CONFIG, else',
    '~/.config/clawsup/clawsup.json5 when it exists, else /etc/clawsup/clawsup.json5. Relative paths in it are',
    "relative to the file. clawctl --config FILE config check checks one. The README's Configuration table says what each key does.",
    '',
    `${'key'.padEnd(width)}  default`,
    ...keys.map((entry) => `${entry.key.padEnd(width)}  ${entry.hasDefault ? JSON.stringify(entry.defaultValue) : '(required or optional, no default)'}`),
  ];
  return `${lines.join('\n')}\n`;
}
