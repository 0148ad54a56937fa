import { createHash, timingSafeEqual } from 'node:crypto';
import { readBearerToken } from './request-decision.js';

/** Compares in constant time: both sides are hashed first, so neither the content nor the length leaks through timing. */
export function compareToken(given: string | null, expected: string): 'none' | 'wrong' | 'right' {
  if (given === null) return 'none';
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected)) ? 'right' : 'wrong';
}

/** The bearer token of an `Authorization` header against the configured one (null: none configured). */
export function checkToken(header: string | undefined, expected: string | null): null | 'missing' | 'wrong' | 'right' {
  if (expected === null) return null;
  const checked = compareToken(readBearerToken(header), expected);
  return checked === 'none' ? 'missing' : checked;
}
