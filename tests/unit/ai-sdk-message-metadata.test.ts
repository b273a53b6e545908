/**
 * AI SDK message metadata: the app's hook on the `start` and `finish` chunks (completed, waiting
 * for approvals, failed; before `abort` for an aborted job), read back by the SDK, which merges it
 * into `message.metadata` exactly as `mergeMetadata` does for the messages route; a replay, a
 * snapshot and the live frames give the same metadata; no hook, no change (no call, no record
 * read); and the hook's failures (throws, hangs, not JSON, too large) leave the chunk without
 * metadata, with one log line.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { JobEvent, JobEventPayload } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { HOOK_TIMEOUT_MS, isHooked } from '../../server/lib/app-hook'
import type { ChatMessageMetadataContext } from '../../server/lib/hooks'
import { createMessageMetadataSource, mergeMetadata } from '../../server/lib/ai-sdk/message-metadata'
import { asSent, MAX_MESSAGE_METADATA_BYTES } from '../../server/lib/ai-sdk/metadata-json'
import { messageMetadataSource } from '../../server/lib/ai-sdk/metadata-hook'
import type { JobsRouteContext } from '../../server/lib/http/handler'
import type { UiStreamSinkOptions } from '../../server/lib/http/ui-stream-sink'
import type { JobRecord } from '../../server/lib/providers/types'
import { mergeDeltas } from '../../server/lib/replay'
import { createTimerSet } from '../../server/lib/timers'
import type { ViewerFrame } from '../../server/lib/viewer'
import { createLoopback, readAll, sdkMessage } from '../support/ui-stream-loopback'
import { recordingLogger } from '../support/recording-logger'

const loopback = createLoopback()
afterEach(async () => {
  vi.useRealTimers()
  await loopback.close()
})

const numbered = (payloads: JobEventPayload[]) => payloads.map((payload, index) => ({ ...payload, seq: index + 1, at: index }) as JobEvent)
const frame = (event: JobEvent): ViewerFrame => ({ event: event.type, id: event.seq, data: event })
const metrics = (total: number) => ({ ...emptyMetrics(), tokens: { prompt: 10, completion: total - 10, total } })

const ANSWER: JobEventPayload[] = [
  { type: 'job-status', status: 'running' },
  { type: 'step-start', step: 1 },
  { type: 'text-delta', offset: 0, text: 'Hello' },
  { type: 'text-delta', offset: 5, text: ' there' },
  { type: 'step-end', step: 1, finishReason: 'stop', usage: { prompt: 10, completion: 20, total: 30 } },
]
const ENDS: Record<string, JobEventPayload[]> = {
  completed: [{ type: 'job-end', status: 'completed', metrics: metrics(30) }],
  failed: [{ type: 'job-end', status: 'failed', error: { code: 'upstream', message: 'upstream broke' }, metrics: metrics(30) }],
  aborted: [{ type: 'job-end', status: 'aborted', metrics: metrics(30) }],
  waiting: [
    { type: 'tool-call', id: 'd1', name: 'delete_file', args: {}, step: 1 },
    { type: 'input-request', requestId: 'r1', kind: 'tool-approval', prompt: '?', expiresAt: 1, onTimeout: 'deny', toolCallId: 'd1' },
    { type: 'job-status', status: 'waiting' },
  ],
}

/** The AI SDK docs' example as the hook would give it: when on start, tokens and status on finish. */
const START = { createdAt: 1_700_000_000_000, model: { name: 'm' } }
const finishOf = (state: JobState) => ({ totalTokens: state.metrics?.tokens.total ?? state.steps.reduce((sum, step) => sum + (step.usage?.total ?? 0), 0), status: state.status, model: { seq: state.seq } })

/** Streams `frames` (sent one by one, or as one catch-up) through a sink with the metadata; the raw body and the chunks. */
async function stream(frames: ViewerFrame[], options: Partial<UiStreamSinkOptions>, catchUp = false) {
  const response = await loopback.open(sink => frames.forEach(item => sink.send(item, { catchUp })), options)
  const { body, cut } = await readAll(response)
  expect(cut).toBe(false)
  const chunks = body.split('\n\n').filter(line => line.startsWith('data: {')).map(line => JSON.parse(line.slice(6)) as { type: string, messageMetadata?: unknown })
  return { body, chunks }
}

const withMetadata = (calls: JobState[] = []): Partial<UiStreamSinkOptions> => ({
  startMetadata: START,
  finishMetadata: async (state) => {
    calls.push(state)
    return finishOf(state)
  },
})

