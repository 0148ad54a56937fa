import { Socket, type SocketConstructorOpts } from 'node:net';
import type { Readable } from 'node:stream';

// Each pipe is read into one buffer, filled again by every read: a flood allocates nothing per read. A new 64 KiB
// Buffer per read made V8 count them as external memory and run full collections through a flood.
const READ_BUFFER_BYTES = 64 * 1024;

interface PipeHandle {
  readStart(): number;
  useUserBuffer(buffer: Uint8Array): void;
}

function isPipeHandle(handle: unknown): handle is PipeHandle {
  const candidate = handle as Partial<PipeHandle> | null | undefined;
  return typeof candidate?.readStart === 'function' && typeof candidate.useUserBuffer === 'function';
}

/**
 * Calls `onChunk` with each read of a child's stdout or stderr, as a view of one reused buffer, valid during the call
 * only. The child's own socket hands its pipe to a socket reading with `onread` and closes when that one does, so
 * 'close' (the exit's drain, the child's 'close') comes as before. Without a pipe to take over, plain 'data' events.
 */
export function readPipe(stream: Readable | null | undefined, onChunk: (chunk: Buffer) => void): void {
  // A spawn refused for EMFILE leaves the child without stdio streams at all.
  if (stream === null || stream === undefined) return;
  const owner = stream as Readable & { _handle?: unknown };
  const handle = owner._handle;
  if (!isPipeHandle(handle)) {
    stream.on('data', onChunk);
    return;
  }
  owner._handle = null;
  const buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  const options = { handle, readable: true, writable: false, onread: { buffer, callback: (bytes: number) => void onChunk(buffer.subarray(0, bytes)) } };
  const reader = new Socket(options as SocketConstructorOpts);
  // A read error ends the pipe like its end does: nothing is left to read, and the daemon must not crash on it.
  reader.on('error', () => undefined);
  // The end read is the end of the child's stream too: the exit's drain waits for no close a turn later.
  reader.once('end', () => stream.destroy());
  reader.once('close', () => stream.destroy());
  reader.resume();
}
