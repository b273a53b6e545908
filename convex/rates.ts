/**
 * Rate limits counted in the deployment, so a per-user limit holds across every instance: a
 * sliding window of hits per key. One mutation per hit; it also drops the key's hits that left
 * the window, so a key holds at most `limit` documents (more only while the hits of a limit since
 * lowered age out). Only the servers may call it (access.ts).
 */
import { ConvexError, v } from 'convex/values'
import type { DatabaseWriter } from './_generated/server'
import { serverMutation } from './access'
import { MAX_RATE_LIMIT } from './limits'

/** Hits older than the window deleted per call (the rest go on later calls). */
const PRUNE_LIMIT = 100

/** The most hits one window may allow (limits.ts); re-exported for the functions' callers. */
export { MAX_RATE_LIMIT }

/** The longest window: the retention cron deletes hits older than this (cleanup.ts), so a longer one would forget hits it still counts. */
export const MAX_RATE_WINDOW_MS = 3_600_000

/** The `data` of the error a call with a rate window that counts nothing sensible throws. */
export type InvalidRate = {
  code: 'invalid-rate'
  message: string
}

/**
 * Throws `InvalidRate` unless `limit` is a number from 1 to `MAX_RATE_LIMIT` (a fraction allows the
 * next whole number of hits, as the memory provider's `count >= limit` does) and `windowMs` one
 * above 0 and at most `MAX_RATE_WINDOW_MS`. A limit ≤ 0 is "off" in the engine, which then never
 * calls; here it would refuse everything (0) or count nothing (negative, NaN), silently.
 */
function assertRateWindow(key: string, limit: number, windowMs: number): void {
  const invalid = (message: string) => new ConvexError<InvalidRate>({ code: 'invalid-rate', message: `Rate window ${JSON.stringify(key)}: ${message}` })
  if (!Number.isFinite(limit) || limit <= 0 || limit > MAX_RATE_LIMIT) throw invalid(`limit must be a number above 0 and at most ${MAX_RATE_LIMIT} (hits per window); got ${limit}`)
  if (!Number.isFinite(windowMs) || windowMs <= 0 || windowMs > MAX_RATE_WINDOW_MS) throw invalid(`windowMs must be a number above 0 and at most ${MAX_RATE_WINDOW_MS} (1 hour); got ${windowMs}`)
}

/** The arguments of a hit (also `jobs.create`'s `rate`). */
export const rateArgs = { key: v.string(), limit: v.number(), windowMs: v.number() }

/**
 * Whether `key` has room for a hit: `limit` hits in the last `windowMs` fill it, and then it says
 * when a slot frees. Also drops hits that left the window. Throws `InvalidRate` (nothing counted)
 * for a limit or window that counts nothing sensible.
 */
export async function rateRoom(db: DatabaseWriter, { key, limit: given, windowMs }: { key: string, limit: number, windowMs: number }) {
  assertRateWindow(key, given, windowMs)
  const limit = Math.ceil(given)
  const now = Date.now()
  const stale = await db.query('rateHits').withIndex('by_key_at', q => q.eq('key', key).lte('at', now - windowMs)).take(PRUNE_LIMIT)
  for (const hit of stale) await db.delete(hit._id)
  // The newest `limit` hits: there is room once the oldest of them left the window. The key may hold
  // more (a limit lowered since, another instance's), and then waiting for its oldest hit is not enough.
  const hits = await db.query('rateHits').withIndex('by_key_at', q => q.eq('key', key).gt('at', now - windowMs)).order('desc').take(limit)
  if (hits.length >= limit) return { ok: false as const, retryAfterMs: hits[limit - 1]!.at + windowMs - now }
  return { ok: true as const }
}

/** Counts a hit of `key` now. */
export async function addHit(db: DatabaseWriter, key: string) {
  await db.insert('rateHits', { key, at: Date.now() })
}

/** Counts a hit of `key` unless `limit` hits fall in the last `windowMs`; else says when a slot frees. */
export async function takeHit(db: DatabaseWriter, window: { key: string, limit: number, windowMs: number }) {
  const decision = await rateRoom(db, window)
  if (decision.ok) await addHit(db, window.key)
  return decision
}

/** `takeHit` for the servers' own rate limits (input answers). */
export const take = serverMutation({
  args: rateArgs,
  returns: v.union(v.object({ ok: v.literal(true) }), v.object({ ok: v.literal(false), retryAfterMs: v.number() })),
  handler: async (ctx, args) => await takeHit(ctx.db, args),
})
