/**
 * With a shared store, every way a job ends leaves neither instance holding anything for it: the
 * owner (A) nor the one whose users watch it, abort it or answer it (B). Counted: runs, timers,
 * pending inputs, viewers, remote feeds, notification sinks and user feeds (engine stats), and the
 * Convex query subscriptions each instance still has open.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { BackgroundJobsEngine } from '../../server/lib/engine'
import type { ConvexFacade } from '../../server/lib/providers/convex-facade'
import type { RunContext } from '../../server/lib/run-context'
import type { NotificationSink } from '../../server/lib/notifications'
import { createRecordingSink, wait } from '../support/engine-harness'
import { outageWrap } from '../support/provider-outage'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const LEASE_MS = 3_000
const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: LEASE_MS, heartbeatMs: 1_000 } })
const chat = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }] }

/** Counts the facade's open subscriptions. */
function countingFacade() {
  const counter = { open: 0 }
  const wrap = (facade: ConvexFacade): ConvexFacade => ({
    ...facade,
    query: facade.query.bind(facade),
    mutation: facade.mutation.bind(facade),
    subscribe(query, args, onUpdate, onError) {
      counter.open++
      const stop = facade.subscribe(query, args, onUpdate, onError)
      let stopped = false
      return () => {
        if (!stopped) counter.open--
        stopped = true
        stop()
      }
    },
  })
  return { counter, wrap }
}

async function slowChat(context: RunContext) {
  for (let part = 0; part < 20; part++) {
    context.text(`part ${part} `)
    await wait(100, context.signal)
  }
}

interface RemotePath {
  name: string
  request: { type: 'chat', messages: Array<{ role: 'user', content: string }> } | { type: 'workflow', workflow: string, input: object }
  /** After a viewer and a notification stream of u1 are attached on B and 500 ms passed. */
  act: (world: { a: BackgroundJobsEngine, b: BackgroundJobsEngine, jobId: string, downA: () => void }) => Promise<void>
  status: 'completed' | 'failed' | 'aborted'
}

async function answerFrom(engine: BackgroundJobsEngine, jobId: string) {
  const { state } = await engine.getJob('u1', jobId)
  await engine.answerInput('u1', jobId, { requestId: state.pendingInputs[0]!.requestId, answer: { go: true } })
}

const paths: RemotePath[] = [
  { name: 'completed on its owner', request: chat, status: 'completed', act: async () => {
    await vi.advanceTimersByTimeAsync(3_000)
  } },
  { name: 'aborted from the other instance', request: chat, status: 'aborted', act: async ({ b, jobId }) => {
    await b.abortJob('u1', jobId)
  } },
  { name: 'waiting workflow answered from the other instance', request: { type: 'workflow', workflow: 'ask', input: {} }, status: 'completed', act: async ({ b, jobId }) => {
    await answerFrom(b, jobId)
    await vi.advanceTimersByTimeAsync(1_000)
  } },
  { name: 'owner lost: the other instance ends the chat owner-lost', request: chat, status: 'failed', act: async ({ downA }) => {
    downA()
    await vi.advanceTimersByTimeAsync(3 * LEASE_MS)
  } },
  { name: 'waiting workflow handed off at the owner\'s shutdown, answered on the new owner', request: { type: 'workflow', workflow: 'ask', input: {} }, status: 'completed', act: async ({ a, b, jobId }) => {
    await a.dispose()
    await vi.advanceTimersByTimeAsync(2_000)
    await answerFrom(b, jobId)
    await vi.advanceTimersByTimeAsync(1_000)
  } },
]

describe('every end path of a job watched from another instance releases what both held', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it.each(paths)('$name', async (path) => {
    const backend = createBackend()
    const countA = countingFacade()
    const countB = countingFacade()
    const switched = outageWrap()
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: slowChat, wrapFacade: countA.wrap, wrap: switched.wrap })
    const b = createEngineNode(backend, { instanceId: 'B', config, chat: slowChat, wrapFacade: countB.wrap })
    const { job } = await a.engine.createJob('u1', { request: path.request })
    await vi.advanceTimersByTimeAsync(100)
    const viewer = createRecordingSink()
    const attachment = await b.engine.attachViewer('u1', job.id, viewer, null)
    const notifications: NotificationSink = { send() {}, comment() {}, close() {} }
    const detachNotifications = b.engine.attachNotifications('u1', notifications, null)
    await vi.advanceTimersByTimeAsync(400)
    expect(b.engine.stats()).toMatchObject({ viewers: 1, remoteFeeds: 1, userFeeds: 1 })
    // A: the job's controls; B: the job's log and the user's jobs.
    expect(countA.counter.open).toBeGreaterThanOrEqual(1)
    expect(countB.counter.open).toBeGreaterThanOrEqual(2)

    await path.act({ a: a.engine, b: b.engine, jobId: job.id, downA: () => { switched.outage.down = true } })
    await vi.advanceTimersByTimeAsync(500)
    expect((await b.engine.getJob('u1', job.id)).state.status).toBe(path.status)
    expect(viewer.closed).toBe(true)
    attachment.detach()
    detachNotifications()
    switched.outage.down = false
    await vi.advanceTimersByTimeAsync(5_000)

    const idle = { runs: 0, viewers: 0, remoteFeeds: 0, jobTimers: 0, pendingInputs: 0, notificationSinks: 0, userFeeds: 0, unpersistedEvents: 0 }
    expect(a.engine.stats()).toMatchObject(idle)
    expect(b.engine.stats()).toMatchObject(idle)
    expect({ a: countA.counter.open, b: countB.counter.open }).toEqual({ a: 0, b: 0 })
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })
})
