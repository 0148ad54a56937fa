import { StringDecoder } from 'node:string_decoder';
import type { SecretSpan } from './redact.js';

// How far back from the limit a cut may move to land on whitespace.
const CUT_LOOKBACK_CHARS = 512;
// How much of an endless line is held past the limit before cutting, so a secret straddling the cut is seen whole.
const CUT_LOOKAHEAD_CHARS = 4096;

/** Cuts an endless line at whitespace near the limit, so a token or key is never split (and redacted) in two halves. */
function findCut(text: string, maxLineChars: number): number {
  for (let at = maxLineChars; at > maxLineChars - CUT_LOOKBACK_CHARS && at > 0; at -= 1) {
    if (/\s/.test(text[at - 1] ?? '')) return at;
  }
  return maxLineChars;
}

/**
 * A cut outside every secret: before the one the cut would split, or, when it opens the line, after it (the line then
 * runs past the limit by at most the lookahead). Each piece is redacted alone, so a split secret would show its halves.
 */
function findSafeCut(text: string, maxLineChars: number, spans: readonly SecretSpan[]): number {
  const cut = findCut(text, maxLineChars);
  const split = spans.find((span) => span.start < cut && cut < span.end);
  if (split === undefined) return cut;
  return split.start > 0 ? split.start : split.end;
}

/**
 * Turns a byte stream into lines; an endless line is cut at `maxLineChars` so memory stays bounded, never inside a
 * span that `findSecretSpans` reports. With `findRedactionHints`, each line says whether it is plain: it overlaps no
 * hint of the text it was cut from, so redaction would leave it as it is (cut and last lines are never plain).
 */
export function createLineSplitter(
  onLine: (line: string, isPlain: boolean) => void,
  maxLineChars = 16 * 1024,
  findSecretSpans: (text: string) => readonly SecretSpan[] = () => [],
  findRedactionHints?: (text: string) => readonly SecretSpan[],
) {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  const emit = (line: string, isPlain = false): void => {
    onLine(line.endsWith('\r') ? line.slice(0, -1) : line, isPlain);
  };
  const cutWhileOver = (heldChars: number): void => {
    while (partial.length > heldChars) {
      const window = partial.slice(0, maxLineChars + CUT_LOOKAHEAD_CHARS);
      const cutAt = findSafeCut(window, maxLineChars, findSecretSpans(window));
      emit(partial.slice(0, cutAt));
      partial = partial.slice(cutAt);
    }
  };
  return {
    push(chunk: Buffer): void {
      const text = partial + decoder.write(chunk);
      const firstNewline = text.indexOf('\n');
      // No line ends in this text: nothing to mark, and a long partial line is not scanned again at every push.
      const hints = firstNewline === -1 ? undefined : findRedactionHints?.(text);
      let hintAt = 0;
      let start = 0;
      for (let newline = firstNewline; newline !== -1; newline = text.indexOf('\n', start)) {
        let isPlain = false;
        if (hints !== undefined) {
          while (hintAt < hints.length && (hints[hintAt] as SecretSpan).end <= start) hintAt += 1;
          isPlain = hintAt === hints.length || (hints[hintAt] as SecretSpan).start >= newline;
        }
        emit(text.slice(start, newline), isPlain);
        start = newline + 1;
      }
      partial = text.slice(start);
      cutWhileOver(maxLineChars + CUT_LOOKAHEAD_CHARS);
    },
    flush(): void {
      partial += decoder.end();
      cutWhileOver(maxLineChars);
      if (partial.length > 0) emit(partial);
      partial = '';
    },
  };
}
