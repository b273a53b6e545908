/**
 * Reading a user's list of jobs from Redis by keyset: the per-user sorted set scores each job id
 * by its `createdAt`, and Redis orders equal scores by member, so `ZRANGE … BYSCORE REV` walks
 * the list newest first (list-order.ts). A page starts strictly after its bound — the jobs created
 * in the bound's millisecond that sort after it, then a range below that millisecond — so each page
 * costs a range read from its place, never a walk from the newest job, and a job deleted or created
 * between pages moves no other job in or out of a page.
 */
import { compareNewestFirst, isAfterBound } from './list-order'
import type { JobListBound } from './types'

type Command = <T>(args: string[]) => Promise<T>

/** `WITHSCORES` replies: flat `[member, score, …]` (RESP2) or `[[member, score], …]` (RESP3). */
type ScoredReply = Array<string | [string, string | number]>

function entriesOf(reply: ScoredReply): JobListBound[] {
  const entries: JobListBound[] = []
  for (let index = 0; index < reply.length; index++) {
    const item = reply[index]!
    if (Array.isArray(item)) entries.push({ id: String(item[0]), createdAt: Number(item[1]) })
    else entries.push({ id: item, createdAt: Number(reply[++index]) })
  }
  return entries
}

/** A score argument that Redis reads back as the same number. */
const scoreArgument = (createdAt: number) => String(createdAt)

/**
 * Up to about `count` entries of the sorted set `key` strictly after `bound` (all of the bound's
 * millisecond are read together, so a page may hold more). `end`: nothing older is left.
 */
export async function readUserListPage(command: Command, key: string, bound: JobListBound | undefined, count: number): Promise<{ entries: JobListBound[], end: boolean }> {
  if (!bound) {
    const entries = entriesOf(await command<ScoredReply>(['ZRANGE', key, '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', '0', String(count), 'WITHSCORES']))
    return { entries, end: entries.length < count }
  }
  const score = scoreArgument(bound.createdAt)
  const [sameMillisecond, below] = await Promise.all([
    command<string[]>(['ZRANGE', key, score, score, 'BYSCORE', 'REV']),
    command<ScoredReply>(['ZRANGE', key, `(${score}`, '-inf', 'BYSCORE', 'REV', 'LIMIT', '0', String(count), 'WITHSCORES']),
  ])
  // Ordered here by the same comparison as the bound, whatever Redis's byte order makes of the ids.
  const ties = sameMillisecond.map(id => ({ id: String(id), createdAt: bound.createdAt }))
    .filter(entry => isAfterBound(entry, bound))
    .sort(compareNewestFirst)
  const older = entriesOf(below)
  return { entries: [...ties, ...older], end: older.length < count }
}
