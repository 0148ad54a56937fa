import { parseSince } from '../../events/select-events.js';
import type { JournalEvent } from '../../events/journal-event.js';
import { ClawsupError } from '../../errors.js';
import { fetchJson, MAX_BODY_BYTES } from '../../fleet/fetch-node.js';
import { defaultInventoryPath, loadInventory } from '../../fleet/inventory.js';
import { formatFleetEventJson, formatFleetEventLine, mergeFleetEvents } from '../../fleet/render-fleet.js';
import { checkEventsShape } from '../../fleet/view-shape.js';
import type { ClawctlContext } from '../command.js';
import type { FleetOptions } from './fleet.js';

/** The most a node gives in one answer (its API's own cap). */
const EVENTS_LIMIT = 10_000;

/** `clawctl fleet events`: every node's journal since --since (its /api/v1/events), merged in time order; exit 2 when a node did not answer. */
export async function runFleetEvents(options: FleetOptions, since: string, isJson: boolean, context: ClawctlContext): Promise<number> {
  const sinceMs = parseSince(since, Date.now());
  if (sinceMs === null) throw new ClawsupError('CLAWSUP_ERR_USAGE', `--since takes 45s, 30m, 12h, 7d or an ISO 8601 time (2026-12-01T06:00:00Z), found "${since}"`);
  const inventory = loadInventory(options.inventoryPath ?? defaultInventoryPath());
  const path = `/api/v1/events?since=${encodeURIComponent(new Date(sinceMs).toISOString())}&limit=${EVENTS_LIMIT}`;
  const answers = await Promise.all(inventory.nodes.map((node) => fetchJson(node, path, { timeoutMs: options.timeoutMs, maxBodyBytes: MAX_BODY_BYTES })));
  const journals: Array<{ node: string; events: JournalEvent[] }> = [];
  inventory.nodes.forEach((node, index) => {
    const answer = answers[index];
    const checked = answer?.ok ? checkEventsShape(answer.value) : { ok: false as const, error: answer?.error ?? 'no answer' };
    if (!checked.ok) return context.stderr(`clawctl: ${node.name}: no events: ${checked.error}\n`);
    if (checked.omitted > 0) context.stderr(`clawctl: ${node.name}: its ${checked.omitted} oldest events since then were left out (more than ${EVENTS_LIMIT}); give a later --since\n`);
    journals.push({ node: node.name, events: checked.events as JournalEvent[] });
  });
  const width = Math.max(...inventory.nodes.map((node) => node.name.length));
  for (const event of mergeFleetEvents(journals, sinceMs)) context.stdout(`${isJson ? formatFleetEventJson(event) : formatFleetEventLine(event, width)}\n`);
  return journals.length === inventory.nodes.length ? 0 : 2;
}
