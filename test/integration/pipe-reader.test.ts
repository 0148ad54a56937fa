// A child's pipes read into one reused buffer: every byte arrives, in order, and the child's 'close' still comes.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { waitForOutputDrain } from '../../src/gateway/gateway-process.js';
import { readPipe } from '../../src/gateway/pipe-reader.js';

const SCRIPT = [
  "const line = (i) => `line ${i} ${'x'.repeat(i % 90)}\\n`;",
  'let out = ""; for (let i = 0; i < 20000; i += 1) out += line(i);',
  'process.stdout.write(out);',
  'process.stderr.write("Error: Cannot find module \'x\'\\n");',
].join('\n');

describe('readPipe', () => {
  it("passes every byte of a child's stdout and stderr, as views of one buffer, and the child still closes", async () => {
    const child = spawn(process.execPath, ['-e', SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'] });
    const received = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
    const backings = new Set<ArrayBufferLike>();
    readPipe(child.stdout, (chunk) => {
      backings.add(chunk.buffer);
      received.stdout.push(Buffer.from(chunk));
    });
    readPipe(child.stderr, (chunk) => received.stderr.push(Buffer.from(chunk)));
    const stdoutClosed = new Promise<void>((resolve) => child.stdout?.once('close', () => resolve()));
    const [code] = await new Promise<[number | null, string | null]>((resolve) => child.once('close', (...args) => resolve(args)));
    await stdoutClosed;
    expect(code).toBe(0);
    let expected = '';
    for (let i = 0; i < 20_000; i += 1) expected += `line ${i} ${'x'.repeat(i % 90)}\n`;
    expect(Buffer.concat(received.stdout).toString()).toBe(expected);
    expect(received.stdout.length).toBeGreaterThan(1);
    expect(backings.size).toBe(1);
    expect(Buffer.concat(received.stderr).toString()).toBe("Error: Cannot find module 'x'\n");
  });

  it("ends the exit's drain with the pipes' end, not its bound", async () => {
    const child = spawn(process.execPath, ['-e', 'process.stderr.write("Error: boom\\n"); process.exit(3)'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    readPipe(child.stdout, () => undefined);
    readPipe(child.stderr, (chunk) => (stderr += chunk.toString()));
    const drainedMs = await new Promise<number>((resolve) =>
      child.once('exit', () => {
        const exitedAtMs = performance.now();
        waitForOutputDrain(child, 10_000, () => resolve(performance.now() - exitedAtMs));
      }),
    );
    expect(drainedMs).toBeLessThan(1_000);
    expect(stderr).toBe('Error: boom\n');
  });

  it('does nothing for a child without a stream (a spawn refused for EMFILE has none)', () => {
    expect(() => readPipe(undefined, () => undefined)).not.toThrow();
    expect(() => readPipe(null, () => undefined)).not.toThrow();
  });

  it('falls back to data events for a stream with no pipe to take over', async () => {
    const { PassThrough } = await import('node:stream');
    const stream = new PassThrough();
    const seen: string[] = [];
    readPipe(stream, (chunk) => seen.push(chunk.toString()));
    stream.end('plain stream\n');
    await new Promise((resolve) => stream.once('end', resolve));
    expect(seen).toEqual(['plain stream\n']);
  });
});
