#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { refuseIfSocketAnswers } from '../control/control-socket-path.js';
import { reapOrphanGateway } from '../gateway/gateway-record.js';
import { acquireInstanceLock, type InstanceLock, type LockState } from './instance-lock.js';
import { findLockReadError } from './lock-read-error.js';
import { createLogger, reopenLogFile, type Logger } from './logger.js';
import { writePidFile } from './pid-file.js';
import { loadConfig } from '../config/load-config.js';
import { createLivenessBoard } from './liveness-board.js';
import { describeError } from '../describe-error.js';
import { ClawsupError, ERROR_CATALOGUE, isClawsupError } from '../errors.js';
import type { ConfigReloadListener, Detach } from './daemon-part.js';
import { DAEMON_PARTS } from './daemon-parts.js';
import { createSupervisor } from './supervisor.js';
import { openEventJournal } from '../events/event-journal.js';
import { evidenceFileOptions } from '../status/evidence-files.js';
import { CLAWSUP_VERSION } from '../version.js';

const USAGE = `Usage: clawsupd --config FILE [--check]

Runs the OpenClaw gateway named in FILE as its child, in the foreground, logging JSON lines to stdout.
  --config FILE   the clawsupd config (JSON5)
  --check         validate the config and exit: 0 when valid, 78 with the errors
  --version       print the version
  --help          this text`;

async function main(argv: string[]): Promise<number> {
  const args = parseCliArgs(argv);
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.version) {
    process.stdout.write(`${CLAWSUP_VERSION}\n`);
    return 0;
  }
  if (!args.config) throw new ClawsupError('CLAWSUP_ERR_USAGE', 'missing --config FILE (see clawsupd --help)');
  const { config, configPath, locate } = loadConfig(args.config);
  if (args.check) {
    process.stdout.write(`${configPath}: config is valid\n`);
    return 0;
  }

  // Opened here, before the lock and the gateway: a log file that cannot be opened is a config error.
  const log = createLogger({ level: config.log.level, ...(config.log.file === undefined ? {} : { file: config.log.file, fileSetAt: locate(['log', 'file']) }) });
  // Until the supervisor runs there is nothing to reload, but a SIGHUP's default action would end the daemon.
  let onHangup = (): void => log.info({}, 'SIGHUP before start-up finished: nothing to reload yet');
  process.on('SIGHUP', () => onHangup());
  const lock = acquireInstanceLock(config.status.dir);
  const pidFile = writePidFile(config.status.dir);
  try {
    // A live daemon on the socket owns the gateway: find out before reaping anything that could be its.
    await refuseIfSocketAnswers(config.control.socket);
    const reaped = await reapOrphanGateway(config.status.dir, config.gateway.stopTimeoutMs);
    if (reaped.wasAlive) {
      log.warn({ orphanPid: reaped.found?.pid, neededSigkill: reaped.neededSigkill }, 'stopped a gateway left behind by an earlier clawsupd');
    }
    if (reaped.strayPids.length > 0) {
      log.warn({ strayPids: reaped.strayPids, neededSigkill: reaped.neededSigkill }, 'stopped unrecorded gateway processes left by an earlier clawsupd');
    }
    const supervisor = createSupervisor({ config, configPath, log, env: process.env });
    let exitCodeOverride: number | null = null;
    // Two daemons on one status dir is the failure we exist to prevent: the one that lost its lock steps down.
    const onLockTaken = (): void => {
      exitCodeOverride = ERROR_CATALOGUE.CLAWSUP_ERR_ALREADY_RUNNING.exitCode;
      supervisor.dispatch({ type: 'shutdown-requested', atMs: Date.now(), signal: 'lock-taken' });
    };
    const lockCheck = setInterval(
      // The status dir's other records come back with the lock, so a clawsupd started after this one dies finds the gateway.
      createLockCheck(lock, log, onLockTaken, () => supervisor.keepStatusDirFiles()),
      LOCK_CHECK_INTERVAL_MS,
    );
    lockCheck.unref();
    const detaches: Detach[] = [];
    const liveness = createLivenessBoard();
    // Opened before the parts and closed after them: every part may record events from attach to detach.
    const { mode: fileMode, groupId } = evidenceFileOptions(config);
    const events = openEventJournal({ dir: config.status.dir, ...config.events, fileMode, groupId, log });
    // Every accepted reload reaches the parts: a SIGHUP, and an edit the supervisor reloads in diagnose mode.
    const onConfigReloaded = (listener: ConfigReloadListener): void => supervisor.onConfigReloaded(listener);
    try {
      for (const part of DAEMON_PARTS) {
        detaches.push(await part.attach({ supervisor, config, configPath, log, env: process.env, liveness, onConfigReloaded, events }));
      }
      process.on('SIGTERM', () => supervisor.dispatch({ type: 'shutdown-requested', atMs: Date.now(), signal: 'SIGTERM' }));
      process.on('SIGINT', () => supervisor.dispatch({ type: 'shutdown-requested', atMs: Date.now(), signal: 'SIGINT' }));
      onHangup = () => {
        reopenLogFile(log);
        supervisor.reloadConfig();
      };
      log.info({ version: CLAWSUP_VERSION, configPath, statusDir: config.status.dir }, 'clawsupd started');
      const exitCode = await supervisor.run();
      return exitCodeOverride ?? exitCode;
    } finally {
      for (const detach of detaches.reverse()) await detach.detach();
      events.close();
      await new Promise<void>((resolve) => log.flush(() => resolve()));
    }
  } finally {
    pidFile.remove();
    lock.release();
  }
}

// Removing the status dir removes the lock with it: look this often, so a second clawsupd cannot start meanwhile.
const LOCK_CHECK_INTERVAL_MS = 2_000;

/** Logs what the lock check found, once per change rather than every interval. */
function createLockCheck(lock: InstanceLock, log: Logger, onTaken: () => void, onReclaimed: () => void): () => void {
  let lastState: LockState = 'held';
  let lastReadError: string | null = null;
  return () => {
    // A lock that exists but cannot be opened (EMFILE) says nothing about who holds it: look again next time.
    const readError = findLockReadError(lock.path);
    if (readError !== lastReadError && readError !== null) log.warn({ lockPath: lock.path, errno: readError }, 'cannot read the instance lock: checking again later');
    lastReadError = readError;
    if (readError !== null) return;
    const state = lock.reclaim();
    if (state === lastState) return;
    lastState = state === 'reclaimed' ? 'held' : state;
    if (state === 'reclaimed') {
      log.warn({ lockPath: lock.path }, 'instance lock was removed: claimed it again');
      try {
        onReclaimed();
      } catch (error) {
        log.error({ err: describeError(error), lockPath: lock.path }, 'cannot write the gateway mark and record again');
      }
    }
    else if (state === 'taken') {
      log.error({ lockPath: lock.path }, 'instance lock taken by another clawsupd: stopping this one');
      onTaken();
    }
    else if (state === 'unwritable') log.error({ lockPath: lock.path }, 'instance lock was removed and cannot be written again');
  };
}

function parseCliArgs(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'c' },
        check: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new ClawsupError('CLAWSUP_ERR_USAGE', `${(error as Error).message} (see clawsupd --help)`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // Watchers and sockets may still hold the loop: the supervisor has finished, so leave now.
    process.exit(code);
  },
  (error: unknown) => {
    if (isClawsupError(error)) {
      process.stderr.write(`clawsupd: ${error.message}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    process.stderr.write(`clawsupd: internal error: ${JSON.stringify(describeError(error))}\n${(error as Error)?.stack ?? ''}\n`);
    process.exitCode = 70;
  },
);
