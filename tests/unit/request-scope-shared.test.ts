/**
 * What the engine shares between requests is in no request's scope (request-scope.ts,
 * observability.md › Request ids): a tool worker started by the first isolated call of a job, a
 * store connection opened by a request's first call, the engine's timers. Each keeps the async
 * context it was made in; made inside a request that stays open (a stream, minutes long), its lines
 * about other jobs and users named that request until it ended.
 */
import { afterEach, expect, it, vi } from 'vitest'
import type { IsolatedCall, ToolIsolation } from '../../server/lib/isolation/tool-pool'
import { createConsoleLogger } from '../../server/lib/logger'
import { runInRequestScope } from '../../server/lib/request-scope'
import type { MemoryProvider } from '../../server/lib/providers/memory'
import type { JobProvider } from '../../server/lib/providers/types'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'
import { sharedMemory } from '../support/shared-memory'

afterEach(() => {
  vi.restoreAllMocks()
})

/** The console's JSON lines (`info`), as [message, requestId]. */
function capturedLines() {
  const written: Array<[unknown, unknown]> = []
  vi.spyOn(console, 'info').mockImplementation((line: string) => {
    const parsed = JSON.parse(line) as Record<string, unknown>
    written.push([parsed.message, parsed.requestId])
  })
  return written
}

/**
 * A shared thing made on its first use: it logs each message it gets later (a worker's exit, a
 * connection's event) through the console logger, in the context it was made in (a promise's reaction).
 */
function lazilyStarted() {
  const logger = createConsoleLogger()
  let deliver: (fields: Record<string, unknown>) => void = () => {}
  let started: Promise<void> | null = null
  return {
    use() {
      started ??= new Promise<Record<string, unknown>>(resolve => (deliver = resolve)).then(fields => logger.info('shared event', fields))
    },
    /** Sends it a message and waits for its line. */
    async message(fields: Record<string, unknown>) {
      deliver(fields)
      await started
    },
  }
}

it('a tool worker started by the first isolated call of a job whose request is still open names no request on its later lines', async () => {
  const written = capturedLines()
  const pool = lazilyStarted()
  const isolation: ToolIsolation = {
    run: async () => {
      pool.use()
      return { result: 'done', json: '"done"' }
    },
    stats: () => ({ workers: 1, calls: 0, waiting: 0 }),
    dispose: async () => {},
  }
  const { engine } = createTestEngine({ isolation, runners: { chat: async (context) => {
    await context.isolation!.run({} as IsolatedCall, context.signal)
  } } })
  await runInRequestScope('request-a', async () => {
    const { job } = await engine.createJob('user-a', { request: chatRequest })
    await engine.whenSettled(job.id)
    // Request A is still open (a stream): the worker reports about another user's job.
    await pool.message({ jobId: 'job-of-user-b' })
    createConsoleLogger().info('request a\'s own line')
  })
  expect(written).toEqual([['shared event', undefined], ['request a\'s own line', 'request-a']])
  await engine.dispose()
})

it('a shared thing a job\'s run makes first (not through the isolation) names no request either', async () => {
  const written = capturedLines()
  const shared = lazilyStarted()
  const { engine } = createTestEngine({ runners: { chat: async () => shared.use() } })
  await runInRequestScope('request-a', async () => {
    const { job } = await engine.createJob('user-a', { request: chatRequest })
    await engine.whenSettled(job.id)
    await shared.message({})
  })
  expect(written).toEqual([['shared event', undefined]])
  await engine.dispose()
})

it('a store connection opened by a request\'s first call names no request on its later lines', async () => {
  const written = capturedLines()
  const connection = lazilyStarted()
  const connecting = (provider: JobProvider): JobProvider => Object.assign(Object.create(provider) as JobProvider, {
    list: (...args: Parameters<JobProvider['list']>) => {
      connection.use()
      return provider.list(...args)
    },
  })
  const { engine } = createTestEngine({ runners: { chat: async () => {} }, wrap: connecting })
  await runInRequestScope('request-a', async () => {
    await engine.listJobs('user-a')
    await connection.message({})
  })
  expect(written).toEqual([['shared event', undefined]])
  await engine.dispose()
})

it('a recovery scan a request\'s call started (later callers join it) names no request on its lines', async () => {
  const { logger, lines } = recordingLogger()
  const unreachable = (provider: JobProvider): JobProvider => Object.assign(Object.create(provider) as JobProvider, {
    listExpiredLeases: async () => {
      throw new Error('the store is unreachable')
    },
  })
  // A shared store (the memory one as if shared between instances), whose lease list cannot be read.
  const { engine } = createTestEngine({ runners: { chat: async () => {} }, wrap: provider => unreachable(sharedMemory(provider as MemoryProvider)), logger })
  await runInRequestScope('request-a', async () => {
    await engine.recover()
  })
  expect(lines.filter(line => line.message.startsWith('recovery scan failed')).map(line => line.fields?.requestId)).toEqual([undefined])
  await engine.dispose()
})
