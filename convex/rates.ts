/**
 * Rate limits counted in the deployment, so a per-user limit holds across every instance: a
 * sliding window of hits per key. One mutation per hit; it also drops the key's hits that left
 * the window, so a key holds at most `limit` documents. Only the servers may call it (access.ts).
 */
import { v } from 'convex/values'
import type { DatabaseWriter } from './_generated/server'
import { serverMutation } from './access'

/** Hits older than the window deleted per call (the rest go on later calls). */
const PRUNE_LIMIT = 100

/** The arguments of a hit (also `jobs.create`'s `rate`). */
export const rateArgs = { key: v.string(), limit: v.number(), windowMs: v.number() }

/** Counts a hit of `key` unless `limit` hits fall in the last `windowMs`; else says when a slot frees. */
export async function takeHit(db: DatabaseWriter, { key, limit, windowMs }: { key: string, limit: number, windowMs: number }) {
  const now = Date.now()
  const stale = await db.query('rateHits').withIndex('by_key_at', q => q.eq('key', key).lte('at', now - windowMs)).take(PRUNE_LIMIT)
  for (const hit of stale) await db.delete(hit._id)
  const hits = await db.query('rateHits').withIndex('by_key_at', q => q.eq('key', key).gt('at', now - windowMs)).take(limit)
  if (hits.length >= limit) return { ok: false as const, retryAfterMs: hits[0]!.at + windowMs - now }
  await db.insert('rateHits', { key, at: now })
  return { ok: true as const }
}

/** `takeHit` for the servers' own rate limits (input answers). */
export const take = serverMutation({
  args: rateArgs,
  returns: v.union(v.object({ ok: v.literal(true) }), v.object({ ok: v.literal(false), retryAfterMs: v.number() })),
  handler: async (ctx, args) => await takeHit(ctx.db, args),
})
