import { StringDecoder } from 'node:string_decoder';

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
        emit(partial.slice(0, maxLineChars));
        partial = partial.slice(maxLineChars);
      }
    },
    flush(): void {
      const rest = partial + decoder.end();
      partial = '';
      if (rest.length > 0) emit(rest);
    },
  };
}
