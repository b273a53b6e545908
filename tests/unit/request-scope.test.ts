/**
 * Which request a log line names (request-scope.ts): the console logger adds the id of the request
 * being handled to every line; work the request started that goes on after it returned (a timer, a
 * job's run) no longer carries it. The engine's logger names, on a line about a job run here, the
 * request that created the job — also while another request is handled.
 */
import { afterEach, expect, it, vi } from 'vitest'
import { createConsoleLogger } from '../../server/lib/logger'
import { createTimerSet } from '../../server/lib/timers'
import { currentRequestId, detachedFromRequests, runInRequestScope, withRequestIds } from '../../server/lib/request-scope'
import { recordingLogger } from '../support/recording-logger'

afterEach(() => {
  vi.restoreAllMocks()
})

/** The JSON lines the console logger writes with `info`, parsed. */
function capturedLines() {
  const written: Array<Record<string, unknown>> = []
  vi.spyOn(console, 'info').mockImplementation((line: string) => void written.push(JSON.parse(line) as Record<string, unknown>))
  return written
}

it('a console line written while a request is handled names it; one written after it returned does not', async () => {
  const written = capturedLines()
  const logger = createConsoleLogger()
  let later: () => void = () => {}
  const afterwards = new Promise<void>(resolve => (later = resolve))
  await runInRequestScope('req-1', async () => {
    logger.info('during', { jobId: 'j1' })
    await Promise.resolve()
    logger.info('after an await')
    // Work the request starts that outlives it (a job's run, a timer).
    setImmediate(() => {
      logger.info('after the request returned')
      later()
    })
  })
  await afterwards
  logger.info('outside any request')
  expect(written.map(line => [line.message, line.requestId])).toEqual([
    ['during', 'req-1'],
    ['after an await', 'req-1'],
    ['after the request returned', undefined],
    ['outside any request', undefined],
  ])
  expect(currentRequestId()).toBeUndefined()
})

it('requests handled at once each keep their own id', async () => {
  const seen: Array<string | undefined> = []
  let release: () => void = () => {}
  const gate = new Promise<void>(resolve => (release = resolve))
  const first = runInRequestScope('a', async () => {
    await gate
    seen.push(currentRequestId())
  })
  const second = runInRequestScope('b', async () => {
    seen.push(currentRequestId())
    release()
  })
  await Promise.all([first, second])
  expect(seen).toEqual(['b', 'a'])
})

it('the engine\'s logger names on a job\'s line the request that created it, else the request handled, and keeps an id given', async () => {
  const { logger: recorded, lines } = recordingLogger()
  const created = new Map([['j1', 'create-1']])
  const logger = withRequestIds(recorded, jobId => created.get(jobId))
  await runInRequestScope('abort-2', async () => {
    logger.info('job ended', { jobId: 'j1' })
    logger.warn('about a job not run here', { jobId: 'j9' })
    logger.error('no job', {})
    logger.info('given', { jobId: 'j1', requestId: 'explicit' })
  })
  logger.info('a job\'s line outside any request', { jobId: 'j1' })
  logger.info('nothing to name')
  expect(lines.map(line => [line.message, line.fields?.requestId])).toEqual([
    ['job ended', 'create-1'],
    ['about a job not run here', 'abort-2'],
    ['no job', 'abort-2'],
    ['given', 'explicit'],
    ['a job\'s line outside any request', 'create-1'],
    ['nothing to name', undefined],
  ])
})

it('a job run here without a request (taken over, or created outside one) names none on its lines, not the request handled then', async () => {
  const { logger: recorded, lines } = recordingLogger()
  const created = new Map<string, string | null>([['created-here', 'create-1'], ['taken-over', null]])
  const logger = withRequestIds(recorded, jobId => created.get(jobId))
  await runInRequestScope('request-a', async () => {
    logger.warn('a tool failed', { jobId: 'taken-over' })
    logger.info('job ended', { jobId: 'taken-over', requestId: undefined })
    logger.info('job ended', { jobId: 'created-here' })
  })
  expect(lines.map(line => [line.message, line.fields?.requestId])).toEqual([
    ['a tool failed', undefined],
    ['job ended', undefined],
    ['job ended', 'create-1'],
  ])
  // Nor does the console logger under it add the request handled.
  const written = capturedLines()
  const consoleLogger = withRequestIds(createConsoleLogger(), jobId => created.get(jobId))
  await runInRequestScope('request-a', async () => consoleLogger.info('a tool failed', { jobId: 'taken-over' }))
  expect(written.map(line => [line.message, line.requestId])).toEqual([['a tool failed', undefined]])
})

it('the engine\'s timers, armed while a request is still handled, fire in no request\'s scope', async () => {
  const written = capturedLines()
  const logger = createConsoleLogger()
  const timers = detachedFromRequests(createTimerSet())
  await runInRequestScope('request-a', async () => {
    await new Promise<void>(resolve => timers.timeout(() => {
      logger.info('an engine timer fired')
      resolve()
    }, 0))
    logger.info('request a\'s own line')
    expect(timers.size).toBe(0)
  })
  expect(written.map(line => [line.message, line.requestId])).toEqual([['an engine timer fired', undefined], ['request a\'s own line', 'request-a']])
})
