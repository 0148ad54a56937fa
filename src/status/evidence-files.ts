import type { ClawsupConfig } from '../config/schema.js';
import { resolveGroupId } from '../control/group-id.js';

/** status.json and diagnosis.json carry the gateway's output and exit evidence: the daemon's user and group only. */
export const EVIDENCE_FILE_MODE = 0o640;

/**
 * How to write an evidence file: 0640, given to `control.group` when set (its members may use the socket, so they
 * may read what it would answer), else left to the daemon's own group.
 */
export interface EvidenceFileOptions {
  mode: number;
  groupId: number | null;
}

export function evidenceFileOptions(config: ClawsupConfig): EvidenceFileOptions {
  const group = config.control.group;
  return { mode: EVIDENCE_FILE_MODE, groupId: group === undefined ? null : resolveGroupId(group) };
}