describe('message metadata on the UI message stream', () => {
  it.each(['completed', 'failed', 'waiting'])('%s: on `start` and `finish`, and the SDK merges both into message.metadata', async (end) => {
    const events = numbered([...ANSWER, ...ENDS[end]!])
    const calls: JobState[] = []
    const { chunks, body } = await stream(events.map(frame), withMetadata(calls))
    const finish = { totalTokens: 30, status: end, model: { seq: events.length } }
    expect(chunks[0]).toEqual({ type: 'start', messageId: 'job', messageMetadata: START })
    expect(chunks.at(-1)).toEqual({ type: 'finish', finishReason: { completed: 'stop', failed: 'error', waiting: 'tool-calls' }[end], messageMetadata: finish })
    expect(calls).toHaveLength(1)
    const merged = mergeMetadata(START, finish)
    expect(merged).toEqual({ createdAt: START.createdAt, model: { name: 'm', seq: events.length }, totalTokens: 30, status: end })
    expect((await sdkMessage(body)).metadata).toEqual(merged)
  })

  it('aborted: a `message-metadata` chunk just before `abort` (which has none)', async () => {
    const events = numbered([...ANSWER, ...ENDS.aborted!])
    const { chunks, body } = await stream(events.map(frame), withMetadata())
    const finish = { totalTokens: 30, status: 'aborted', model: { seq: events.length } }
    expect(chunks.slice(-2)).toEqual([{ type: 'message-metadata', messageMetadata: finish }, { type: 'abort' }])
    expect((await sdkMessage(body)).metadata).toEqual(mergeMetadata(START, finish))
  })

  it('a replay (one catch-up, merged deltas) and a snapshot give the same metadata as the live frames', async () => {
    const events = numbered([...ANSWER, ...ENDS.completed!])
    const live = await stream(events.map(frame), withMetadata())
    const replay = await stream(mergeDeltas(events).map(frame), withMetadata(), true)
    const beforeEnd = reduceEvents(createJobState({ id: 'job', type: 'chat', createdAt: 0 }), events.slice(0, -1))
    const snapshot = await stream([{ event: 'snapshot', id: beforeEnd.seq, data: beforeEnd }, frame(events.at(-1)!)], withMetadata())
    const ends = (chunks: Array<{ type: string }>) => [chunks[0], chunks.at(-1)]
    expect(ends(live.chunks)).toEqual([expect.objectContaining({ messageMetadata: START }), expect.objectContaining({ messageMetadata: finishOf(reduceEvents(beforeEnd, events.slice(-1))) })])
    expect(ends(replay.chunks)).toEqual(ends(live.chunks))
    expect(ends(snapshot.chunks)).toEqual(ends(live.chunks))
    expect((await sdkMessage(replay.body)).metadata).toEqual((await sdkMessage(live.body)).metadata)
  })

  it('no metadata: the stream is byte for byte the same, and frames after the end ask nothing more', async () => {
    const events = numbered([...ANSWER, ...ENDS.completed!])
    const plain = await stream(events.map(frame), {})
    expect(plain.body).not.toContain('messageMetadata')
    const calls: JobState[] = []
    const none = await stream([...events, ...events].map(frame), { startMetadata: undefined, finishMetadata: async (state) => {
      calls.push(state)
      return undefined
    } })
    expect(none.body).toBe(plain.body)
    expect(calls).toHaveLength(1)
  })
})

const JOB = { id: 'job-7', userId: 'u', type: 'chat', status: 'running', threadId: 'c', messageId: 'm', idempotencyKey: null, title: 't', request: { type: 'chat', messages: [] }, createdAt: 5, updatedAt: 5, endedAt: null, lastSeq: 0, lease: null } satisfies JobRecord

function sourceWith(hook: (context: ChatMessageMetadataContext) => unknown) {
  const { logger, lines } = recordingLogger()
  const timers = createTimerSet()
  return { source: createMessageMetadataSource({ job: JOB, hook, logger, timers }), lines, timers }
}

const STATE = createJobState({ id: JOB.id, type: 'chat', createdAt: JOB.createdAt })

