/**
 * `useBackgroundJob` as a Nuxt developer's components use it, mounted for real (Vue's renderer,
 * fake EventSource and `$fetch`; tests/support/composable-app.ts): one stream per job however many
 * components show it, and nothing left behind when they unmount (streams, timers, followers).
 */
import { nextTick, ref, watch } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useBackgroundJob } from '../../app/composables/useBackgroundJob'
import { activeJobFollowers } from '../../app/lib/job-follower-registry'
import { emptyMetrics } from '../../shared/events'
import { createJobState } from '../../shared/reducer'
import type { JobState } from '../../shared/reducer'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp

function running(seq: number, content: string): JobState {
  return { ...createJobState({ id: 'j1', type: 'chat', createdAt: 0 }), status: 'running', seq, content }
}

beforeEach(() => {
  vi.useFakeTimers()
  app = createComposableApp(async () => ({ state: running(1, '') }))
})

afterEach(() => {
  app.dispose()
  vi.useRealTimers()
})

describe('useBackgroundJob: components that follow the same job', () => {
  it('share one stream; both see every delta; the first to unmount leaves it open for the other', () => {
    const list = app.mount(() => useBackgroundJob('j1'))
    const detail = app.mount(() => useBackgroundJob('j1'))
    expect(app.sources).toHaveLength(1)
    const source = app.sources[0]!
    source.open()
    source.emit('snapshot', running(3, 'Hello'), '3')
    source.emit('text-delta', [5, ', world'], '4')
    expect(list.result.text.value).toBe('Hello, world')
    expect(detail.result.text.value).toBe('Hello, world')

    list.unmount()
    expect(source.closed).toBe(false)
    expect(detail.result.connection.value).toBe('open')
    source.emit('text-delta', [12, '!'], '5')
    expect(detail.result.text.value).toBe('Hello, world!')

    detail.unmount()
    expect(source.closed).toBe(true)
    expect(detail.result.connection.value).toBe('closed')
    expect(activeJobFollowers()).toBe(0)
  })

  it('a component mounted after the job ended opens nothing', () => {
    const first = app.mount(() => useBackgroundJob('j1'))
    const source = app.sources[0]!
    source.open()
    source.emit('snapshot', running(2, 'Hi'), '2')
    source.emit('job-end', { type: 'job-end', seq: 3, at: 3, status: 'completed', metrics: emptyMetrics() }, '3')
    expect(first.result.isFinished.value).toBe(true)
    expect(activeJobFollowers()).toBe(0)
    app.mount(() => useBackgroundJob('j1'))
    expect(app.sources).toHaveLength(1)
  })
})

