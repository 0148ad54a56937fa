import { createHash, timingSafeEqual } from 'node:crypto';
import { readBearerToken } from './request-decision.js';

/** Compares in constant time: both sides are hashed first, so neither the content nor the length leaks through timing. */
export function checkToken(header: string | undefined, expected: string | null): null | 'missing' | 'wrong' | 'right' {
  if (expected === null) return null;
  const given = readBearerToken(header);
  if (given === null) return 'missing';
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected)) ? 'right' : 'wrong';
}
