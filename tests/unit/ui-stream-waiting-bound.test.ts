/**
 * Chunks that wait for a round's message metadata count against `stream.viewerQueueBytes`, as the
 * writer's own queue does. Before, every frame that came while a slow `finish-step` hook ran was
 * mapped and held in the promise chain behind it, unbounded: a hook that never settled (it is
 * given up after 10 s) let one viewer of a fast job hold the whole answer in memory. Now frames
 * past the bound are left out, as for a client that stops reading; once the wait is over the
 * client is resynced (exact text), or, if the stream must end first, cut (`fell-behind`).
 */
import type { UIMessage } from 'ai'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { JobEvent, JobEventPayload } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { createJobState, reduceEvents } from '../../shared/reducer'
import type { UiChunkMapper } from '../../server/lib/ai-sdk/chunk-mapper'
import type { MessageMetadataSource } from '../../server/lib/ai-sdk/message-metadata'
import { createMessageMetadataSource, withStepMetadata } from '../../server/lib/ai-sdk/message-metadata'
import { HOOK_TIMEOUT_MS } from '../../server/lib/app-hook'
import type { JobRecord } from '../../server/lib/providers/types'
import { createTimerSet } from '../../server/lib/timers'
import { recordingLogger } from '../support/recording-logger'
import type { UiStreamSink, UiStreamSinkOptions } from '../../server/lib/http/ui-stream-sink'
import { createLoopback, readAll, sdkMessage } from '../support/ui-stream-loopback'

const loopback = createLoopback()
afterEach(async () => {
  vi.useRealTimers()
  await loopback.close()
})

const BOUND = 64 * 1024
const PIECE = 'é'.repeat(8 * 1024) // 16 KiB of UTF-8 per delta
const frame = (event: JobEvent) => ({ event: event.type, id: event.seq, data: event })
const text = (message: UIMessage) => message.parts.map(part => (part.type === 'text' ? part.text : '')).join('')

/** A job streamed live to one sink whose `finish-step` metadata waits for `roundMetadata`. */
function createJob() {
  let state: JobState = createJobState({ id: 'job', type: 'chat', createdAt: 0 })
  let sink: UiStreamSink | null = null
  const emit = (payload: JobEventPayload) => {
    const event = { ...payload, seq: state.seq + 1, at: 0 } as JobEvent
    state = reduceEvents(state, [event])
    sink!.send(frame(event))
  }
  return {
    get state() {
      return state
    },
    attach(opened: UiStreamSink) {
      sink = opened
    },
    emit,
    /** Round 1 ends as round 2 starts (its `finish-step` waits), then `deltas` pieces of round 2. */
    stream(deltas: number) {
      emit({ type: 'step-start', step: 1 })
      emit({ type: 'text-delta', offset: 0, text: 'Looking. ' })
      emit({ type: 'step-end', step: 1, finishReason: 'tool_calls', toolCallCount: 0 })
      emit({ type: 'step-start', step: 2 })
      for (let index = 0; index < deltas; index++) emit({ type: 'text-delta', offset: state.content.length, text: PIECE })
    },
  }
}

function withSource(source: MessageMetadataSource) {
  return (mapper: UiChunkMapper): Partial<UiStreamSinkOptions> => ({ maxQueueBytes: BOUND, roundMetadata: chunks => withStepMetadata(chunks, source, mapper.roundEndOf) })
}

