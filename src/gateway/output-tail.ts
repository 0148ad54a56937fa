/** A bounded tail of output lines, by count and by bytes (UTF-16 length as a cheap proxy). */
export interface OutputTail {
  lines: string[];
  totalChars: number;
}

export function createOutputTail(): OutputTail {
  return { lines: [], totalChars: 0 };
}

export function appendToTail(tail: OutputTail, line: string, maxLines: number, maxChars: number): void {
  tail.lines.push(line);
  tail.totalChars += line.length;
  while (tail.lines.length > maxLines || (tail.totalChars > maxChars && tail.lines.length > 1)) {
    const dropped = tail.lines.shift();
    tail.totalChars -= dropped?.length ?? 0;
  }
}
