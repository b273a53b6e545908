/**
 * One resume fuzz scenario: a job numbered by the real LiveJob (batching windows on a manual
 * clock, a write-behind queue written when the scenario says, its batches stored with merged
 * deltas), up to two takeovers (a new owner resumes from what was stored, with the next epoch), and tabs
 * that attach through the real viewer hub — of the owning instance, or of one that follows the
 * store's subscription — with their resume position (kept, restored from an earlier state, stale
 * epoch, mid-batch, future), receive
 * the frames as the wire carries them (shared/stream-wire.ts) and keep their state as the browser
 * composable does (adoptSnapshot / applyLiveEvent). Returns every broken promise it saw.
 */
import { isDeepStrictEqual } from 'node:util'
import type { StreamPosition } from '../../shared/event-id'
import { formatEventId } from '../../shared/event-id'
import type { JobEvent, JobEventPayload } from '../../shared/events'
import { emptyMetrics, isTerminalStatus } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { decodeStreamEvent, encodeEventData } from '../../shared/stream-wire'
import { adoptSnapshot, applyLiveEvent } from '../../app/lib/job-state'
import type { BatchClock, BatchTarget } from '../../server/lib/batch-clock'
import { mergeDeltas } from '../../server/lib/replay'
import { LiveJob } from '../../server/lib/live-job'
import type { PersistQueue } from '../../server/lib/persist-queue'
import { eventBytes } from '../../server/lib/persist-queue'
import type { JobRun } from '../../server/lib/job-run'
import type { JobProvider, JobRecord } from '../../server/lib/providers/types'
import type { TimerSet } from '../../server/lib/timers'
import type { ViewerFrame } from '../../server/lib/viewer'
import { createViewerHub } from '../../server/lib/viewer-hub'
import type { Random } from './fuzz-random'
import { createRandom } from './fuzz-random'

const TEXTS = ['a', 'bc', 'é', '😀', 'hello ', 'x\n', 'ü😀z']

/** A batch clock driven by the scenario: `tick` ends the turn, `elapse` ends the windows. */
function manualClock() {
  let now = 0
  const windows = new Map<BatchTarget, number>()
  const soon = new Set<BatchTarget>()
  const clock: BatchClock = {
    now: () => now,
    open(target, windowMs) {
      windows.set(target, now + windowMs)
      return () => windows.delete(target)
    },
    soon: target => void soon.add(target),
    notSoon: target => void soon.delete(target),
    get openWindows() { return windows.size },
    dispose: () => { windows.clear(); soon.clear() },
  }
  return {
    clock,
    tick() {
      for (const target of [...soon]) { soon.delete(target); target.sendLeading() }
    },
    elapse(ms: number) {
      now += ms
      for (const [target, endsAt] of [...windows]) {
        if (endsAt <= now) { windows.delete(target); target.windowEnded() }
      }
    },
  }
}

/** No heartbeat; a remote viewer's wait for the store gives up at once (the scenario is sequential). */
const noTimers = {
  interval: () => () => {},
  timeout: (callback: () => void) => {
    queueMicrotask(callback)
    return () => {}
  },
} as unknown as TimerSet

interface Tab {
  name: string
  /** Attached to the instance that only follows the store. */
  remote: boolean
  state: JobState | null
  /** The position it resumes from (its state's, unless the scenario gave it another). */
  position: StreamPosition | null
  detach: (() => void) | null
  ended: boolean
  /** It dropped its stream to take the server's state again (app/lib/job-stream.ts does). */
  resync: boolean
}

