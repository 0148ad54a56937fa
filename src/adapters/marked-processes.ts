import { readdirSync, readFileSync } from 'node:fs';

/** Set in the gateway's environment to clawsupd's status dir, so a gateway can be found even when no record names it. */
export const GATEWAY_MARKER_VARIABLE = 'CLAWSUP_STATUS_DIR';

/**
 * Processes (other than this one) whose environment carries the marker for `statusDir`: the gateways and workers of an
 * earlier clawsupd, including one killed between spawning a gateway and recording its pid. Linux only (/proc);
 * elsewhere the pid record is all there is.
 */
export function findMarkedProcesses(statusDir: string): Array<{ pid: number; pgid: number }> {
  if (process.platform !== 'linux') return [];
  const needle = Buffer.from(`${GATEWAY_MARKER_VARIABLE}=${statusDir}\0`);
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const found: Array<{ pid: number; pgid: number }> = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`);
      const at = environ.indexOf(needle);
      if (at === -1 || (at > 0 && environ[at - 1] !== 0)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      found.push({ pid, pgid: Number(fields[2]) });
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}
