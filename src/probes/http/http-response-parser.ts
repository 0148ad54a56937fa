/**
 * Reads one HTTP/1.x response from the bytes of a connection, as they come: status line, headers, and a body framed by
 * Content-Length, chunked transfer coding, or the end of the connection. Just what a health answer needs; anything it
 * cannot frame is an error, never a guess. 1xx interim answers are skipped.
 */
export type ParseStep =
  | { kind: 'more' }
  /** `body` is null when it grew past the limit; `isReusable`: the connection may carry the next request. */
  | { kind: 'done'; statusCode: number; body: Buffer | null; isReusable: boolean }
  | { kind: 'error'; why: string };

export interface ResponseParser {
  push(chunk: Buffer): ParseStep;
  /** The peer ended the connection: only a body framed by that end is complete. */
  end(): ParseStep;
}

export interface ResponseLimits {
  maxHeaderBytes: number;
  maxBodyBytes: number;
}

type Framing = { kind: 'length'; remaining: number } | { kind: 'chunked' } | { kind: 'until-close' };

const HEAD_END = Buffer.from('\r\n\r\n');
const LINE_END = Buffer.from('\r\n');
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/;
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/;
const HEX_SIZE = /^([0-9A-Fa-f]{1,8})[ \t]*(?:;.*)?$/;
const MORE: ParseStep = { kind: 'more' };

export function createResponseParser(limits: ResponseLimits): ResponseParser {
  let pending: Buffer = Buffer.alloc(0);
  let statusCode = 0;
  let isReusable = false;
  let framing: Framing | null = null;
  let chunkRemaining = -1;
  let isInTrailers = false;
  const chunks: Buffer[] = [];
  let bodyBytes = 0;
  let isOverLimit = false;
  let result: ParseStep | null = null;

  const fail = (why: string): ParseStep => (result = { kind: 'error', why });
  // Past the body limit the answer ends there: its status stands, its body is not read (nor the connection kept).
  const finish = (): ParseStep =>
    (result = isOverLimit
      ? { kind: 'done', statusCode, body: null, isReusable: false }
      : { kind: 'done', statusCode, body: Buffer.concat(chunks, bodyBytes), isReusable: isReusable && pending.length === 0 });
  const keep = (part: Buffer): boolean => {
    bodyBytes += part.length;
    if (bodyBytes > limits.maxBodyBytes) {
      isOverLimit = true;
      chunks.length = 0;
      return false;
    }
    chunks.push(part);
    return true;
  };

  function readHead(): ParseStep | null {
    const end = pending.indexOf(HEAD_END);
    if (end < 0) return pending.length > limits.maxHeaderBytes ? fail(`HTTP headers over ${limits.maxHeaderBytes} bytes`) : MORE;
    if (end > limits.maxHeaderBytes) return fail(`HTTP headers over ${limits.maxHeaderBytes} bytes`);
    const lines = pending.toString('latin1', 0, end).split('\r\n');
    pending = pending.subarray(end + HEAD_END.length);
    const status = STATUS_LINE.exec(lines[0] ?? '');
    if (status === null) return fail(`not an HTTP/1 answer: ${JSON.stringify((lines[0] ?? '').slice(0, 40))}`);
    statusCode = Number(status[2]);
    const isHttp11 = status[1] === '1';
    let contentLength: number | null = null;
    let isChunked = false;
    let connection = '';
    for (const line of lines.slice(1)) {
      const header = HEADER_LINE.exec(line);
      if (header === null) return fail(`malformed HTTP header line: ${JSON.stringify(line.slice(0, 40))}`);
      const name = (header[1] ?? '').toLowerCase();
      const value = header[2] ?? '';
      if (name === 'content-length') {
        if (!/^\d{1,15}$/.test(value) || (contentLength !== null && contentLength !== Number(value))) return fail(`bad Content-Length: ${JSON.stringify(value.slice(0, 20))}`);
        contentLength = Number(value);
      } else if (name === 'transfer-encoding') {
        const codings = value.toLowerCase().split(',').map((coding) => coding.trim());
        if (codings.at(-1) !== 'chunked') return fail(`unsupported Transfer-Encoding: ${JSON.stringify(value.slice(0, 20))}`);
        isChunked = true;
      } else if (name === 'connection') {
        connection += `${value.toLowerCase()},`;
      }
    }
    // An interim answer (100 Continue, 103 Early Hints): the real one follows on the same connection.
    if (statusCode >= 100 && statusCode < 200 && statusCode !== 101) return readHead();
    if (statusCode === 101) return fail('the server switched protocols (HTTP 101)');
    isReusable = isHttp11 && !connection.split(',').some((token) => token.trim() === 'close');
    if (statusCode === 204 || statusCode === 304) framing = { kind: 'length', remaining: 0 };
    else if (isChunked) framing = { kind: 'chunked' };
    else if (contentLength !== null) framing = { kind: 'length', remaining: contentLength };
    else {
      framing = { kind: 'until-close' };
      isReusable = false;
    }
    return null;
  }

  function readBody(): ParseStep {
    if (framing === null) return MORE;
    if (framing.kind === 'until-close') {
      const isKept = keep(pending);
      pending = Buffer.alloc(0);
      return isKept ? MORE : finish();
    }
    if (framing.kind === 'length') {
      const part = pending.subarray(0, framing.remaining);
      if (!keep(part)) return finish();
      framing.remaining -= part.length;
      pending = pending.subarray(part.length);
      return framing.remaining === 0 ? finish() : MORE;
    }
    return readChunks();
  }

  function readChunks(): ParseStep {
    for (;;) {
      if (isInTrailers) {
        const end = pending.indexOf(LINE_END);
        if (end < 0) return pending.length > limits.maxHeaderBytes ? fail('HTTP trailers too long') : MORE;
        pending = pending.subarray(end + LINE_END.length);
        // An empty line ends the trailers (and the answer); a trailer field itself is skipped.
        if (end === 0) return finish();
        continue;
      }
      if (chunkRemaining < 0) {
        const end = pending.indexOf(LINE_END);
        if (end < 0) return pending.length > 64 ? fail('malformed chunk size line') : MORE;
        const size = HEX_SIZE.exec(pending.toString('latin1', 0, end));
        if (size === null) return fail('malformed chunk size line');
        pending = pending.subarray(end + LINE_END.length);
        chunkRemaining = Number.parseInt(size[1] ?? '0', 16);
        if (chunkRemaining === 0) {
          isInTrailers = true;
          continue;
        }
      }
      // The chunk's data, then its CRLF.
      if (chunkRemaining > 0) {
        const part = pending.subarray(0, chunkRemaining);
        if (!keep(part)) return finish();
        chunkRemaining -= part.length;
        pending = pending.subarray(part.length);
        if (chunkRemaining > 0) return MORE;
      }
      if (pending.length < LINE_END.length) return MORE;
      if (pending[0] !== 0x0d || pending[1] !== 0x0a) return fail('malformed chunk: no CRLF after its data');
      pending = pending.subarray(LINE_END.length);
      chunkRemaining = -1;
    }
  }

  return {
    push(chunk) {
      if (result !== null) return result.kind === 'done' ? fail('bytes after the end of the answer') : result;
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      if (framing === null) {
        const step = readHead();
        if (step !== null) return step;
      }
      return readBody();
    },
    end() {
      if (result !== null) return result;
      if (framing?.kind === 'until-close') return finish();
      return fail('the connection closed before a complete answer');
    },
  };
}
