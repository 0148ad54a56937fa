import { askFleet } from '../../fleet/ask-fleet.js';
import { MAX_BODY_BYTES } from '../../fleet/fetch-node.js';
import { describeEntry, fleetExitCode, type FleetEntry } from '../../fleet/fleet-view-model.js';
import { defaultInventoryPath, loadInventory } from '../../fleet/inventory.js';
import { defaultLastSeenPath } from '../../fleet/last-seen.js';
import { renderFleetTable } from '../../fleet/render-fleet.js';
import type { ClawctlContext } from '../command.js';
import type { FleetOptions } from './fleet.js';

/** `clawctl fleet status`: the table (or --json), exit 2 for any node in diagnose, stopped or unreachable, 1 for any not healthy. */
export async function runFleetStatus(options: FleetOptions, isJson: boolean, context: ClawctlContext): Promise<number> {
  const inventory = loadInventory(options.inventoryPath ?? defaultInventoryPath());
  const { entries, cacheError } = await askFleet(inventory, { timeoutMs: options.timeoutMs, maxBodyBytes: MAX_BODY_BYTES }, defaultLastSeenPath());
  if (cacheError !== null) context.stderr(`clawctl: ${cacheError}\n`);
  context.stdout(isJson ? `${JSON.stringify({ nodes: entries.map(toJsonEntry) }, null, 2)}\n` : renderFleetTable(entries.map((entry) => describeEntry(entry, Date.now()))));
  return fleetExitCode(entries);
}

/** `{ name, reachable, status }`, and the error and last answer when it did not answer. */
function toJsonEntry(entry: FleetEntry): Record<string, unknown> {
  if (entry.reachable && entry.view) return { name: entry.name, reachable: true, status: entry.view.status };
  return { name: entry.name, reachable: false, status: null, error: entry.error ?? 'no answer', lastAnsweredAt: entry.lastAnsweredAt ?? null };
}
