/** One component of a path, from `/` down, as lstat saw it. */
export interface PathNode {
  path: string;
  uid: number;
  gid: number;
  mode: number;
  isDirectory: boolean;
}

/** Who may own or write what a root service runs: root and the user it runs as. */
export interface TrustedOwners {
  uids: readonly number[];
  gids: readonly number[];
}

export type PathTrust = { isTrusted: true } | { isTrusted: false; why: string };

const WORLD_WRITABLE = 0o002;
const GROUP_WRITABLE = 0o020;
const STICKY = 0o1000;

/**
 * Whether only trusted owners can replace what sits at the end of `chain`: every component must be owned by one of
 * them and writable by no one else (a sticky folder such as /tmp stops others from replacing what they do not own).
 */
export function judgePathTrust(chain: readonly PathNode[], trusted: TrustedOwners): PathTrust {
  for (const node of chain) {
    if (!trusted.uids.includes(node.uid)) return { isTrusted: false, why: `${node.path} is owned by uid ${node.uid}` };
    const isStickyFolder = node.isDirectory && (node.mode & STICKY) !== 0;
    if ((node.mode & WORLD_WRITABLE) !== 0 && !isStickyFolder) return { isTrusted: false, why: `${node.path} is writable by everyone` };
    if ((node.mode & GROUP_WRITABLE) !== 0 && !isStickyFolder && !trusted.gids.includes(node.gid)) {
      return { isTrusted: false, why: `${node.path} is writable by group ${node.gid}` };
    }
  }
  return { isTrusted: true };
}
