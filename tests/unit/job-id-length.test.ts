/**
 * A route's `:id` is whatever the client put in the path, up to the server's 16 KB header limit,
 * and every read and control of a job asked the store for it as it was (a Convex call, billed; a
 * Redis script with a key that long). The engine's ids are UUIDs: an id longer than any job's is
 * now answered as a missing job (404) without a store call; ids up to the bound are asked as before.
 */
import { describe, expect, it } from 'vitest'
import { JobNotFoundError } from '../../server/lib/errors'
import { MAX_ID_CHARS } from '../../server/lib/id-characters'
import { createJobAccess } from '../../server/lib/job-access'
import type { JobProvider } from '../../server/lib/providers/types'

function countingAccess() {
  const asked: string[] = []
  const provider = {
    get: async (id: string) => {
      asked.push(id)
      return null
    },
    getListed: async (id: string) => {
      asked.push(id)
      return null
    },
  } as unknown as Pick<JobProvider, 'get' | 'getListed'>
  return { access: createJobAccess(provider, new Map()), asked }
}

describe('a job id longer than any job\'s', () => {
  it('is a missing job, not asked of the store, for every kind of check', async () => {
    const { access, asked } = countingAccess()
    const long = 'x'.repeat(16_000)
    for (const check of [access.authorize, access.authorizeRead, access.authorizeWholeRead]) {
      const refused = await check('user-1', long).catch((error: unknown) => error)
      expect(refused).toBeInstanceOf(JobNotFoundError)
    }
    await expect(access.authorize('user-1', 'x'.repeat(MAX_ID_CHARS + 1))).rejects.toBeInstanceOf(JobNotFoundError)
    expect(asked).toEqual([])
  })

  it('up to the bound, the store is asked as before', async () => {
    const { access, asked } = countingAccess()
    const id = 'x'.repeat(MAX_ID_CHARS)
    await expect(access.authorize('user-1', id)).rejects.toBeInstanceOf(JobNotFoundError)
    await expect(access.authorizeRead('user-1', 'no-such-job')).rejects.toBeInstanceOf(JobNotFoundError)
    expect(asked).toEqual([id, 'no-such-job'])
  })
})
