/**
 * `useBackgroundJob`'s `error` is "a message when the job cannot be read" (docs/client.md): once
 * `refresh()` reads the job again, the message of the read that failed before goes.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useBackgroundJob } from '../../app/composables/useBackgroundJob'
import { createJobState } from '../../shared/reducer'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp
let answer: () => Promise<unknown>

beforeEach(() => {
  vi.useFakeTimers()
  app = createComposableApp(() => answer())
})

afterEach(() => {
  app.dispose()
  vi.useRealTimers()
})

describe('useBackgroundJob: error after a read that failed', () => {
  it('refresh() that reads the job clears the message of the failed read before it', async () => {
    const view = app.mount(() => useBackgroundJob('j1', { live: false }))
    answer = async () => {
      throw Object.assign(new Error('[GET] "/api/jobs/j1": 503 Service Unavailable'), { statusCode: 503, data: { statusCode: 503, message: 'Background jobs are restarting; retry in 5 s' } })
    }
    await view.result.refresh()
    expect(view.result.error.value).toBe('Background jobs are restarting; retry in 5 s')

    answer = async () => ({ state: { ...createJobState({ id: 'j1', type: 'chat', createdAt: 0 }), status: 'running', seq: 3, content: 'abc' } })
    await view.result.refresh()
    expect(view.result.text.value).toBe('abc')
    expect(view.result.error.value).toBeNull()
  })
})

describe('useBackgroundJob: error after reads that overlap', () => {
  const failed = () => Object.assign(new Error('[GET] "/api/jobs/j1": 503 Service Unavailable'), { statusCode: 503, data: { statusCode: 503, message: 'Background jobs are restarting; retry in 5 s' } })
  const found = { state: { ...createJobState({ id: 'j1', type: 'chat', createdAt: 0 }), status: 'running', seq: 3, content: 'abc' } }

  /** Two `refresh()` calls at once; the first one's answer comes last. */
  async function overlap(first: 'ok' | 'fail', second: 'ok' | 'fail') {
    // With a state already (no read on mount): only the two reads below ask the server.
    const view = app.mount(() => useBackgroundJob('j1', { live: false, initialState: createJobState({ id: 'j1', type: 'chat', createdAt: 0 }) }))
    const answers: (() => void)[] = []
    answer = () => new Promise((resolve, reject) => {
      const outcome = answers.length === 0 ? first : second
      answers.push(() => (outcome === 'ok' ? resolve(found) : reject(failed())))
    })
    const older = view.result.refresh()
    const newer = view.result.refresh()
    expect(answers).toHaveLength(2)
    answers[1]!()
    await newer
    answers[0]!()
    await older
    return view.result
  }

  it('a slow read that failed does not put its message back after a later read succeeded', async () => {
    const view = await overlap('fail', 'ok')
    expect(view.text.value).toBe('abc')
    expect(view.error.value).toBeNull()
  })

  it('a slow read that succeeded does not clear the message of a later read that failed', async () => {
    const view = await overlap('ok', 'fail')
    expect(view.error.value).toBe('Background jobs are restarting; retry in 5 s')
  })
})

describe('useBackgroundJob: error after reads of two components of one job', () => {
  it('a slow failed read of one component does not put its message back after the other one read the job', async () => {
    // Two components of one job share its state, `error` included (useState): the latest read of
    // either tells it.
    const initialState = createJobState({ id: 'j1', type: 'chat', createdAt: 0 })
    const first = app.mount(() => useBackgroundJob('j1', { live: false, initialState }))
    const second = app.mount(() => useBackgroundJob('j1', { live: false, initialState }))
    const answers: (() => void)[] = []
    answer = () => new Promise((resolve, reject) => {
      const fails = answers.length === 0
      answers.push(() => (fails
        ? reject(Object.assign(new Error('[GET] "/api/jobs/j1": 503 Service Unavailable'), { statusCode: 503, data: { statusCode: 503, message: 'Background jobs are restarting; retry in 5 s' } }))
        : resolve({ state: { ...initialState, status: 'running', seq: 3, content: 'abc' } })))
    })
    const older = first.result.refresh()
    const newer = second.result.refresh()
    expect(answers).toHaveLength(2)
    answers[1]!()
    await newer
    answers[0]!()
    await older
    expect(second.result.text.value).toBe('abc')
    expect(second.result.error.value).toBeNull()
  })
})

describe('useBackgroundJob: a failed read while the stream goes on', () => {
  const restarting = () => Object.assign(new Error('[GET] "/api/jobs/j1": 503 Service Unavailable'), { statusCode: 503, data: { statusCode: 503, message: 'Background jobs are restarting; retry in 5 s' } })
  const running = { ...createJobState({ id: 'j1', type: 'chat', createdAt: 0 }), status: 'running' as const, seq: 3, content: 'abc' }

  it('the next live event clears the failed read\'s message: the job is evidently being read', async () => {
    const view = app.mount(() => useBackgroundJob('j1', { initialState: running }))
    app.sources[0]!.open()
    answer = async () => { throw restarting() }
    await view.result.refresh()
    expect(view.result.error.value).toBe('Background jobs are restarting; retry in 5 s')

    app.sources[0]!.emit('text-delta', [3, 'd'], '4')
    expect(view.result.text.value).toBe('abcd')
    expect(view.result.connection.value).toBe('open')
    expect(view.result.error.value).toBeNull()
  })

  it('a live event keeps the message of an abort() that failed: the job was not stopped', async () => {
    const view = app.mount(() => useBackgroundJob('j1', { initialState: running }))
    app.sources[0]!.open()
    vi.stubGlobal('$fetch', async () => { throw restarting() })
    expect(await view.result.abort()).toBeNull()
    app.sources[0]!.emit('text-delta', [3, 'd'], '4')
    expect(view.result.error.value).toBe('Background jobs are restarting; retry in 5 s')
  })
})
