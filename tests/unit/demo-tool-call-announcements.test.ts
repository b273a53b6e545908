/**
 * What a screen reader hears of a chat turn's tool calls (demo/app/components/JobTurn.vue, mounted
 * with tests/support/demo-component.ts): the turn announces to the thread's polite live region when
 * calls start and how each ended, once each, grouped per update (a step's parallel calls are one
 * line, not one per call), never per text delta; calls already there when the view joined a job
 * it did not start are not read out.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import JobTurn from '../../demo/app/components/JobTurn.vue'
import { createJobState } from '../../shared/reducer'
import type { JobState } from '../../shared/reducer'
import { emptyMetrics } from '../../shared/events'
import type { ThreadJob } from '../../demo/app/lib/known-jobs'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'
import { mountDemoComponent } from '../support/demo-component'

let app: ComposableApp

const turn: ThreadJob = { id: 'j1', type: 'chat', status: 'running', threadId: 't1', messageId: null, title: 'What time is it?', prompt: 'What time is it?', createdAt: 1, updatedAt: 1, endedAt: null, lastSeq: 0 }

function running(seq: number, patch: Partial<JobState> = {}): JobState {
  return { ...createJobState({ id: 'j1', type: 'chat', createdAt: 0 }), status: 'running', seq, ...patch }
}

function mountTurn(announceFromStart: boolean) {
  const heard: string[] = []
  mountDemoComponent(app, JobTurn, { job: turn, announceFromStart, isLast: true, onAnnounce: (text: string) => heard.push(text) })
  const source = app.sources[0]!
  source.open()
  return { heard, source }
}

const call = (seq: number, id: string, name: string, args: unknown = {}) => ({ type: 'tool-call', seq, at: seq, id, name, args })
const result = (seq: number, id: string, status: string, extra: Record<string, unknown> = {}) => ({ type: 'tool-result', seq, at: seq, id, status, durationMs: 5, ...extra })

beforeEach(() => {
  vi.useFakeTimers()
  app = createComposableApp(async () => ({ state: running(1) }))
  Object.assign(globalThis, { localStorage: { getItem: () => null, setItem: () => {}, removeItem: () => {} } })
})

afterEach(() => {
  app.dispose()
  Reflect.deleteProperty(globalThis, 'localStorage')
  vi.useRealTimers()
})

describe('JobTurn: tool calls heard by a screen reader', () => {
  it('announces a call when it starts and how it ended; a step\'s parallel calls as one line each way', async () => {
    const { heard, source } = mountTurn(true)
    source.emit('snapshot', running(1), '1')
    await vi.runOnlyPendingTimersAsync()
    source.emit('tool-call', call(2, 'c1', 'get_current_time'), '2')
    await vi.advanceTimersByTimeAsync(0)
    expect(heard).toEqual(['Calling the tool get_current_time.'])

    source.emit('tool-result', result(3, 'c1', 'completed', { result: '12:00' }), '3')
    await vi.advanceTimersByTimeAsync(0)
    expect(heard.at(-1)).toBe('get_current_time done.')

    source.emit('tool-call', call(4, 'c2', 'calculate', { expression: '1+1' }), '4')
    source.emit('tool-call', call(5, 'c3', 'calculate', { expression: '1/0' }), '5')
    source.emit('tool-call', call(6, 'c4', 'slow_task'), '6')
    await vi.advanceTimersByTimeAsync(0)
    expect(heard.at(-1)).toBe('Calling 3 tools: calculate, calculate, slow_task.')

    source.emit('tool-result', result(7, 'c2', 'completed', { result: 2 }), '7')
    source.emit('tool-result', result(8, 'c3', 'error', { error: 'Division by zero' }), '8')
    source.emit('tool-result', result(9, 'c4', 'timeout', { error: 'timed out' }), '9')
    await vi.advanceTimersByTimeAsync(0)
    expect(heard.at(-1)).toBe('calculate done. calculate failed: Division by zero. slow_task timed out.')

    // Text deltas alone say nothing about tools; nothing is said twice.
    const before = heard.length
    source.emit('text-delta', [0, 'It is noon'], '10')
    await vi.advanceTimersByTimeAsync(0)
    expect(heard.slice(before).filter(line => /tool|done|failed/.test(line))).toEqual([])
    source.emit('job-end', { type: 'job-end', seq: 11, at: 11, status: 'completed', metrics: emptyMetrics() }, '11')
    await vi.advanceTimersByTimeAsync(0)
    expect(heard.filter(line => line === 'get_current_time done.')).toHaveLength(1)
    expect(heard.slice(-2)).toEqual(['It is noon', 'Answer finished.'])
  })

  it('a view that joins a job it did not start reads out only the calls that change while it watches', async () => {
    const { heard, source } = mountTurn(false)
    source.emit('snapshot', running(3, {
      toolCalls: [
        { id: 'c1', name: 'calculate', args: {}, step: 0, status: 'completed', result: 2, durationMs: 1 },
        { id: 'c2', name: 'slow_task', args: {}, step: 0, status: 'running' },
      ],
    }), '3')
    await vi.advanceTimersByTimeAsync(0)
    expect(heard).toEqual([])
    source.emit('tool-result', result(4, 'c2', 'denied'), '4')
    await vi.advanceTimersByTimeAsync(0)
    expect(heard).toEqual(['slow_task denied.'])
  })
})

describe('JobTurn: a Stop that cuts calls off', () => {
  it('says the answer stopped, not that each call did', async () => {
    const { heard, source } = mountTurn(true)
    source.emit('snapshot', running(1), '1')
    source.emit('tool-call', call(2, 'c1', 'slow_task'), '2')
    await vi.advanceTimersByTimeAsync(0)
    source.emit('job-end', { type: 'job-end', seq: 3, at: 3, status: 'aborted', metrics: emptyMetrics() }, '3')
    await vi.advanceTimersByTimeAsync(0)
    expect(heard).toEqual(['Calling the tool slow_task.', 'Answer stopped.'])
  })
})
