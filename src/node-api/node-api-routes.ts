import { lstatSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { auditDirOf, readLatest } from '../audit/audit-files.js';
import type { DaemonContext } from '../daemon/daemon-part.js';
import type { HttpRoute, HttpRouteSource } from '../http/http-route.js';
import { readQuery } from '../http/sign-in.js';
import { parseEventsQuery } from './events-query.js';
import { answerError, answerJson } from './json-answer.js';
import { createJournalCache } from './journal-cache.js';
import { createOnePerTurn } from './one-per-turn.js';
import { readRecentEventsYielding } from './read-events-yielding.js';
import { buildAuditAnswer, buildNodeView, selectRecentEvents, type RecentEvents } from './node-view.js';

const DAY_MS = 24 * 60 * 60 * 1000;
// The view's events: a node flapping all day writes this many at most before the oldest are left out (and counted).
const VIEW_EVENTS_LIMIT = 5_000;
// Reads older than the cached day, each a slow walk through the files: one at a time, a few waiting, the rest told to retry.
const MAX_OLD_READS_WAITING = 3;
// Answers waiting for their turn of the loop: the listener holds 64 connections, each with two requests at most.
const MAX_ANSWERS_WAITING = 128;

/**
 * The read-only node API under /api/v1: what status.json, the journal, the skills and the audit say. Nothing here
 * changes anything: control stays on the local socket.
 */
export const nodeApiRouteSource: HttpRouteSource = {
  name: 'node-api',
  isEnabled: () => true,
  async load(context) {
    return { routes: nodeApiRoutes(context), detach: () => undefined };
  },
};

export function nodeApiRoutes(context: DaemonContext): HttpRoute[] {
  const { supervisor } = context;
  const statusDir = context.config.status.dir;
  // The last day, what the pages draw every few seconds, is kept parsed; an older `since` reads the files.
  const journal = createJournalCache(statusDir, DAY_MS);
  const readRecent = (sinceMs: number, limit: number, nowMs: number): RecentEvents => selectRecentEvents(journal.readEvents(nowMs), sinceMs, limit);
  const readOld = createOneAtATime(MAX_OLD_READS_WAITING);
  const auditDir = auditDirOf(statusDir);
  // Only a regular file: a FIFO or a link to /dev/zero there would hold the daemon's loop in the read for ever.
  const isLatestReadable = (): boolean => lstatSync(join(auditDir, 'latest.json'), { throwIfNoEntry: false })?.isFile() === true;
  const readAudit = () => buildAuditAnswer(supervisor.getStatus().audit, isLatestReadable() ? readLatest(auditDir) : null);
  const inTurn = createOnePerTurn(MAX_ANSWERS_WAITING);
  // Every answer in a turn of its own (one-per-turn.ts): a flood of requests slows the API, never the supervisor.
  const route = (path: string, handle: (request: IncomingMessage, response: ServerResponse) => void | Promise<void>): HttpRoute => ({
    path,
    async handle(request, response) {
      const handled = await inTurn(() => handle(request, response));
      if (handled === null) {
        response.setHeader('retry-after', '1');
        return answerError(response, 503, 'too many requests are waiting for an answer: try again in a second');
      }
      await handled;
    },
  });
  return [
    route('/api/v1/status', (_request, response) => answerJson(response, 200, supervisor.getStatus())),
    route('/api/v1/events', async (request, response) => {
      const nowMs = Date.now();
      const query = parseEventsQuery(readQuery(request.url ?? ''), nowMs);
      if (!query.ok) return answerError(response, 400, query.error);
      if (query.sinceMs >= nowMs - journal.windowMs) return answerJson(response, 200, readRecent(query.sinceMs, query.limit, nowMs));
      const recent = await readOld(() => readRecentEventsYielding(statusDir, query.sinceMs, query.limit));
      if (recent === null) {
        response.setHeader('retry-after', '2');
        return answerError(response, 503, `other clients are reading events older than ${journal.windowMs / 3_600_000} h: try again in a few seconds (since=24h or less is always served)`);
      }
      return answerJson(response, 200, recent);
    }),
    route('/api/v1/skills', (_request, response) => answerJson(response, 200, supervisor.getStatus().skills ?? {})),
    route('/api/v1/audit', (_request, response) => {
      const audit = readAudit();
      if (audit === null) return answerError(response, 404, 'no audit has run on this node yet (audit.intervalMs, or clawctl audit)');
      return answerJson(response, 200, audit);
    }),
    route('/api/v1/view', (_request, response) => {
      const status = supervisor.getStatus();
      const nowMs = Date.now();
      const recent = readRecent(nowMs - DAY_MS, VIEW_EVENTS_LIMIT, nowMs);
      answerJson(response, 200, buildNodeView({ configuredName: supervisor.getConfig().http.nodeName, status, recent, audit: readAudit() }));
    }),
  ];
}

/** Runs tasks one after another with at most `maxWaiting` queued; past that a task is not run and resolves null. */
export function createOneAtATime(maxWaiting: number): <T>(task: () => Promise<T>) => Promise<T | null> {
  let tail: Promise<unknown> = Promise.resolve();
  let waiting = 0;
  return async (task) => {
    if (waiting > maxWaiting) return null;
    waiting += 1;
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    try {
      return await run;
    } finally {
      waiting -= 1;
    }
  };
}
