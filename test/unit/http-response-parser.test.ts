import { describe, expect, it } from 'vitest';
import { createResponseParser, type ParseStep } from '../../src/probes/http/http-response-parser.js';

const LIMITS = { maxHeaderBytes: 256, maxBodyBytes: 32 };

/** Feeds the answer in the given pieces (then the end of the connection, when asked) and returns the last step. */
function parse(pieces: string[], isEnded = false): ParseStep {
  const parser = createResponseParser(LIMITS);
  let step: ParseStep = { kind: 'more' };
  for (const piece of pieces) {
    step = parser.push(Buffer.from(piece, 'latin1'));
    if (step.kind !== 'more') break;
  }
  return isEnded && step.kind === 'more' ? parser.end() : step;
}

const text = (step: ParseStep): unknown => (step.kind === 'done' ? { ...step, body: step.body?.toString('utf8') ?? null } : step);

// Every answer is also fed one byte at a time: framing must not depend on where the reads split.
const bytewise = (answer: string): string[] => [...answer];

describe('createResponseParser', () => {
  it.each<[string, string, boolean, unknown]>([
    ['Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n{"ok":true}', false, { kind: 'done', statusCode: 200, body: '{"ok":true}', isReusable: true }],
    ['chunked, as node:http sends a writeHead without a length', 'HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nb\r\n{"ok":true}\r\n0\r\n\r\n', false, { kind: 'done', statusCode: 503, body: '{"ok":true}', isReusable: true }],
    ['chunks with extensions and a trailer', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: 1\r\n\r\n', false, { kind: 'done', statusCode: 200, body: 'abcde', isReusable: true }],
    ['Connection: close is not kept', 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi', false, { kind: 'done', statusCode: 200, body: 'hi', isReusable: false }],
    ['HTTP/1.0 is not kept', 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi', false, { kind: 'done', statusCode: 200, body: 'hi', isReusable: false }],
    ['no framing: the body ends with the connection', 'HTTP/1.1 200 OK\r\n\r\n{"a":1}', true, { kind: 'done', statusCode: 200, body: '{"a":1}', isReusable: false }],
    ['204 has no body', 'HTTP/1.1 204 No Content\r\n\r\n', false, { kind: 'done', statusCode: 204, body: '', isReusable: true }],
    ['a 100 Continue before the answer is skipped', 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n', false, { kind: 'done', statusCode: 404, body: '', isReusable: true }],
    ['a body past the limit keeps its status, not its bytes nor the connection', `HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n${'x'.repeat(40)}`, false, { kind: 'done', statusCode: 200, body: null, isReusable: false }],
    ['a chunked body past the limit too', `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n28\r\n${'x'.repeat(40)}\r\n0\r\n\r\n`, false, { kind: 'done', statusCode: 200, body: null, isReusable: false }],
    ['not HTTP', 'SSH-2.0-OpenSSH_9.6\r\n\r\n', false, { kind: 'error', why: 'not an HTTP/1 answer: "SSH-2.0-OpenSSH_9.6"' }],
    ['a header line without a colon', 'HTTP/1.1 200 OK\r\nbroken\r\n\r\n', false, { kind: 'error', why: 'malformed HTTP header line: "broken"' }],
    ['two different lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nhi', false, { kind: 'error', why: 'bad Content-Length: "3"' }],
    ['a length that is no number', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', false, { kind: 'error', why: 'bad Content-Length: "-1"' }],
    ['a coding it cannot frame', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n', false, { kind: 'error', why: 'unsupported Transfer-Encoding: "gzip"' }],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', false, { kind: 'error', why: 'malformed chunk size line' }],
    ['a chunk without its CRLF', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhiXX', false, { kind: 'error', why: 'malformed chunk: no CRLF after its data' }],
    ['headers past the limit', `HTTP/1.1 200 OK\r\nX-Big: ${'y'.repeat(300)}\r\n\r\n`, false, { kind: 'error', why: 'HTTP headers over 256 bytes' }],
    ['closed inside the headers', 'HTTP/1.1 200 OK\r\nContent-Len', true, { kind: 'error', why: 'the connection closed before a complete answer' }],
    ['closed inside a framed body', 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhi', true, { kind: 'error', why: 'the connection closed before a complete answer' }],
    ['a protocol switch', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n', false, { kind: 'error', why: 'the server switched protocols (HTTP 101)' }],
  ])('%s', (_name, answer, isEnded, expected) => {
    expect(text(parse([answer], isEnded))).toEqual(expected);
    expect(text(parse(bytewise(answer), isEnded))).toEqual(expected);
  });

  it('waits for more while the answer is incomplete', () => {
    expect(parse(['HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab'])).toEqual({ kind: 'more' });
    expect(parse(['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n'])).toEqual({ kind: 'more' });
  });

  it('keeps no connection that read bytes past the answer in the same read', () => {
    expect(text(parse(['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiHTTP/1.1']))).toEqual({ kind: 'done', statusCode: 200, body: 'hi', isReusable: false });
  });

  it('calls any byte after a complete answer an error, once the answer was given', () => {
    const parser = createResponseParser(LIMITS);
    expect(parser.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n')).kind).toBe('done');
    expect(parser.push(Buffer.from('x'))).toEqual({ kind: 'error', why: 'bytes after the end of the answer' });
  });
});
