import { readFileSync } from 'node:fs';
import { ClawsupError } from '../errors.js';

const GROUP_FILE = '/etc/group';

/** A group name (looked up in /etc/group) or a numeric gid, as `control.group` may give it. */
export function resolveGroupId(group: string, groupFile: string = GROUP_FILE): number {
  if (/^\d+$/.test(group)) return Number(group);
  let text = '';
  try {
    text = readFileSync(groupFile, 'utf8');
  } catch {
    // Handled below: the group is reported as not found.
  }
  for (const line of text.split('\n')) {
    const [name, , gid] = line.split(':');
    if (name === group && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
  }
  throw new ClawsupError('CLAWSUP_ERR_SOCKET', `control.group: no group "${group}" in ${groupFile} (give its numeric gid instead)`);
}
