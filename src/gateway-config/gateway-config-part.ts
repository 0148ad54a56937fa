import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { DaemonPart } from '../daemon/daemon-part.js';
import { describeError } from '../describe-error.js';
import { gatewayConfigServiceFor } from './gateway-config-service.js';

// Editors and the gateway replace the file in a few steps (temp write, rename): one look once they have settled.
const WATCH_SETTLE_MS = 200;

/** Drift: the live gateway config against the last one the gate applied, on a timer and on each change to the file. */
export const gatewayConfigPart: DaemonPart = {
  name: 'gateway-config',
  attach({ supervisor, log, events, env }) {
    const partLog = log.child({ component: 'gateway-config' });
    const service = gatewayConfigServiceFor(supervisor, { log, events, env });
    const check = (): void => {
      try {
        service.checkDrift();
      } catch (error) {
        partLog.warn({ err: describeError(error) }, 'gateway config drift check failed');
      }
    };
    try {
      service.recoverInterruptedApply();
    } catch (error) {
      partLog.error({ err: describeError(error) }, 'cannot roll back the gateway config apply the last clawsupd left unverified');
    }
    check();
    let interval = setInterval(check, supervisor.getConfig().gatewayConfig.driftCheckIntervalMs);
    interval.unref();
    supervisor.onConfigReloaded((config) => {
      clearInterval(interval);
      interval = setInterval(check, config.gatewayConfig.driftCheckIntervalMs);
      interval.unref();
      check();
    });
    let settle: NodeJS.Timeout | undefined;
    let watcher: FSWatcher | null = null;
    const path = service.liveConfigPath();
    try {
      // The folder, not the file: a rename over the file would leave a watch on the file blind.
      watcher = watch(dirname(path), { persistent: false }, (_event, name) => {
        if (name !== null && name !== basename(path)) return;
        clearTimeout(settle);
        settle = setTimeout(check, WATCH_SETTLE_MS);
      });
      watcher.on('error', (error) => partLog.warn({ err: describeError(error), path }, 'cannot watch the gateway config; drift is checked on the timer only'));
    } catch (error) {
      partLog.warn({ err: describeError(error), path }, 'cannot watch the gateway config; drift is checked on the timer only');
    }
    return {
      detach() {
        clearInterval(interval);
        clearTimeout(settle);
        watcher?.close();
      },
    };
  },
};
