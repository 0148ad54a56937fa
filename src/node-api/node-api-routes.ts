import type { IncomingMessage, ServerResponse } from 'node:http';
import { auditDirOf, readLatest } from '../audit/audit-files.js';
import type { DaemonContext } from '../daemon/daemon-part.js';
import { readJournal } from '../events/read-journal.js';
import type { HttpRoute, HttpRouteSource } from '../http/http-route.js';
import { readQuery } from '../http/sign-in.js';
import { DEFAULT_EVENTS_LIMIT, parseEventsQuery } from './events-query.js';
import { answerError, answerJson } from './json-answer.js';
import { buildAuditAnswer, buildNodeView, selectRecentEvents, type RecentEvents } from './node-view.js';

const DAY_MS = 24 * 60 * 60 * 1000;

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
  const readRecent = (sinceMs: number, limit: number): RecentEvents => selectRecentEvents(readJournal(statusDir, sinceMs).events, sinceMs, limit);
  const readAudit = () => buildAuditAnswer(supervisor.getStatus().audit, readLatest(auditDirOf(statusDir)));
  const route = (path: string, handle: (request: IncomingMessage, response: ServerResponse) => void): HttpRoute => ({ path, handle });
  return [
    route('/api/v1/status', (_request, response) => answerJson(response, 200, supervisor.getStatus())),
    route('/api/v1/events', (request, response) => {
      const query = parseEventsQuery(readQuery(request.url ?? ''), Date.now());
      if (!query.ok) return answerError(response, 400, query.error);
      return answerJson(response, 200, readRecent(query.sinceMs, query.limit));
    }),
    route('/api/v1/skills', (_request, response) => answerJson(response, 200, supervisor.getStatus().skills ?? {})),
    route('/api/v1/audit', (_request, response) => {
      const audit = readAudit();
      if (audit === null) return answerError(response, 404, 'no audit has run on this node yet (audit.intervalMs, or clawctl audit)');
      return answerJson(response, 200, audit);
    }),
    route('/api/v1/view', (_request, response) => {
      const status = supervisor.getStatus();
      const recent = readRecent(Date.now() - DAY_MS, DEFAULT_EVENTS_LIMIT * 5);
      answerJson(response, 200, buildNodeView({ configuredName: supervisor.getConfig().http.nodeName, status, recent, audit: readAudit() }));
    }),
  ];
}
