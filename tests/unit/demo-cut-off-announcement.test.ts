/**
 * A chat turn the model's length limit or the provider's content filter cut off: the thread shows
 * "Cut off — …" under it (JobTurn.vue), and a screen reader hears the same as the turn ends —
 * before, it heard "Answer finished.", as for an answer that ended well, and the note (no live
 * region) was never read. Mounted with tests/support/demo-component.ts.
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

const turn: ThreadJob = { id: 'j1', type: 'chat', status: 'running', threadId: 't1', messageId: null, title: 'A long story', prompt: 'A long story', createdAt: 1, updatedAt: 1, endedAt: null, lastSeq: 0 }

/** A running answer whose one model round ended with `finishReason`. */
function endedRound(finishReason: string): JobState {
  return { ...createJobState({ id: 'j1', type: 'chat', createdAt: 0 }), status: 'running', seq: 3, content: 'Once upon a', steps: [{ step: 0, finishReason, ended: true }] }
}

beforeEach(() => {
  vi.useFakeTimers()
  app = createComposableApp(async () => ({ state: endedRound('stop') }))
  Object.assign(globalThis, { localStorage: { getItem: () => null, setItem: () => {}, removeItem: () => {} } })
})

afterEach(() => {
  app.dispose()
  Reflect.deleteProperty(globalThis, 'localStorage')
  vi.useRealTimers()
})

async function heardAtEnd(finishReason: string): Promise<string[]> {
  const heard: string[] = []
  mountDemoComponent(app, JobTurn, { job: turn, announceFromStart: true, isLast: true, onAnnounce: (text: string) => heard.push(text) })
  const source = app.sources[0]!
  source.open()
  source.emit('snapshot', endedRound(finishReason), '3')
  await vi.advanceTimersByTimeAsync(0)
  source.emit('job-end', { type: 'job-end', seq: 4, at: 4, status: 'completed', metrics: emptyMetrics() }, '4')
  await vi.advanceTimersByTimeAsync(0)
  return heard
}

describe('JobTurn: an answer cut off, heard by a screen reader', () => {
  it('says it was cut at the length limit, as the note under it does', async () => {
    expect(await heardAtEnd('length')).toEqual(['Once upon a', 'Cut off — the model reached its length limit. Regenerate, or ask it to continue.'])
  })

  it('says the content filter cut it', async () => {
    expect(await heardAtEnd('content_filter')).toEqual(['Once upon a', 'Cut off — the provider\'s content filter stopped the answer.'])
  })

  it('still says an answer that ended well finished', async () => {
    expect(await heardAtEnd('stop')).toEqual(['Once upon a', 'Answer finished.'])
  })
})