/** Runs the scenario of `seed`; returns the violations (empty: it passed). */
export async function runResumeFuzz(seed: number, steps: number): Promise<string[]> {
  const random: Random = createRandom(seed)
  const violations: string[] = []
  const base = createJobState({ id: 'job', type: 'workflow', createdAt: 0 })
  const stored: JobEvent[] = []
  let pending: JobEvent[] = []
  const manual = manualClock()
  const persist: PersistQueue = {
    push: (event: JobEvent) => void pending.push(event),
    flush: async () => 'stored',
    sizeOf: eventBytes,
    maxEventBytes: Number.POSITIVE_INFINITY,
    get pendingCount() { return pending.length },
    writes: 0,
    close: () => {},
  } as unknown as PersistQueue
  let epoch = 1
  let takeovers = 0
  const newLive = (state: JobState) => new LiveJob({ state, clock: manual.clock, persist, batchWindowMs: random.pick([0, 10, 30]), now: () => manual.clock.now(), epoch })
  const record = { id: 'job', userId: 'u', type: 'workflow', status: 'running', createdAt: 0, lastSeq: 0, lease: { instanceId: 'a', epoch: 1, expiresAt: 1e12 } } as unknown as JobRecord
  const runs = new Map<string, JobRun>()
  let live = newLive(base)
  runs.set('job', { record, live, abandoned: false } as unknown as JobRun)
  const listeners = new Set<(events: JobEvent[]) => void>()
  const provider = {
    readEvents: async () => ({ events: [...stored], complete: true }),
    getState: async () => reduceEvents(base, stored),
    subscribe: (_id: string, listener: (events: JobEvent[]) => void) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  } as unknown as JobProvider
  /** Stores a batch of the write-behind queue as the persist queue does (deltas merged) and feeds it to subscribers. */
  function write(count: number) {
    const batch = mergeDeltas(pending.splice(0, count))
    stored.push(...batch)
    if (batch.some(event => event.type === 'job-end')) record.status = 'completed'
    if (batch.length > 0) for (const listener of [...listeners]) listener(batch)
  }
  const hubOptions = { provider, timers: noTimers, getConfig: () => ({ stream: { heartbeatMs: 1000 }, persist: { intervalMs: 0 } }) as never, notifications: {} as never }
  const hub = createViewerHub({ ...hubOptions, runs })
  const follower = createViewerHub({ ...hubOptions, runs: new Map() })
  /** Every state any owner had (for tabs restored from an earlier moment). */
  const history: JobState[] = [base]
  const tabs: Tab[] = []
  let calls = 0
  let nodes = 0
  let open: { call?: string, request?: string, node?: string } = {}

  function receive(tab: Tab, frame: ViewerFrame) {
    if (tab.ended) return violations.push(`${tab.name}: frame after job-end`)
    // As on the wire: the id carries the epoch, plain deltas go compact.
    const id = formatEventId(frame.id, frame.epoch)
    const data: unknown = JSON.parse(JSON.stringify(encodeEventData(frame.event, frame.data)))
    if (frame.event === 'snapshot') {
      tab.state = adoptSnapshot(tab.state, data as JobState)
    }
    else {
      const event = decodeStreamEvent(frame.event, id, data, 0)
      if (!event) return violations.push(`${tab.name}: undecodable ${frame.event}`)
      const before = tab.state
      if (tab.resync) return
      if (before && (event.epoch ?? 1) > (before.epoch ?? 1) && (event.fromSeq ?? event.seq) <= before.seq) {
        // A later owner at seqs the tab has (text a lost owner never stored): as the browser's
        // follower does, drop the stream, take the server's state and resume after it.
        tab.detach?.()
        tab.detach = null
        tab.resync = true
        return
      }
      if (!before) violations.push(`${tab.name}: ${event.type} ${id} before any snapshot`)
      // A following instance that waited in vain for the store to reach a tab's position sends
      // the stored snapshot and the feed from there: events the tab has come again, and the
      // reducer skips them (viewer-hub.ts attachRemote). The owner never sends them twice.
      else if (tab.remote && event.seq <= before.seq && (event.epoch ?? 1) === (before.epoch ?? 1)) return
      else if ((event.epoch ?? 1) >= (before.epoch ?? 1)) {
        const first = event.fromSeq ?? event.seq
        // A replay that starts inside a stored merged delta sends it whole (docs/decisions/003).
        if (first > before.seq + 1 || event.seq <= before.seq) violations.push(`${tab.name}: ${event.type} ${id} (from ${first}) after seq ${before.seq}`)
        if (event.type === 'text-delta' || event.type === 'reasoning-delta') {
          const had = event.type === 'text-delta' ? before.content : before.reasoning
          const overlap = had.slice(event.offset)
          const allowed = first <= before.seq ? event.offset <= had.length : event.offset === had.length
          if (!allowed || !event.text.startsWith(overlap)) violations.push(`${tab.name}: ${event.type} offset ${event.offset} at length ${had.length} (${id}, from ${first})`)
        }
      }
      tab.state = applyLiveEvent(before, event)
      if (event.type === 'job-end') tab.ended = true
    }
    tab.position = tab.state ? { epoch: tab.state.epoch ?? 1, seq: tab.state.seq } : tab.position
  }

  async function connect(tab: Tab) {
    tab.ended = false
    if (tab.resync) {
      // The probe: the owner answers with its state, a following instance with the stored one.
      tab.resync = false
      tab.state = adoptSnapshot(tab.state, tab.remote ? reduceEvents(base, stored) : live.state)
      tab.position = { epoch: tab.state.epoch ?? 1, seq: tab.state.seq }
    }
    const sink = { send: (frame: ViewerFrame) => receive(tab, frame), comment: () => {}, close: () => { tab.detach = null } }
    const attachment = await (tab.remote ? follower : hub).attach({ ...record, lastSeq: stored.at(-1)?.seq ?? 0 }, sink, tab.position)
    tab.detach = attachment.open && !tab.ended ? attachment.detach : null
    if (tab.state && isTerminalStatus(tab.state.status)) tab.ended = true
  }

  /** The epoch the stored event at `seq` was written in. */
  function epochOfStored(seq: number): number {
    const event = stored.find(each => (each.fromSeq ?? each.seq) <= seq && seq <= each.seq)
    return event?.epoch ?? 1
  }

  function commit(payload: JobEventPayload & { nodeId?: string }) {
    live.commit(payload)
  }

  function remember() {
    if (history.at(-1) !== live.state) history.push(live.state)
  }

  for (let step = 0; step < steps; step++) {
    const action = random.weighted({ text: 8, reasoning: 3, tool: 2, progress: 3, approval: 1, node: 2, tick: 3, elapse: 3, write: 2, takeover: takeovers < 2 ? 1 : 0, tab: 2, drop: 2, back: 2 })
    switch (action) {
      case 'text': live.delta('text-delta', random.pick(TEXTS), random.chance(0.2) && open.node ? open.node : undefined); break
      case 'reasoning': live.delta('reasoning-delta', random.pick(TEXTS)); break
      case 'tool':
        if (open.call) { commit({ type: 'tool-result', id: open.call, status: 'completed', result: { ok: step }, durationMs: 1 }); open.call = undefined }
        else { open.call = `call_${++calls}`; commit({ type: 'tool-call', id: open.call, name: 'calc', args: { n: step }, step: 1 }) }
        break
      // A running call's progress: merged, stored at most once per 250 ms, left out of replays once superseded.
      case 'progress': if (open.call) live.progress({ type: 'tool-progress', id: open.call, message: `at ${step}`, fraction: random.pick([0.25, 0.5, 1]) }); break
      case 'approval':
        if (open.request) { commit({ type: 'input-response', requestId: open.request, answer: true, answeredAt: step, answeredBy: 'u' }); open.request = undefined }
        else if (open.call) { open.request = `req_${step}`; commit({ type: 'input-request', requestId: open.request, kind: 'tool-approval', toolCallId: open.call, prompt: 'ok?', expiresAt: 1e9, onTimeout: 'deny' } as JobEventPayload) }
        break
      case 'node':
        if (open.node) { commit({ type: 'node-end', nodeId: open.node, status: random.pick(['completed', 'failed'] as const), output: step }); open.node = undefined }
        else { open.node = `n${++nodes}`; commit({ type: 'node-start', nodeId: open.node, kind: 'agent' }) }
        break
      case 'tick': manual.tick(); break
      case 'elapse': manual.elapse(random.pick([5, 10, 30])); break
      case 'write': write(random.int(1, Math.max(1, pending.length))); break
      case 'takeover': {
        // The owner dies: what it had not stored is lost, its streams break.
        takeovers++
        remember()
        live.close()
        pending = []
        epoch++
        live = newLive(reduceEvents(base, stored))
        record.lease = { instanceId: 'b', epoch, expiresAt: 1e12 }
        runs.set('job', { record, live, abandoned: false } as unknown as JobRun)
        for (const tab of tabs) if (!tab.remote) tab.detach = null
        open = { node: open.node }
        break
      }
      case 'tab': {
        const remote = random.chance(0.4)
        const tab: Tab = { name: `${remote ? 'remote' : 'tab'}${tabs.length}`, remote, state: null, position: null, detach: null, ended: false, resync: false }
        const kind = random.pick(['fresh', 'restored', 'stored', 'future'] as const)
        if (kind === 'restored') {
          tab.state = random.pick(history)
          tab.position = { epoch: tab.state.epoch ?? 1, seq: tab.state.seq }
        }
        // At any seq of the stored log, inside a merged delta too.
        if (kind === 'stored') {
          const seq = random.int(0, stored.at(-1)?.seq ?? 0)
          tab.state = history.find(each => each.seq === seq && (each.epoch ?? 1) === epochOfStored(seq)) ?? null
          tab.position = tab.state && { epoch: tab.state.epoch ?? 1, seq }
        }
        // Past what the attach's flush may commit first (the pending text, a call's progress due): still future then.
        if (kind === 'future') tab.position = { epoch: random.int(1, epoch + 1), seq: live.state.seq + random.int(3, 7) }
        tab.name += `(${kind} ${tab.position ? formatEventId(tab.position.seq, tab.position.epoch) : '-'})`
        tabs.push(tab)
        await connect(tab)
        break
      }
      case 'drop': {
        const tab = tabs.find(each => each.detach)
        tab?.detach?.()
        if (tab) tab.detach = null
        break
      }
      case 'back': {
        const tab = tabs.find(each => !each.detach && !each.ended)
        if (tab) await connect(tab)
        break
      }
    }
    remember()
    for (const tab of tabs) if (tab.resync) await connect(tab)
  }
  // The end: stored, then reported; every tab not ended comes back once.
  live.end({ type: 'job-end', status: 'completed', metrics: emptyMetrics() })
  write(pending.length)
  live.reportEnd()
  for (let round = 0; round < 3; round++) for (const tab of tabs) if (!tab.ended) await connect(tab)
  const strip = (state: JobState | null) => state && JSON.parse(JSON.stringify({ ...state, updatedAt: 0 })) as JobState
  const same = (a: unknown, b: unknown) => isDeepStrictEqual(a === undefined ? a : JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)))
  const final = strip(live.state)
  if (!same(strip(reduceEvents(base, stored)), final)) violations.push('stored log does not reduce to the final state')
  for (const tab of tabs) {
    if (!same(strip(tab.state), final)) {
      const keys = Object.keys(final!).filter(key => !same((strip(tab.state) as never)?.[key], (final as never)[key]))
      violations.push(`${tab.name}: final state differs in ${keys.map(key => `${key}: ${JSON.stringify((tab.state as never)?.[key])} vs ${JSON.stringify((live.state as never)[key])}`).join('; ').slice(0, 600)}: content ${JSON.stringify(tab.state?.content)} vs ${JSON.stringify(live.state.content)}, seq ${tab.state?.seq}/${live.state.seq}, epoch ${tab.state?.epoch}/${live.state.epoch}`)
    }
  }
  return violations
}
