import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { waitForOutputDrain } from '../../src/gateway/gateway-process.js';

/** Two pipes as a child's stdout and stderr, read in flowing mode as spawnGateway reads them. */
function makePipes() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const seen: string[] = [];
  stdout.on('data', (chunk: Buffer) => seen.push(`out:${chunk.toString()}`));
  stderr.on('data', (chunk: Buffer) => seen.push(`err:${chunk.toString()}`));
  return { child: { stdout, stderr } as unknown as Parameters<typeof waitForOutputDrain>[0], stdout, stderr, seen };
}

/** Resolves with what had been read when the drain said done. */
function drain(pipes: ReturnType<typeof makePipes>, drainMs: number): Promise<string[]> {
  return new Promise((resolve) => {
    waitForOutputDrain(pipes.child, drainMs, () => resolve([...pipes.seen]));
  });
}

describe('the exit path: waiting for the pipes after an exit with a code', () => {
  it('is done as soon as both pipes reached their end, with every line read, before they close', async () => {
    const pipes = makePipes();
    const closed: string[] = [];
    pipes.stdout.once('close', () => closed.push('stdout'));
    pipes.stderr.once('close', () => closed.push('stderr'));
    const atDone = new Promise<{ seen: string[]; closed: string[] }>((resolve) => {
      waitForOutputDrain(pipes.child, 60_000, () => resolve({ seen: [...pipes.seen], closed: [...closed] }));
    });
    pipes.stdout.end('last stdout line\n');
    pipes.stderr.end("Error: Cannot find module 'express'\n");
    expect(await atDone).toEqual({ seen: ['out:last stdout line\n', "err:Error: Cannot find module 'express'\n"], closed: [] });
  });

  it('is done at once when both pipes had already ended', async () => {
    const pipes = makePipes();
    pipes.stdout.end();
    pipes.stderr.end();
    await new Promise((resolve) => pipes.stderr.once('end', resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(await drain(pipes, 60_000)).toEqual([]);
  });

  it('counts a pipe destroyed without an end as drained', async () => {
    const pipes = makePipes();
    const done = drain(pipes, 60_000);
    pipes.stdout.end();
    pipes.stderr.destroy();
    expect(await done).toEqual([]);
  });

  it('gives up at its bound while a pipe stays open (a helper holding it)', async () => {
    const pipes = makePipes();
    const startedAtMs = Date.now();
    const done = drain(pipes, 50);
    pipes.stdout.end();
    pipes.stderr.write('still open\n');
    expect(await done).toEqual(['err:still open\n']);
    expect(Date.now() - startedAtMs).toBeGreaterThanOrEqual(45);
    pipes.stderr.destroy();
  });
});
