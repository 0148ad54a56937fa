import { join } from 'node:path';
import { createControlServer } from './control-server.js';
import { describeExitLine } from './exit-line.js';
import { createSubscriptionHub, type LogStream } from './subscriptions.js';
import { watchStatusWrites, type StatusWriteWatch } from './status-write-watch.js';
import { removeSkillRecord } from '../skills/skill-removal.js';
import { claimSocketPath, inodeOf, listenOnSocket, releaseSocketPath } from './control-socket-path.js';
import { resolveGroupId } from './group-id.js';
import { writeSkillRecord } from '../skills/skill-files.js';
import type { DaemonPart } from '../daemon/daemon-part.js';
import { checkConfigFile } from '../config/check-config-file.js';
import { handleRequest, type ControlDeps } from './handle-request.js';
import { parseRequestLine } from './parse-request.js';
import { DIAGNOSIS_FILE } from '../status/status-files.js';
import { readStatusFile } from '../cli/read-status-file.js';
import { getCronControl } from '../cron/cron-control.js';

const OPERATOR_METHODS = new Set(['restart', 'resume', 'stop', 'start', 'skill-forget', 'cron-step-down', 'gateway-config-apply', 'gateway-config-rollback', 'audit-run']);

/** The control socket: clawctl's way in. Owner-only unless `control.group` is set. */
export const controlPart: DaemonPart = {
  name: 'control',
  async attach({ supervisor, config, configPath, log, events, env }) {
    const controlLog = log.child({ component: 'control' });
    const { socket: socketPath, group, maxClients, requestTimeoutMs } = config.control;
    const statusDir = config.status.dir;
    const groupId = group === undefined ? null : resolveGroupId(group);
    await claimSocketPath(socketPath, groupId);

    const statusListeners: Array<() => void> = [];
    const notifyStatus = (): void => {
      for (const listener of statusListeners) listener();
    };
    let statusWatch: StatusWriteWatch | null = null;
    const lineListeners: Array<(line: string, stream: LogStream) => void> = [];
    const sayLine = (line: string, stream: LogStream): void => {
      for (const listener of lineListeners) listener(line, stream);
    };
    supervisor.onGatewayLine(sayLine);
    supervisor.onStateChange((state, previous) => {
      const exit = state.gateway.lastExit;
      if (exit !== null && exit !== previous.gateway.lastExit) sayLine(describeExitLine(exit), 'clawsup');
      notifyStatus();
    });
    const hub = createSubscriptionHub({
      getStatus: supervisor.getStatus,
      getOutputLines: supervisor.getOutputLines,
      onStatusChange: (listener) => statusListeners.push(listener),
      onGatewayLine: (listener) => lineListeners.push(listener),
      onEvent: (listener) => void events.onEvent(listener),
      // A part's section (probes, skills) changes status.json without a state change: its write is the signal.
      onStatusInterest: (isWanted) => {
        statusWatch?.close();
        statusWatch = isWanted ? watchStatusWrites(statusDir, notifyStatus, controlLog) : null;
      },
    });

    const deps: ControlDeps = {
      getStatus: supervisor.getStatus,
      getState: supervisor.getState,
      dispatch: supervisor.dispatch,
      getOutputLines: supervisor.getOutputLines,
      nowMs: () => Date.now(),
      // The reader clawctl uses for the same file: a small regular file, never a FIFO or a link; no fs/promises.
      readLastDiagnosis: async () => {
        const read = readStatusFile(join(statusDir, DIAGNOSIS_FILE), DIAGNOSIS_FILE);
        return read.ok ? read.value : null;
      },
      checkConfig: () => checkConfigFile(configPath),
      writeSkillRecord: (record) => writeSkillRecord(statusDir, record),
      forgetSkill: (name) => removeSkillRecord(statusDir, name),
      isConfiguredSkill: (name) => Object.hasOwn(supervisor.getConfig().skills, name),
      subscribe: (request) => hub.open(request),
      gatewayConfig: async (request) => (await import('../gateway-config/answer-gateway-config.js')).answerGatewayConfig(request, supervisor, { log, events, env }),
      runAudit: async (params) => (await import('../audit/audit-service.js')).auditServiceFor(supervisor, { log, events, env }).run({ saveBaseline: params.saveBaseline, trigger: 'operator' }),
      stepDownCron: () => getCronControl()?.stepDown() ?? null,
    };
    const control = createControlServer({
      maxClients,
      requestTimeoutMs,
      log: controlLog,
      answer: async (line) => {
        const parsed = parseRequestLine(line);
        if (!parsed.ok) {
          controlLog.debug({ code: parsed.reply.ok ? null : parsed.reply.error.code }, 'control request refused');
          return parsed.reply;
        }
        if (OPERATOR_METHODS.has(parsed.request.method)) controlLog.info({ method: parsed.request.method }, 'operator request');
        return handleRequest(parsed.request, deps);
      },
    });
    await listenOnSocket(control.server, socketPath, groupId);
    const inode = inodeOf(socketPath);
    controlLog.info({ socketPath, group: group ?? null, maxClients }, 'control socket listening');
    return {
      async detach() {
        statusWatch?.close();
        await control.close();
        releaseSocketPath(socketPath, inode);
      },
    };
  },
};
