import { dirname } from 'node:path';
import { expandPath } from '../config/expand-path.js';
import type { DaemonContext, DaemonPart, Detach } from '../daemon/daemon-part.js';
import { describeError } from '../describe-error.js';
import { ClawsupError } from '../errors.js';
import { locateConfigKey } from '../http/config-location.js';
import { writeFileAtomic } from '../status/atomic-file.js';
import { leaseCollector } from './shared-collector.js';

/** metrics.textfile: the same text as /metrics, for node_exporter's textfile collector, replaced atomically. */
export const metricsTextfilePart: DaemonPart = {
  name: 'metrics-textfile',
  attach: (context) => attachTextfile(context),
};

async function attachTextfile(context: DaemonContext): Promise<Detach> {
  const { textfile, textfileIntervalMs } = context.config.metrics;
  if (textfile === undefined) return { detach: () => undefined };
  const path = expandPath(textfile, dirname(context.configPath));
  const log = context.log.child({ component: 'metrics-textfile' });
  const lease = await leaseCollector(context);
  // The temp file is ".<name>.<random>.tmp": the collector reads only *.prom, so it never sees half a file.
  const write = async (): Promise<void> => writeFileAtomic(path, await lease.collector.render(), { mode: 0o644 });
  try {
    await write();
  } catch (error) {
    lease.release();
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ClawsupError('CLAWSUP_ERR_METRICS_TEXTFILE', `${locateConfigKey(context.configPath, ['metrics', 'textfile'])}: metrics.textfile ${path}: cannot write it: ${code}`, { cause: error });
  }
  let lastError: string | null = null;
  let isWriting = false;
  let isAgain = false;
  let isAttached = true;
  const writeSoon = (): void => {
    if (!isAttached) return;
    if (isWriting) {
      isAgain = true;
      return;
    }
    isWriting = true;
    write().then(
      () => {
        if (lastError !== null) log.info({ path }, 'metrics textfile written again');
        lastError = null;
      },
      (error: unknown) => {
        const message = describeError(error);
        // Said once per kind of failure: a full disk would otherwise log every interval.
        if (JSON.stringify(message) !== lastError) log.warn({ path, err: message }, 'cannot write the metrics textfile: trying again');
        lastError = JSON.stringify(message);
      },
    ).finally(() => {
      isWriting = false;
      if (isAgain) {
        isAgain = false;
        writeSoon();
      }
    });
  };
  // A mode change is what alerts wait for: written at once, not at the next interval.
  context.supervisor.onStateChange((state, previous) => {
    if (state.mode !== previous.mode || state.gateway.restarts !== previous.gateway.restarts) writeSoon();
  });
  const timer = setInterval(writeSoon, textfileIntervalMs);
  timer.unref();
  return {
    async detach() {
      isAttached = false;
      clearInterval(timer);
      try {
        await write();
      } catch (error) {
        log.warn({ path, err: describeError(error) }, 'cannot write the metrics textfile a last time');
      }
      lease.release();
    },
  };
}
