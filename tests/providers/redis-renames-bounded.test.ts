/**
 * The renames Redis keeps for streams that resume (`renames:<userId>`, `renamed:<userId>`) are
 * bounded: the rename script drops a user's renames older than `RENAMES_KEEP_MS` and all but the
 * newest `RENAMES_KEPT`, in the same step as it keeps the new one, so a user renaming many threads
 * (the key's expiry is pushed on by every rename) never grows them without end. What it keeps is
 * the message it published, JSON the script writes, which reads back as given.
 */
import { createClient } from 'redis'
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { RENAMES_KEEP_MS, renamedSince } from '../../server/lib/providers/redis-renames'
import { useRedisServer } from '../support/redis-server'
import { createJob, START_MS } from './contract-fixtures'

/** The renames kept per user (`RENAMES_KEPT`, as the user's recorded changes: docs/providers.md). */
const RENAMES_KEPT = 100

const redis = useRedisServer()
let client: ReturnType<typeof createClient>

beforeAll(async () => {
  client = createClient({ url: redis.url })
  await client.connect()
})
afterAll(async () => {
  await client?.close()
})

it('keeps the user\'s newest renames only, and none older than the time they are kept for', async () => {
  const prefix = `renames-bounded-${process.pid}:`
  let now = START_MS
  const provider = createRedisProvider({ url: redis.url, keyPrefix: prefix, now: () => now })
  onTestFinished(() => provider.dispose())
  const threads = Array.from({ length: RENAMES_KEPT + 2 }, (_, index) => `t-${index}`)
  for (const threadId of threads) await createJob(provider, { threadId })
  for (const threadId of threads) {
    now += 1
    expect(await provider.renameThread('user-a', threadId, `Name ${threadId}`, `rename-${threadId}`)).toBeTruthy()
  }
  const kept = async () => ({
    renamed: await client.zRange(`${prefix}renamed:user-a`, 0, -1),
    renames: (await client.hKeys(`${prefix}renames:user-a`)).sort(),
  })
  // By count: the two oldest renames left both keys.
  const newest = threads.slice(2)
  expect(await kept()).toEqual({ renamed: newest, renames: [...newest].sort() })

  // By age: a rename past the time kept drops every rename older than that.
  now += RENAMES_KEEP_MS - RENAMES_KEPT + 1
  expect(await provider.renameThread('user-a', 't-0', 'Again', 'rename-again')).toBeTruthy()
  const recent = threads.slice(-RENAMES_KEPT + 1)
  expect(await kept()).toEqual({ renamed: [...recent, 't-0'], renames: [...recent, 't-0'].sort() })
  // The titles themselves stay: only what the feeds replay is bounded.
  expect(await client.hLen(`${prefix}thread-titles:user-a`)).toBe(threads.length)
})

it('keeps the rename as the script wrote it: the title, its id and the thread\'s newest job read back as given', async () => {
  const prefix = `renames-message-${process.pid}:`
  const provider = createRedisProvider({ url: redis.url, keyPrefix: prefix, now: () => START_MS })
  onTestFinished(() => provider.dispose())
  const job = await createJob(provider, { threadId: 'trip/2026 "May"' })
  // Quotes, a slash (cjson writes \/), a backslash, an emoji and an accent: JSON made in Lua.
  const title = 'Lisbon "in" May / \\ 🇵🇹 é'
  expect(await provider.renameThread('user-a', 'trip/2026 "May"', title, 'rename-1')).toBe(job.id)
  expect(await renamedSince(command => client.sendCommand(command), prefix, 'user-a', START_MS)).toEqual([{ threadId: 'trip/2026 "May"', title, renameId: 'rename-1', jobId: job.id }])
})
