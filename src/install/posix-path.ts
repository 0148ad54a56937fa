/**
 * node:path's posix `join` and `dirname`, written out so the install plan stays a pure module (no `node:` import);
 * test/unit/posix-path.test.ts holds both to node's own answers.
 */
export const posix = { join: joinPosix, dirname: dirnamePosix };

export function joinPosix(...parts: string[]): string {
  const joined = parts.filter((part) => part.length > 0).join('/');
  return joined === '' ? '.' : normalizePosix(joined);
}

/** Drops empty and `.` segments and resolves `..`; an absolute path never climbs above `/`; a trailing `/` stays. */
export function normalizePosix(path: string): string {
  if (path === '') return '.';
  const isAbsolute = path.startsWith('/');
  const hasTrailingSlash = path.endsWith('/');
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment !== '..') segments.push(segment);
    else if (segments.length > 0 && segments.at(-1) !== '..') segments.pop();
    else if (!isAbsolute) segments.push('..');
  }
  const body = segments.join('/');
  if (body === '') return isAbsolute ? '/' : hasTrailingSlash ? './' : '.';
  const withSlash = hasTrailingSlash ? `${body}/` : body;
  return isAbsolute ? `/${withSlash}` : withSlash;
}

/** Everything before the last segment, trailing slashes ignored; node keeps a leading `//` and any inner `//` as they are. */
export function dirnamePosix(path: string): string {
  if (path === '') return '.';
  const hasRoot = path.startsWith('/');
  let end = -1;
  let isInTrailingSlashes = true;
  for (let i = path.length - 1; i >= 1; i -= 1) {
    if (path[i] === '/') {
      if (!isInTrailingSlashes) {
        end = i;
        break;
      }
    } else {
      isInTrailingSlashes = false;
    }
  }
  if (end === -1) return hasRoot ? '/' : '.';
  if (hasRoot && end === 1) return '//';
  return path.slice(0, end);
}