describe('useBackgroundJob: unmount and remount', () => {
  it('an unmount mid-stream closes the stream and clears every timer; a quick remount resumes after the seq', () => {
    const view = app.mount(() => useBackgroundJob('j1'))
    app.sources[0]!.open()
    app.sources[0]!.emit('snapshot', running(7, 'partial'), '7')
    expect(vi.getTimerCount()).toBeGreaterThan(0) // the quiet-stream check
    view.unmount()
    expect(app.openSources()).toHaveLength(0)
    expect(vi.getTimerCount()).toBe(0)
    expect(activeJobFollowers()).toBe(0)

    const again = app.mount(() => useBackgroundJob('j1'))
    expect(again.result.text.value).toBe('partial')
    expect(app.sources[1]!.url).toBe('/api/jobs/j1/stream?after=7')
  })

  it('a stream that broke and is being asked again is stopped by the unmount: no probe timer, no late reopen', async () => {
    const view = app.mount(() => useBackgroundJob('j1'))
    app.sources[0]!.open()
    app.sources[0]!.emit('snapshot', running(2, 'ab'), '2')
    app.sources[0]!.fail()
    expect(view.result.connection.value).toBe('reconnecting')
    view.unmount()
    await vi.runAllTimersAsync()
    expect(app.sources).toHaveLength(1)
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('useBackgroundJob: misuse is named', () => {
  it('a missing or empty job id throws a TypeError naming it, instead of following /api/jobs/undefined into "lost"', () => {
    expect(() => app.mount(() => useBackgroundJob(undefined as unknown as string))).toThrow(/useBackgroundJob: the job id must be a non-empty string.*got undefined/)
    expect(() => app.mount(() => useBackgroundJob(''))).toThrow(/got an empty string/)
    expect(app.sources).toHaveLength(0)
    expect(activeJobFollowers()).toBe(0)
  })

  it('an id ref that changes warns once that the component still follows the first job', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const jobId = ref('j1')
    app.mount(() => useBackgroundJob(jobId))
    jobId.value = 'j2'
    await nextTick()
    jobId.value = 'j3'
    await nextTick()
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0]![0]).toMatch(/id changed from "j1" to "j2".*Key the component by the job id/)
    expect(app.sources.map(source => source.url)).toEqual(['/api/jobs/j1/stream'])
    warn.mockRestore()
  })
})

describe('useBackgroundJob: what a delta touches', () => {
  it('a text delta changes `text` only: `nodes`, `toolCalls` and `pendingInputs` keep their value, so what renders them does not re-render', () => {
    const view = app.mount(() => useBackgroundJob('j1'))
    const source = app.sources[0]!
    source.open()
    const workflow: JobState = {
      ...running(2, ''),
      type: 'workflow',
      nodeStates: { draft: { nodeId: 'draft', kind: 'agent', status: 'running', startedAt: 1 } },
      executionOrder: ['draft'],
      currentNodeId: 'draft',
    }
    source.emit('snapshot', workflow, '2')
    const changes = { text: 0, nodes: 0, toolCalls: 0, pendingInputs: 0 }
    for (const key of Object.keys(changes) as (keyof typeof changes)[]) {
      watch(view.result[key], () => { changes[key]++ }, { flush: 'sync' })
    }
    for (let seq = 3; seq < 103; seq++) source.emit('text-delta', [seq - 3, 'x'], String(seq))
    expect(view.result.text.value).toHaveLength(100)
    expect(changes).toEqual({ text: 100, nodes: 0, toolCalls: 0, pendingInputs: 0 })
    source.emit('node-end', { type: 'node-end', seq: 103, at: 5, nodeId: 'draft', status: 'completed', output: 'ok' }, '103')
    expect(changes.nodes).toBe(1)
    expect(view.result.nodes.value[0]).toMatchObject({ nodeId: 'draft', status: 'completed' })
  })
})

describe('useBackgroundJob: server rendering and hydration', () => {
  it('renders the snapshot on the server with no stream; the browser resumes after its seq without fetching again', async () => {
    const requests: string[] = []
    app.dispose()
    app = createComposableApp(async (url) => {
      requests.push(url)
      return { state: running(4, 'rendered') }
    })
    const onServer = await app.renderOnServer(() => useBackgroundJob('j1'))
    expect(onServer.text.value).toBe('rendered')
    expect(requests).toEqual(['/api/jobs/j1'])
    expect(app.sources).toHaveLength(0)

    const inBrowser = app.mount(() => useBackgroundJob('j1'))
    expect(inBrowser.result.text.value).toBe('rendered')
    expect(app.sources.map(source => source.url)).toEqual(['/api/jobs/j1/stream?after=4'])
    expect(requests).toHaveLength(1)
  })

  it('a job already finished at render time opens no stream in the browser', async () => {
    app.dispose()
    app = createComposableApp(async () => ({ state: { ...running(9, 'done'), status: 'completed' } }))
    await app.renderOnServer(() => useBackgroundJob('j1'))
    const inBrowser = app.mount(() => useBackgroundJob('j1'))
    expect(inBrowser.result.isFinished.value).toBe(true)
    expect(app.sources).toHaveLength(0)
  })
})
