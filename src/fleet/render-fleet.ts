import { toOneLine } from '../cli/terminal-text.js';
import type { JournalEvent } from '../events/journal-event.js';
import { formatEventLine } from '../events/format-event.js';
import type { NodeRow } from './fleet-view-model.js';

const COLUMNS: ReadonlyArray<[keyof NodeRow, string]> = [
  ['name', 'NODE'],
  ['mode', 'MODE'],
  ['since', 'SINCE'],
  ['uptime', 'UPTIME'],
  ['restarts24h', 'RESTARTS 24H'],
  ['lastExit', 'LAST EXIT'],
  ['slack', 'SLACK'],
  ['skills', 'SKILLS'],
  ['cron', 'CRON'],
  ['version', 'VERSION'],
];
// A cell wider than this is cut (the page and --json have it whole): one gateway's reason must not push the rest off screen.
const MAX_CELL = 48;

const cut = (line: string): string => (line.length > MAX_CELL ? `${line.slice(0, MAX_CELL - 1)}…` : line);

/** `clawctl fleet status`: one header line, one line a node, columns padded to their widest cell; a cut cell is then given whole. */
export function renderFleetTable(rows: readonly NodeRow[]): string {
  const cells = [COLUMNS.map(([, title]) => title), ...rows.map((row) => COLUMNS.map(([key]) => cut(toOneLine(row[key]))))];
  const widths = COLUMNS.map((_, index) => Math.max(...cells.map((line) => (line[index] as string).length)));
  const lines = cells.map((line) => line.map((cell, index) => (index === line.length - 1 ? cell : cell.padEnd(widths[index] as number))).join('  ').trimEnd());
  const whole = rows.flatMap((row) => COLUMNS.filter(([key]) => toOneLine(row[key]).length > MAX_CELL).map(([key, title]) => `${toOneLine(row.name)} ${title.toLowerCase()}: ${toOneLine(row[key])}`));
  return `${[...lines, ...(whole.length > 0 ? ['', ...whole] : [])].join('\n')}\n`;
}

export interface FleetEvent {
  node: string;
  event: JournalEvent;
}

/** The nodes' journals as one, in time order; a tie keeps each node's own order (seq) and then the nodes' names. */
export function mergeFleetEvents(journals: ReadonlyArray<{ node: string; events: readonly JournalEvent[] }>, sinceMs: number): FleetEvent[] {
  const merged = journals.flatMap(({ node, events }) => events.filter((event) => Date.parse(event.at) >= sinceMs).map((event) => ({ node, event })));
  return merged.sort((a, b) => Date.parse(a.event.at) - Date.parse(b.event.at) || (a.node === b.node ? a.event.seq - b.event.seq : a.node < b.node ? -1 : 1));
}

/** One merged event as a line: time, node, then what `clawctl events` prints after the time. */
export function formatFleetEventLine({ node, event }: FleetEvent, nodeWidth: number): string {
  return `${toOneLine(event.at)}  ${toOneLine(node).padEnd(nodeWidth)}  ${formatEventLine({ ...event, at: '' }).trimStart()}`;
}

/** `--json`: the event as the node's journal has it, with `node` first. */
export function formatFleetEventJson({ node, event }: FleetEvent): string {
  return JSON.stringify({ node, ...event });
}
