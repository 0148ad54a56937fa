/**
 * The last lines that fit both limits, oldest first: earlier gateways' output is kept for `clawctl logs`, and a
 * gateway printing huge lines must not make clawsupd hold megabytes of them.
 */
export function keepLastLines(lines: readonly string[], maxLines: number, maxChars: number): string[] {
  const kept: string[] = [];
  let chars = 0;
  for (let i = lines.length - 1; i >= 0 && kept.length < maxLines; i -= 1) {
    const line = lines[i]!;
    if (chars + line.length > maxChars) break;
    chars += line.length;
    kept.push(line);
  }
  return kept.reverse();
}
