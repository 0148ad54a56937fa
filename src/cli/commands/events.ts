import { formatEventJson, formatEventLine } from '../../events/format-event.js';
import type { JournalEvent } from '../../events/journal-event.js';
import { readJournal, type JournalRead } from '../../events/read-journal.js';
import { isSelected, parseSince, parseTypes, type EventSelection } from '../../events/select-events.js';
import { ClawsupError, ERROR_CATALOGUE } from '../../errors.js';
import type { ClawctlCommand, ClawctlContext } from '../command.js';
import { resolveControlTarget, type ControlTarget } from '../control-target.js';
import { followUntilInterrupted } from '../follow.js';
import { parseCommandArgs } from '../parse-command-args.js';

export const eventsCommand: ClawctlCommand = {
  name: 'events',
  summary: 'the event journal (mode changes, exits, restarts, diagnose, Slack, skills), read from status.dir; -f follows it',
  usage: 'clawctl [--config FILE | --socket PATH] events [--since 2h|30m|TIME] [--type T[,T]]... [--json] [-f|--follow]',
  async run(args, context) {
    const { values } = parseCommandArgs(
      args,
      { since: { type: 'string' }, type: { type: 'string', multiple: true }, json: { type: 'boolean' }, follow: { type: 'boolean', short: 'f' } },
      this.usage,
    );
    const selection: EventSelection = { sinceMs: readSince(values.since), types: parseTypes(values.type ?? []) };
    const print = (event: JournalEvent): void => context.stdout(`${values.json === true ? formatEventJson(event) : formatEventLine(event)}\n`);
    const target = await resolveControlTarget(context);
    if (target.statusDir === null && values.follow !== true) {
      throw new ClawsupError('CLAWSUP_ERR_USAGE', 'the journal is read from status.dir, which --socket alone does not say: give --config FILE');
    }
    const read = target.statusDir === null ? null : readFromFiles(target.statusDir, selection.sinceMs, context);
    let lastSeq = 0;
    for (const event of read?.events ?? []) {
      lastSeq = Math.max(lastSeq, event.seq);
      if (isSelected(event, selection)) print(event);
    }
    if (values.follow !== true) return 0;
    return followEvents(target, selection, lastSeq, print, context);
  },
};

function readSince(text: string | undefined): number | null {
  if (text === undefined) return null;
  const sinceMs = parseSince(text, Date.now());
  if (sinceMs === null) throw new ClawsupError('CLAWSUP_ERR_USAGE', `--since takes 45s, 30m, 2h, 7d or an ISO 8601 time (2026-12-01T06:00:00Z), found "${text}"`);
  return sinceMs;
}

const READ_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such status dir: has clawsupd run with this config?',
  EACCES: "permission denied: the journal is readable by clawsupd's user and control.group only",
  ENOTDIR: 'status.dir is not a folder',
};

/** The files, whether or not the daemon runs: what cannot be read is said on stderr, never hidden. */
function readFromFiles(statusDir: string, sinceMs: number | null, context: ClawctlContext, isQuiet = false): JournalRead {
  let read: JournalRead;
  try {
    read = readJournal(statusDir, sinceMs);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const why = READ_ERRORS[code ?? ''];
    throw new ClawsupError('CLAWSUP_ERR_EVENTS_READ', `${statusDir}: cannot read the event journal: ${code ?? message}${why ? ` (${why})` : ''}`, { cause: error });
  }
  if (isQuiet) return read;
  for (const { path, line } of read.skipped) context.stderr(`clawctl: ${path}:${line}: skipped a line that is not a whole event (cut short by a crash or a full disk)\n`);
  if (read.isUnsettled) context.stderr(`clawctl: ${statusDir}: the journal kept rotating while it was read; some events may be missing\n`);
  return read;
}

/**
 * `--follow`: the files first, then each new event pushed by clawsupd. When the subscription opens the files are read
 * again, so an event appended between the first read and the subscription is not lost; `seq` keeps each printed once.
 */
function followEvents(target: ControlTarget, selection: EventSelection, lastSeqRead: number, print: (event: JournalEvent) => void, context: ClawctlContext): Promise<number> {
  let lastSeq = lastSeqRead;
  const show = (event: JournalEvent): void => {
    if (event.seq <= lastSeq) return;
    lastSeq = event.seq;
    if (isSelected(event, selection)) print(event);
  };
  return followUntilInterrupted(
    target,
    { topics: ['events'] },
    {
      onFirst: () => {
        if (target.statusDir !== null) for (const event of readFromFiles(target.statusDir, selection.sinceMs, context, true).events) show(event);
      },
      onPush: (topic, value) => {
        if (topic === 'events' && isJournalEvent(value)) show(value);
      },
    },
    context,
    ERROR_CATALOGUE.CLAWSUP_ERR_NO_DAEMON.exitCode,
  );
}

function isJournalEvent(value: unknown): value is JournalEvent {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as Record<string, unknown>;
  return Number.isSafeInteger(event.seq) && typeof event.at === 'string' && typeof event.type === 'string';
}
