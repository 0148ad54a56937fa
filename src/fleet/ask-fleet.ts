import type { FleetEntry } from './fleet-view-model.js';
import { fetchNodeView, type FetchOptions } from './fetch-node.js';
import type { Inventory } from './inventory.js';
import { readLastSeen, writeLastSeen } from './last-seen.js';

export interface FleetAnswer {
  entries: FleetEntry[];
  /** Why the last-seen cache could not be written, if it could not. */
  cacheError: string | null;
}

/** Asks every node at once, each within its own deadline; records who answered in the last-seen cache. */
export async function askFleet(inventory: Inventory, options: FetchOptions, lastSeenPath: string, now: () => number = Date.now): Promise<FleetAnswer> {
  const answers = await Promise.all(inventory.nodes.map((node) => fetchNodeView(node, options)));
  const lastSeen = readLastSeen(lastSeenPath);
  const answeredAt = new Date(now()).toISOString();
  const entries = inventory.nodes.map((node, index): FleetEntry => {
    const answer = answers[index];
    if (answer?.ok) {
      lastSeen[node.name] = answeredAt;
      return { name: node.name, reachable: true, lastAnsweredAt: answeredAt, view: answer.view };
    }
    return { name: node.name, reachable: false, error: answer?.error ?? 'no answer', lastAnsweredAt: lastSeen[node.name] ?? null };
  });
  const cacheError = answers.some((answer) => answer.ok) ? writeLastSeen(lastSeenPath, lastSeen) : null;
  return { entries, cacheError };
}
