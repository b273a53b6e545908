/**
 * The `redis` provider's `list`: a user's jobs newest first, read from the per-user sorted set
 * (redis-user-list.ts) or, for a thread, from its own index (redis-threads.ts); running jobs only
 * from the user's set of active ids (redis-active-list.ts). Records are read as listings return
 * them, without their whole request.
 */
import { asksOnlyActive, listActiveJobs } from './redis-active-list'
import { redisKeys } from './redis-records'
import type { createRedisThreads } from './redis-threads'
import { readUserListPage } from './redis-user-list'
import type { JobListFilter, JobRecord } from './types'

/** Per-user list pages (job ids) read at a time. */
const LIST_PAGE = 200
const DEFAULT_LIST_LIMIT = 50

/** What the listing needs of the provider. */
export interface RedisJobListOptions {
  prefix: string
  command: <T>(args: string[]) => Promise<T>
  /** A record as listings return it (no whole request, redis-records.ts). */
  getListed: (id: string) => Promise<JobRecord | null>
  threads: Pick<ReturnType<typeof createRedisThreads>, 'ensureIndexed' | 'threadKey'>
}

/** Creates the provider's `list`. */
export function createRedisJobList({ prefix, command, getListed, threads }: RedisJobListOptions) {
  const keys = redisKeys(prefix)

  return async function list(filter: JobListFilter): Promise<JobRecord[]> {
    const limit = Math.max(0, filter.limit ?? DEFAULT_LIST_LIMIT)
    const statuses = filter.status ? new Set(filter.status) : null
    if (statuses && asksOnlyActive(statuses)) return limit === 0 ? [] : await listActiveJobs(await command<string[]>(['SMEMBERS', keys.activeOfUser(filter.userId)]), getListed, filter, statuses, limit)
    const found: JobRecord[] = []
    // A thread's jobs are read from its own index (redis-threads.ts), not from all of the user's.
    if (filter.threadId !== undefined) await threads.ensureIndexed(filter.userId)
    const indexKey = filter.threadId === undefined ? keys.user(filter.userId) : threads.threadKey(filter.userId, filter.threadId)
    // Unfiltered, the first `limit` ids are the answer: read no more records than that.
    const page = statuses || filter.threadId !== undefined || filter.messageId !== undefined ? LIST_PAGE : Math.min(LIST_PAGE, Math.max(1, limit))
    let bound = filter.before
    while (found.length < limit) {
      const { entries, end } = await readUserListPage(command, indexKey, bound, page)
      const records = await Promise.all(entries.map(entry => getListed(entry.id)))
      for (const record of records) {
        if (!record || (statuses && !statuses.has(record.status))) continue
        if (filter.threadId !== undefined && record.threadId !== filter.threadId) continue
        if (filter.messageId !== undefined && record.messageId !== filter.messageId) continue
        if (found.length < limit) found.push(record)
      }
      if (end || entries.length === 0) break
      bound = entries.at(-1)
    }
    return found
  }
}
