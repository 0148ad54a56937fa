import { ClawsupError } from '../../errors.js';
import { MAX_BODY_BYTES } from '../../fleet/fetch-node.js';
import { startFleetServer } from '../../fleet/fleet-server.js';
import { defaultInventoryPath, loadInventory } from '../../fleet/inventory.js';
import { defaultLastSeenPath } from '../../fleet/last-seen.js';
import { isLoopbackHost, parseListenAddress } from '../../http/listen-address.js';
import type { ClawctlContext } from '../command.js';
import type { FleetOptions } from './fleet.js';

/** `clawctl fleet serve`: the fleet page until Ctrl-C (exit 0). */
export async function runFleetServe(options: FleetOptions, listen: string, context: ClawctlContext): Promise<number> {
  const parsed = parseListenAddress(listen);
  if (!parsed.ok) throw new ClawsupError('CLAWSUP_ERR_USAGE', `--listen: ${parsed.error}`);
  const inventory = loadInventory(options.inventoryPath ?? defaultInventoryPath());
  let server;
  try {
    server = await startFleetServer(parsed.address, {
      inventory,
      fetch: { timeoutMs: options.timeoutMs, maxBodyBytes: MAX_BODY_BYTES },
      lastSeenPath: defaultLastSeenPath(),
      onCacheError: (message) => context.stderr(`clawctl: ${message}\n`),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    const why = code === 'EADDRINUSE' ? ' (the port is in use)' : code === 'EADDRNOTAVAIL' ? ' (no such address on this machine)' : code === 'EACCES' ? ' (a privileged port)' : '';
    throw new ClawsupError('CLAWSUP_ERR_HTTP_LISTEN', `--listen ${listen}: cannot listen: ${code}${why}`, { cause: error });
  }
  if (!isLoopbackHost(parsed.address.host)) context.stderr(`clawctl: the fleet page has no sign-in: anyone who reaches ${listen} sees every node's state (the tokens stay here)\n`);
  context.stdout(`serving the fleet page of ${inventory.nodes.length} node(s) on ${server.url} (Ctrl-C stops)\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