describe('the metadata hook', () => {
  it('gets the job, the state and the part, and its metadata goes out as the client reads it (JSON)', async () => {
    const seen: Array<Omit<ChatMessageMetadataContext, 'metadata'>> = []
    const { source, lines } = sourceWith(async ({ job, state, part }) => {
      seen.push({ job, state, part })
    })
    expect(await source('start', STATE)).toBeUndefined()
    expect(seen).toEqual([{ job: JOB, state: STATE, part: 'start' }])
    const dated = sourceWith((context) => {
      context.metadata = { createdAt: new Date(JOB.createdAt), skipped: undefined, part: context.part }
    })
    expect(await dated.source('finish', STATE)).toEqual({ createdAt: new Date(JOB.createdAt).toISOString(), part: 'finish' })
    expect([...lines, ...dated.lines]).toEqual([])
  })

  it.each([
    ['a function', () => ({ format: () => 'x' }), 'is not JSON-serialisable (a function)'],
    ['a bigint', () => ({ tokens: 10n }), 'is not JSON-serialisable (a bigint)'],
    ['a cycle', () => {
      const value: Record<string, unknown> = {}
      value.self = value
      return value
    }, 'is not JSON-serialisable (a cycle)'],
    ['too large', () => ({ text: 'é'.repeat(MAX_MESSAGE_METADATA_BYTES / 2) }), `over the ${MAX_MESSAGE_METADATA_BYTES} allowed`],
  ])('%s: left out with one warning naming the hook and the job', async (_name, make, problem) => {
    const { source, lines } = sourceWith((context) => {
      context.metadata = make()
    })
    expect(await source('finish', STATE)).toBeUndefined()
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ level: 'warn', fields: { jobId: JOB.id } })
    expect(lines[0]!.message).toContain('hook background-jobs:chat-message-metadata set finish metadata that')
    expect(lines[0]!.message).toContain(problem)
  })

  it('just under the bound is sent', () => {
    const text = 'x'.repeat(MAX_MESSAGE_METADATA_BYTES - '{"text":""}'.length)
    expect(asSent({ text })).toEqual({ metadata: { text } })
    expect(asSent({ text: `${text}x` })).toHaveProperty('problem')
  })

  it('a hook that throws (after setting metadata) sends none and is logged; one that hangs is given up after the bound', async () => {
    const thrown = sourceWith((context) => {
      context.metadata = { partial: true }
      throw new Error('database down')
    })
    expect(await thrown.source('start', STATE)).toBeUndefined()
    expect(thrown.lines).toEqual([{ level: 'error', message: 'hook background-jobs:chat-message-metadata failed', fields: { jobId: JOB.id, error: new Error('database down') } }])

    vi.useFakeTimers()
    const hung = sourceWith(context => new Promise(() => {
      context.metadata = { late: true }
    }))
    const answer = hung.source('finish', STATE)
    await vi.advanceTimersByTimeAsync(HOOK_TIMEOUT_MS)
    expect(await answer).toBeUndefined()
    expect(hung.lines).toHaveLength(1)
    expect(hung.lines[0]).toMatchObject({ level: 'warn', fields: { jobId: JOB.id } })
    expect(hung.timers.size).toBe(0)
  })

  it('is looked up at each response: with none registered (or all removed), no call and no record read', async () => {
    // Hookable's own storage (5.x, Nitro's, deletes a name's entry with its last hook; 6.x leaves it undefined).
    const hooks = { _hooks: {} as Record<string, Array<(context: ChatMessageMetadataContext) => void> | undefined> }
    const name = 'background-jobs:chat-message-metadata'
    const reads: string[] = []
    const context = {
      userId: 'u',
      engine: {
        hooks: {
          chatMessageMetadata: (hookContext: ChatMessageMetadataContext) => hooks._hooks[name]?.forEach(hook => hook(hookContext)),
          isListening: () => isHooked(hooks, name),
        },
        hookTimers: createTimerSet(),
        getJobRecord: async (_userId: string, jobId: string) => {
          reads.push(jobId)
          return JOB
        },
      },
    } as unknown as JobsRouteContext
    expect(await messageMetadataSource(context, JOB.id)).toBeNull()
    hooks._hooks[name] = [(hookContext) => {
      hookContext.metadata = { part: hookContext.part }
    }]
    const source = await messageMetadataSource(context, JOB.id)
    expect(await source!('start', STATE)).toEqual({ part: 'start' })
    hooks._hooks[name] = undefined
    expect(await messageMetadataSource(context, JOB.id)).toBeNull()
    hooks._hooks[name] = []
    expect(await messageMetadataSource(context, JOB.id)).toBeNull()
    expect(reads).toEqual([JOB.id])
  })
})
