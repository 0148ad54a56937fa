import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from '../daemon/logger.js';
import { STATUS_FILE } from '../status/status-files.js';

export interface StatusWriteWatch {
  close(): void;
}

/** Calls `onWrite` each time status.json is renamed into status.dir; a folder that cannot be watched only loses these pushes. */
export function watchStatusWrites(statusDir: string, onWrite: () => void, log: Logger): StatusWriteWatch {
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(statusDir, { persistent: false }, (_event, filename) => {
      if (filename === STATUS_FILE) onWrite();
    });
    watcher.on('error', (error) => {
      log.warn({ statusDir, err: { message: error.message } }, 'cannot watch status.dir: status pushes follow state changes only');
      watcher?.close();
      watcher = null;
    });
  } catch (error) {
    log.warn({ statusDir, err: { message: (error as Error).message } }, 'cannot watch status.dir: status pushes follow state changes only');
  }
  return { close: () => watcher?.close() };
}
