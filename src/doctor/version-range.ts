/** Whether a version satisfies an npm `engines` range (`>=24.16 <25 || >=26.1`, `^20.18`, `~24`, `24.x`); null if unreadable. */
export function satisfiesRange(version: string, range: string): boolean | null {
  const current = parseVersion(version);
  if (current === null) return null;
  const alternatives = range.split('||').map((part) => part.trim());
  let isReadable = true;
  for (const alternative of alternatives) {
    const comparators = alternative === '' || alternative === '*' ? [] : alternative.split(/\s+/);
    const results = comparators.map((comparator) => testComparator(current, comparator));
    if (results.includes(null)) {
      isReadable = false;
      continue;
    }
    if (results.every(Boolean)) return true;
  }
  return isReadable ? false : null;
}

type Version = [number, number, number];

function parseVersion(text: string): Version | null {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text.trim());
  if (match === null) return null;
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i += 1) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

function testComparator(current: Version, comparator: string): boolean | null {
  const match = /^(>=|<=|>|<|=|\^|~)?v?(\d+|x|\*)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?$/.exec(comparator);
  if (match === null) return null;
  const operator = match[1] ?? '=';
  const parts = [match[2], match[3], match[4]];
  const precision = parts.findIndex((part) => part === undefined || part === 'x' || part === '*');
  const given = precision < 0 ? 3 : precision;
  const base: Version = [Number(parts[0]) || 0, given > 1 ? Number(parts[1]) : 0, given > 2 ? Number(parts[2]) : 0];
  const upper = (index: number): Version => (index === 0 ? [base[0] + 1, 0, 0] : index === 1 ? [base[0], base[1] + 1, 0] : [base[0], base[1], base[2] + 1]);
  switch (operator) {
    case '>=':
      return compare(current, base) >= 0;
    case '>':
      return given === 3 ? compare(current, base) > 0 : compare(current, upper(given - 1)) >= 0;
    case '<':
      return compare(current, base) < 0;
    case '<=':
      return given === 3 ? compare(current, base) <= 0 : compare(current, upper(given - 1)) < 0;
    case '^':
      return compare(current, base) >= 0 && compare(current, upper(base[0] === 0 && given > 1 ? 1 : 0)) < 0;
    case '~':
      return compare(current, base) >= 0 && compare(current, upper(given > 1 ? 1 : 0)) < 0;
    default:
      return given === 0 ? true : compare(current, base) >= 0 && compare(current, upper(given - 1)) < 0;
  }
}
