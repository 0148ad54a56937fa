import type { Paint, TerminalFacts } from './command.js';

/** https://no-color.org: NO_COLOR set (to anything but the empty string) turns colour off; a pipe or TERM=dumb never gets any. */
export function readTerminalFacts(isTTY: boolean, env: NodeJS.ProcessEnv): TerminalFacts {
  const isNoColour = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return { isTTY, hasColour: isTTY && !isNoColour && env.TERM !== 'dumb' };
}

const SGR = { red: '\u001b[31m', green: '\u001b[32m', yellow: '\u001b[33m', reset: '\u001b[0m' } as const;
type Tone = Exclude<keyof typeof SGR, 'reset'>;
/** Cursor home and clear screen: one status replaces the last on a terminal. */
export const CLEAR_SCREEN = '\u001b[H\u001b[2J';

// The words clawctl colours, wherever a mode, probe state or skill state is printed.
const TONES: Readonly<Record<string, Tone>> = {
  healthy: 'green',
  live: 'green',
  started: 'green',
  ready: 'green',
  connected: 'green',
  ok: 'green',
  degraded: 'yellow',
  starting: 'yellow',
  backoff: 'yellow',
  held: 'yellow',
  stopping: 'yellow',
  grace: 'yellow',
  pending: 'yellow',
  waiting: 'yellow',
  stale: 'yellow',
  running: 'yellow',
  diagnose: 'red',
  stopped: 'red',
  down: 'red',
  failing: 'red',
  hung: 'red',
  'timed-out': 'red',
  'not-ready': 'red',
  unreachable: 'red',
  'port-held-by-another-process': 'red',
  failed: 'red',
  disconnected: 'red',
  duplicate: 'red',
  blocked: 'red',
  flapping: 'yellow',
};

const paintWord = (word: string): string => {
  const tone = TONES[word];
  return tone === undefined ? word : `${SGR[tone]}${word}${SGR.reset}`;
};

/**
 * Colours the mode on the `mode:` line and the state word of each probe and skill row of renderStatus's (already
 * escaped) text. Pure; a word it does not know stays as it is.
 */
export function paintStatus(escaped: string): string {
  let section = '';
  return escaped
    .split('\n')
    .map((line) => {
      if (/^[a-z]+:/.test(line)) section = line.slice(0, line.indexOf(':'));
      if (section === 'mode') return line.replace(/^(mode: )(\S+)/, (_all, head: string, word: string) => head + paintWord(word));
      if ((section === 'probes' || section === 'skills') && line.startsWith('  ')) {
        return line.replace(/^( {2}\S+ +)(\S+)/, (_all, head: string, word: string) => head + paintWord(word));
      }
      return line;
    })
    .join('\n');
}

/** The paint for a status view: colour when wanted, and a cleared screen first when it redraws on a terminal. */
export function statusPaint(terminal: TerminalFacts | undefined, isRedraw: boolean): Paint | undefined {
  const hasColour = terminal?.hasColour === true;
  const clears = isRedraw && terminal?.isTTY === true;
  if (!hasColour && !clears) return undefined;
  return (escaped) => (clears ? CLEAR_SCREEN : '') + (hasColour ? paintStatus(escaped) : escaped);
}
