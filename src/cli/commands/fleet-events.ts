import { parseSince } from '../../events/select-events.js';
import type { JournalEvent } from '../../events/journal-event.js';
import { ClawsupError } from '../../errors.js';
import { askFleet } from '../../fleet/ask-fleet.js';
import { MAX_BODY_BYTES } from '../../fleet/fetch-node.js';
import { defaultInventoryPath, loadInventory } from '../../fleet/inventory.js';
import { defaultLastSeenPath } from '../../fleet/last-seen.js';
import { formatFleetEventJson, formatFleetEventLine, mergeFleetEvents } from '../../fleet/render-fleet.js';
import type { ClawctlContext } from '../command.js';
import type { FleetOptions } from './fleet.js';

const VIEW_SPAN_MS = 24 * 60 * 60 * 1000;

/** `clawctl fleet events`: every node's journal of the last 24 h (what its view holds), merged in time order. */
export async function runFleetEvents(options: FleetOptions, since: string, isJson: boolean, context: ClawctlContext): Promise<number> {
  const nowMs = Date.now();
  const sinceMs = parseSince(since, nowMs);
  if (sinceMs === null) throw new ClawsupError('CLAWSUP_ERR_USAGE', `--since takes 45s, 30m, 12h, 1d or an ISO 8601 time (2026-12-01T06:00:00Z), found "${since}"`);
  if (sinceMs < nowMs - VIEW_SPAN_MS - 60_000) context.stderr('clawctl: a node\'s view holds its last 24 h of events; older ones are read on the node (clawctl events)\n');
  const inventory = loadInventory(options.inventoryPath ?? defaultInventoryPath());
  const { entries, cacheError } = await askFleet(inventory, { timeoutMs: options.timeoutMs, maxBodyBytes: MAX_BODY_BYTES }, defaultLastSeenPath());
  if (cacheError !== null) context.stderr(`clawctl: ${cacheError}\n`);
  for (const entry of entries) if (!entry.reachable) context.stderr(`clawctl: ${entry.name}: no events: ${entry.error ?? 'no answer'}\n`);
  const journals = entries.flatMap((entry) => (entry.view ? [{ node: entry.name, events: entry.view.events as unknown as JournalEvent[] }] : []));
  const merged = mergeFleetEvents(journals, sinceMs);
  const width = Math.max(4, ...entries.map((entry) => entry.name.length));
  for (const event of merged) context.stdout(`${isJson ? formatFleetEventJson(event) : formatFleetEventLine(event, width)}\n`);
  return entries.every((entry) => entry.reachable) ? 0 : 2;
}
