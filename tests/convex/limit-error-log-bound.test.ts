/**
 * A call past one of Convex's limits fails the same way every time it is sent, and it is sent
 * again and again: a job too large to read is read by every probe, poll and tab that follows it,
 * and an append the store refuses is retried by the persist queue until the job ends. Each call
 * logged the whole `a Convex call passed one of Convex's limits` error line (limit-error.test.ts),
 * as tool and hook failures did before they were bounded (repeated-failure-log.ts): one line per
 * request. Now a function's limit error is logged whole once a minute; the line after says how many
 * were not logged since. Each call still fails with its own `ConvexLimitError` (500).
 */
import { afterEach, expect, it, vi } from 'vitest'
import { ConvexLimitError } from '../../server/lib/providers/convex'
import { recordingLogger } from '../support/recording-logger'
import { createBackend, createInstance, newJob } from './backend'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

afterEach(() => {
  vi.useRealTimers()
})

it('a function past a Convex limit is logged once a minute, then with the count of the calls not logged', async () => {
  vi.useFakeTimers({ toFake: ['Date'] })
  // Convex's 16 MiB read limit, lowered so one job's request passes it.
  const backend = createBackend({ bytesRead: 4_000 })
  const { logger, lines } = recordingLogger()
  const { provider } = createInstance(backend, { logger })
  await provider.create(newJob({ id: 'job-big', userId: 'user-1', request: { type: 'chat', messages: [{ role: 'user', content: 'x'.repeat(8_000) }] } }))
  const limitLines = () => lines.filter(line => line.message === 'a Convex call passed one of Convex\'s limits')

  // Ten reads of the job (a follower's probes, a few tabs) within the minute: every one fails, one line.
  for (let read = 0; read < 10; read++) expect(await provider.get('job-big').catch((error: unknown) => error)).toBeInstanceOf(ConvexLimitError)
  expect(limitLines().map(line => [line.level, line.fields?.function, line.fields?.notLoggedSince])).toEqual([['error', 'jobs:get', undefined]])

  // A minute on, the next one is logged whole again, saying how many were not.
  vi.setSystemTime(Date.now() + 60_000)
  expect(await provider.get('job-big').catch((error: unknown) => error)).toBeInstanceOf(ConvexLimitError)
  expect(limitLines().map(line => [line.fields?.function, line.fields?.notLoggedSince])).toEqual([['jobs:get', undefined], ['jobs:get', 9]])
})
