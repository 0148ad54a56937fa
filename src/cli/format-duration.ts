const UNITS: ReadonlyArray<[string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/** 93784000 -> "1d 2h", 65000 -> "1m 5s", 800 -> "800ms": the two largest units, for people. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'unknown';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ms));
  if (rest < 1_000) return `${sign}${rest}ms`;
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    if (rest >= size || parts.length > 0) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return sign + parts.filter((part, i) => i === 0 || !part.startsWith('0')).join(' ');
}

/** "5m 2s ago" from an ISO time, or "at an unknown time". */
export function formatAge(iso: unknown, nowMs: number): string {
  // Anything but a string is no time (and an object with a `toString` key would make Date.parse throw).
  const atMs = typeof iso === 'string' ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(atMs) ? 'at an unknown time' : `${formatDuration(nowMs - atMs)} ago`;
}
