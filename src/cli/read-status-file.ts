import { readRegularFile } from '../status/read-regular-file.js';
import { parseJsonObject } from './terminal-text.js';

// status.json holds every skill (up to 1000, each message up to 4 KiB) and the evidence lines: megabytes at most.
export const MAX_STATUS_FILE_BYTES = 16 * 1024 * 1024;

export type StatusFileRead = { ok: true; value: Record<string, unknown>; writtenAt: string } | { ok: false; problem: string };

/** A file clawsupd wrote in status.dir (status.json, diagnosis.json), read back as a JSON object, or what is wrong. */
export function readStatusFile(path: string, what: string): StatusFileRead {
  const read = readRegularFile(path, MAX_STATUS_FILE_BYTES);
  if (!read.ok) return read;
  const parsed = parseJsonObject(read.text, what);
  return parsed.ok ? { ok: true, value: parsed.value, writtenAt: read.mtime.toISOString() } : parsed;
}