describe('chunks waiting for a round\'s metadata', () => {
  it('a hook that never settles: what waits stays within the bound (plus one frame), the rest is left out', async () => {
    const job = createJob()
    let sinkRef: UiStreamSink | null = null
    const response = await loopback.open((sink) => {
      sinkRef = sink
      job.attach(sink)
    }, withSource(part => part === 'finish-step' ? new Promise<never>(() => {}) : Promise.resolve(undefined)))
    const read = readAll(response)
    await new Promise(resolve => setImmediate(resolve))
    // 64 frames of 16 KiB: 1 MiB of text for a 64 KiB bound.
    job.stream(64)
    // Before: dropped 0, every frame held (1 MiB and more).
    expect(sinkRef!.dropped).toBeGreaterThan(0)
    expect(sinkRef!.waitingBytes).toBeGreaterThan(0)
    expect(sinkRef!.waitingBytes).toBeLessThan(BOUND + 2 * PIECE.length + 1024)
    await loopback.close()
    await read
  })

  it('once the hook settles, the client is resynced and gets the exact text', async () => {
    const job = createJob()
    let release!: () => void
    const released = new Promise<void>(resolve => (release = resolve))
    let sinkRef: UiStreamSink | null = null
    let resyncs = 0
    const response = await loopback.open((sink) => {
      sinkRef = sink
      job.attach(sink)
      sink.onResyncNeeded = () => {
        resyncs++
        sink.send({ event: 'snapshot', id: job.state.seq, data: job.state }, { catchUp: true })
        job.emit({ type: 'job-end', status: 'completed', metrics: emptyMetrics() })
        sink.close()
      }
    }, withSource(async part => part === 'finish-step' ? released.then(() => ({ round: 1 })) : undefined))
    const read = readAll(response)
    await new Promise(resolve => setImmediate(resolve))
    job.stream(64)
    expect(sinkRef!.dropped).toBeGreaterThan(0)
    release()
    const { body, cut } = await read
    expect(resyncs).toBe(1)
    expect(cut).toBe(false)
    const message = await sdkMessage(body)
    expect(text(message)).toBe(job.state.content)
    expect(message.metadata).toEqual({ round: 1 })
    expect(sinkRef!.waitingBytes).toBe(0)
  })

  it('the app\'s hook that never settles: given up after its 10 s, the client is resynced with the exact text', async () => {
    // Only the hook's timeout is faked: the loopback socket runs as it does.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const record = { id: 'job', userId: 'u', type: 'chat', status: 'running', threadId: 'c', messageId: 'm', idempotencyKey: null, title: 't', request: { type: 'chat', messages: [] }, createdAt: 0, updatedAt: 0, endedAt: null, lastSeq: 0, lease: null } satisfies JobRecord
    const { logger, lines } = recordingLogger()
    const source = createMessageMetadataSource({ job: record, logger, timers: createTimerSet(), hook: context => context.part === 'finish-step' ? new Promise(() => {}) : undefined })
    const job = createJob()
    let sinkRef: UiStreamSink | null = null
    const response = await loopback.open((sink) => {
      sinkRef = sink
      job.attach(sink)
      sink.onResyncNeeded = () => {
        sink.send({ event: 'snapshot', id: job.state.seq, data: job.state }, { catchUp: true })
        job.emit({ type: 'job-end', status: 'completed', metrics: emptyMetrics() })
        sink.close()
      }
    }, withSource(source))
    const read = readAll(response)
    await new Promise(resolve => setImmediate(resolve))
    job.stream(64)
    expect(sinkRef!.dropped).toBeGreaterThan(0)
    expect(sinkRef!.waitingBytes).toBeLessThan(BOUND + 2 * PIECE.length + 1024)
    await vi.advanceTimersByTimeAsync(HOOK_TIMEOUT_MS)
    const { body, cut } = await read
    expect(cut).toBe(false)
    expect(text(await sdkMessage(body))).toBe(job.state.content)
    expect(lines.map(line => line.level)).toEqual(['warn'])
  })

  it('a stream the engine closes while frames are left out is cut when the wait is over (fell-behind)', async () => {
    const job = createJob()
    let release!: () => void
    const released = new Promise<void>(resolve => (release = resolve))
    const cuts: string[] = []
    let sinkRef: UiStreamSink | null = null
    const response = await loopback.open((sink) => {
      sinkRef = sink
      job.attach(sink)
      sink.onCut = reason => cuts.push(reason)
    }, withSource(async part => part === 'finish-step' ? released.then(() => undefined) : undefined))
    const read = readAll(response)
    await new Promise(resolve => setImmediate(resolve))
    job.stream(64)
    // The job ends while frames are missing: its `job-end` is left out too, and the engine closes the viewer.
    job.emit({ type: 'job-end', status: 'completed', metrics: emptyMetrics() })
    sinkRef!.close()
    release()
    const { body, cut } = await read
    expect(cut).toBe(true)
    expect(body).not.toContain('[DONE]')
    expect(cuts).toEqual(['fell-behind'])
  })
})
