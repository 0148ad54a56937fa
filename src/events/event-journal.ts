import { closeSync, constants, fchownSync, fdatasync, fdatasyncSync, fstatSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import type { Logger } from '../daemon/logger.js';
import { describeError } from '../describe-error.js';
import type { EventSink, JournalHealth } from './event-sink.js';
import { encodeEvent, JOURNAL_KEEP_MS, type JournalEvent } from './journal-event.js';
import { journalPath, listJournalFiles } from './journal-files.js';
import { recoverTail } from './journal-tail.js';
import { chooseFilesToDelete, planRotation, shouldRotate } from './journal-retention.js';

// A crash of clawsupd loses nothing written (the page cache has it); an fsync per event would put a disk wait on the
// loop for each. So data is synced a second after a write, off the loop: a power cut loses at most that second. An idle
// journal sets no timer.
const SYNC_DELAY_MS = 1_000;

export interface EventJournalOptions {
  dir: string;
  maxBytes: number;
  maxFiles: number;
  log: Logger;
  fileMode: number;
  groupId: number | null;
  nowMs?: () => number;
  syncDelayMs?: number;
}

export interface EventJournal extends EventSink {
  lastSeq(): number;
  /** Syncs and closes the file; events appended afterwards are dropped. */
  close(): void;
}

/** The journal writer: one write(2) of a whole line per event (O_APPEND), size rotation, at least a day kept. */
export function openEventJournal(options: EventJournalOptions): EventJournal {
  const { dir, maxBytes, maxFiles, fileMode, groupId } = options;
  const log = options.log.child({ component: 'events' });
  const nowMs = options.nowMs ?? Date.now;
  const path = journalPath(dir, 0);
  const listeners = new Set<(event: JournalEvent) => void>();
  const healthListeners: Array<(health: JournalHealth) => void> = [];
  const recovered = recoverTail(dir);
  let seq = recovered.lastSeq;
  // A crash left the last line cut short: the next write starts a new line, so the fragment stays a line of its own.
  let needsNewline = recovered.hasUnfinishedLine;
  let fd: number | null = null;
  let sizeBytes = 0;
  let isDirty = false;
  let isClosed = false;
  let health: JournalHealth = { droppedEvents: 0, lastError: null, isFailing: false };
  let syncTimer: NodeJS.Timeout | null = null;
  // The open file's identity, from the fstat at open: a write compares the path's with it (one stat, not two).
  let openedFile = { ino: 0, dev: 0 };
  openCurrent();

  /** Opens events.ndjson for appending; the error when it cannot (also reported through fail()). */
  function openCurrent(): unknown {
    try {
      const opened = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, fileMode);
      try {
        if (groupId !== null) fchownSync(opened, -1, groupId);
        const openedStats = fstatSync(opened);
        sizeBytes = openedStats.size;
        openedFile = { ino: openedStats.ino, dev: openedStats.dev };
      } catch (error) {
        closeSync(opened);
        throw error;
      }
      fd = opened;
      return null;
    } catch (error) {
      fd = null;
      fail(error);
      return error;
    }
  }

  function closeCurrent(): void {
    if (fd === null) return;
    try {
      closeSync(fd);
    } catch {
      // Nothing to do about a failed close of an append-only file: the next open starts afresh.
    }
    fd = null;
  }

  function fail(error: unknown): void {
    const wasFailing = health.isFailing;
    const { code, message } = describeError(error);
    health = { ...health, lastError: code ?? message, isFailing: true };
    if (wasFailing) return;
    log.warn({ err: { code, message }, journal: path, droppedEvents: health.droppedEvents }, 'cannot write the event journal: dropping events until it can');
    for (const listener of healthListeners) listener(health);
  }

  function recover(): void {
    if (!health.isFailing) return;
    health = { ...health, isFailing: false };
    log.info({ journal: path, droppedEvents: health.droppedEvents }, 'event journal written again');
    for (const listener of healthListeners) listener(health);
  }

  function drop(error: unknown): void {
    const wasFailing = health.isFailing;
    health = { ...health, droppedEvents: health.droppedEvents + 1 };
    fail(error);
    // The first drop was told by fail(); later ones change only the count.
    if (wasFailing) for (const listener of healthListeners) listener(health);
  }

  function rotate(): unknown {
    closeCurrent();
    try {
      const existing = listJournalFiles(dir);
      for (const { from, to } of planRotation(existing.map((file) => file.index))) renameSync(journalPath(dir, from), journalPath(dir, to));
      needsNewline = false;
    } catch (error) {
      log.error({ err: describeError(error), journal: path }, 'cannot rotate the event journal: writing on in the same file');
    }
    const openError = openCurrent();
    deleteOldFiles();
    return openError;
  }

  function deleteOldFiles(): void {
    try {
      const files = listJournalFiles(dir).map((file) => ({ index: file.index, newestAtMs: file.mtimeMs }));
      for (const index of chooseFilesToDelete(files, { maxFiles, keepMs: JOURNAL_KEEP_MS, nowMs: nowMs() })) unlinkSync(journalPath(dir, index));
    } catch (error) {
      log.warn({ err: describeError(error), journal: path }, 'cannot remove old event journal files');
    }
  }

  function writeLine(line: string): void {
    // The status dir was removed or the file moved: write where the path now leads.
    if (fd !== null && !pathLeadsTo(path, openedFile)) closeCurrent();
    const openError = fd === null ? openCurrent() : shouldRotate(sizeBytes, Buffer.byteLength(line), maxBytes) ? rotate() : null;
    if (fd === null) return drop(openError ?? new Error('the journal file is not open'));
    const bytes = Buffer.from(needsNewline ? `\n${line}` : line);
    let written = 0;
    try {
      written = writeSync(fd, bytes);
    } catch (error) {
      return drop(error);
    }
    sizeBytes += written;
    isDirty = true;
    syncSoon();
    if (written === bytes.length - 1) {
      // Only the newline is missing: the event is whole and readers take it, so it is not dropped; the disk is still full.
      needsNewline = true;
      return;
    }
    if (written < bytes.length) {
      // A short write (the disk filled mid-line) leaves a fragment: readers skip it, and the next line starts afresh.
      needsNewline = true;
      return drop(Object.assign(new Error('short write'), { code: 'ENOSPC' }));
    }
    needsNewline = false;
    recover();
  }

  function syncSoon(): void {
    if (syncTimer !== null) return;
    syncTimer = setTimeout(sync, options.syncDelayMs ?? SYNC_DELAY_MS);
    syncTimer.unref();
  }

  function sync(): void {
    syncTimer = null;
    if (fd === null || !isDirty) return;
    isDirty = false;
    fdatasync(fd, (error) => {
      if (error) log.debug({ err: describeError(error) }, 'cannot sync the event journal');
    });
  }

  return {
    append(type, fields = {}) {
      seq += 1;
      const event: JournalEvent = { ...fields, seq, at: new Date(nowMs()).toISOString(), type };
      if (isClosed) drop(new Error('the journal is closed'));
      else writeLine(encodeEvent(event));
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (error) {
          log.error({ err: describeError(error) }, 'an event listener failed');
        }
      }
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    readHealth: () => health,
    onHealthChange: (listener) => void healthListeners.push(listener),
    lastSeq: () => seq,
    close() {
      if (isClosed) return;
      isClosed = true;
      if (syncTimer !== null) clearTimeout(syncTimer);
      if (health.isFailing) log.warn({ journal: path, droppedEvents: health.droppedEvents, lastError: health.lastError }, 'event journal closed while failing: events dropped');
      if (fd !== null && isDirty) {
        try {
          // At shutdown a wait is fine: the last events are what explains the stop.
          fdatasyncSync(fd);
        } catch {
          // A disk that cannot sync has been reported by the writes already.
        }
      }
      closeCurrent();
    },
  };
}

function pathLeadsTo(path: string, file: { ino: number; dev: number }): boolean {
  try {
    const named = statSync(path);
    return named.ino === file.ino && named.dev === file.dev;
  } catch {
    return false;
  }
}
