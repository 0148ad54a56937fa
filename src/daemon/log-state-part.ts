import type { DaemonPart } from './daemon-part.js';
import { readLogWriteState, watchLogWriteState } from './logger.js';

/** status.json's `log`: lines lost to a full or failing log file, so a silent log is seen where operators look. */
export const logStatePart: DaemonPart = {
  name: 'log-state',
  attach({ supervisor, log }) {
    const publish = (): void => supervisor.setStatusSection('log', readLogWriteState(log));
    publish();
    const unwatch = watchLogWriteState(log, publish);
    return { detach: () => void unwatch() };
  },
};
