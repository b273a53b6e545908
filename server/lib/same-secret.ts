/**
 * Comparing a secret a client sent (the metrics token, the DevTools token) with the configured one
 * in time that tells nothing about it: both are hashed (SHA-256) and the digests, always 32 bytes,
 * compared with `timingSafeEqual`. Comparing the raw bytes needed equal lengths first, and that
 * early return answered a token of the wrong length faster: a guesser could learn the length.
 */
import { createHash, timingSafeEqual } from 'node:crypto'

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest()
}

/** Whether `given` is `expected`, in time independent of where or whether they differ, and of their lengths. */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected))
}
