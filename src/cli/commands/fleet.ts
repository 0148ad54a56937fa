import { ClawsupError } from '../../errors.js';
import type { ClawctlCommand } from '../command.js';
import { parseCommandArgs } from '../parse-command-args.js';

const USAGE = 'clawctl fleet status [--json] | fleet events [--since 12h|TIME] [--json] | fleet serve [--listen 127.0.0.1:10190]; each takes [--inventory FILE] [--timeout 3s]';

/** The fleet view, on the operator's machine: every node of the inventory asked at once over its read-only API. */
export const fleetCommand: ClawctlCommand = {
  name: 'fleet',
  summary: 'every node of the inventory at a glance: one table (fleet status), the merged journals (fleet events), the fleet page (fleet serve)',
  usage: USAGE,
  subcommands: ['status', 'events', 'serve'],
  async run(args, context) {
    const [verb, ...rest] = args;
    const options = { inventory: { type: 'string' }, timeout: { type: 'string' } } as const;
    if (verb === 'status') {
      const { values } = parseCommandArgs(rest, { ...options, json: { type: 'boolean' } }, USAGE);
      return (await import('./fleet-status.js')).runFleetStatus(readCommon(values), values.json === true, context);
    }
    if (verb === 'events') {
      const { values } = parseCommandArgs(rest, { ...options, json: { type: 'boolean' }, since: { type: 'string' } }, USAGE);
      return (await import('./fleet-events.js')).runFleetEvents(readCommon(values), values.since ?? '24h', values.json === true, context);
    }
    if (verb === 'serve') {
      const { values } = parseCommandArgs(rest, { ...options, listen: { type: 'string' } }, USAGE);
      return (await import('./fleet-serve.js')).runFleetServe(readCommon(values), values.listen ?? '127.0.0.1:10190', context);
    }
    throw new ClawsupError('CLAWSUP_ERR_USAGE', `fleet takes status, events or serve, found ${verb === undefined ? 'nothing' : `"${verb}"`}\nusage: ${USAGE}`);
  },
};

export interface FleetOptions {
  inventoryPath: string | undefined;
  timeoutMs: number;
}

function readCommon(values: { inventory?: string; timeout?: string }): FleetOptions {
  return { inventoryPath: values.inventory, timeoutMs: values.timeout === undefined ? 3_000 : parseTimeout(values.timeout) };
}

/** `--timeout 3s`, `2500ms`, or a bare number of seconds; 100 ms to 60 s. */
function parseTimeout(text: string): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)(ms|s)?$/.exec(text);
  const ms = match ? Number(match[1]) * (match[2] === 'ms' ? 1 : 1_000) : Number.NaN;
  if (!(ms >= 100 && ms <= 60_000)) throw new ClawsupError('CLAWSUP_ERR_USAGE', `--timeout takes 100ms to 60s (3s, 2500ms), found "${text}"`);
  return Math.round(ms);
}

