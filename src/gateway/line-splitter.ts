import { StringDecoder } from 'node:string_decoder';

// How far back from the limit a cut may move to land on whitespace.
const CUT_LOOKBACK_CHARS = 512;

/** Cuts an endless line at whitespace near the limit, so a token or key is never split (and redacted) in two halves. */
function findCut(text: string, maxLineChars: number): number {
  for (let at = maxLineChars; at > maxLineChars - CUT_LOOKBACK_CHARS && at > 0; at -= 1) {
    if (/\s/.test(text[at - 1] ?? '')) return at;
  }
  return maxLineChars;
}

/** Turns a byte stream into lines; an endless line is cut at `maxLineChars` so memory stays bounded. */
export function createLineSplitter(onLine: (line: string) => void, maxLineChars = 16 * 1024) {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  const emit = (line: string): void => {
    onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  };
  return {
    push(chunk: Buffer): void {
      const text = partial + decoder.write(chunk);
      let start = 0;
      for (let newline = text.indexOf('\n', start); newline !== -1; newline = text.indexOf('\n', start)) {
        emit(text.slice(start, newline));
        start = newline + 1;
      }
      partial = text.slice(start);
      while (partial.length > maxLineChars) {
        const cutAt = findCut(partial, maxLineChars);
        emit(partial.slice(0, cutAt));
        partial = partial.slice(cutAt);
      }
    },
    flush(): void {
      const rest = partial + decoder.end();
      partial = '';
      if (rest.length > 0) emit(rest);
    },
  };
}
