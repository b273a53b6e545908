/**
 * A look inside the engine for developer tools (the Nuxt DevTools tab) and tests: the jobs running
 * on this instance with their live numbers, and any job's event timeline and reduced state. It
 * shows every user's jobs: only ever reach it through a guarded, dev-only route.
 */
import { Buffer } from 'node:buffer'
import type { JobEvent, JobStatus, JobType } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { createJobState, reduceEvents } from '../../shared/reducer'
import type { JobRun } from './job-run'
import { runningHere } from './job-access'
import { getListedRecord } from './listed-record'
import type { JobProvider, JobRecord } from './providers/types'

/** Text and reasoning events: how many, and how many characters each carried (the batching). */
export interface DeltaBatches {
  count: number
  meanChars: number
  maxChars: number
  lastChars: number
}

/** One job as the DevTools list shows it. */
export interface InspectedJob {
  id: string
  type: JobType
  title: string
  userId: string
  status: JobStatus
  /** True while it runs on this instance. */
  running: boolean
  createdAt: number
  endedAt: number | null
  /** Milliseconds since it was created. */
  ageMs: number
  lastSeq: number
  viewers: number
  pendingInputs: number
  batches: DeltaBatches
  firstTokenMs: number | null
  rounds: number
  toolCalls: number
}

/** One event of the timeline: what, when, how big (its JSON in UTF-8 bytes, as stored and sent). */
export interface TimelineEntry {
  seq: number
  fromSeq?: number
  type: JobEvent['type']
  at: number
  /** Milliseconds after the job was created. */
  sinceCreatedMs: number
  bytes: number
  nodeId?: string
  event: JobEvent
}

/** A job's timeline and reduced state. */
export interface JobInspection {
  job: InspectedJob
  timeline: TimelineEntry[]
  /** False when the provider no longer holds every event (then the timeline has a gap). */
  complete: boolean
  state: JobState
}

function deltaBatches(events: readonly JobEvent[]): DeltaBatches {
  let count = 0
  let total = 0
  let maxChars = 0
  let lastChars = 0
  for (const event of events) {
    if (event.type !== 'text-delta' && event.type !== 'reasoning-delta') continue
    count++
    total += event.text.length
    maxChars = Math.max(maxChars, event.text.length)
    lastChars = event.text.length
  }
  return { count, meanChars: count ? Math.round(total / count) : 0, maxChars, lastChars }
}

/** Creates the inspector of an engine. */
export function createInspector(options: { runs: Map<string, JobRun>, provider: JobProvider, now: () => number }) {
  const { runs, provider, now } = options

  function describe(record: JobRecord, state: JobState, events: readonly JobEvent[], run: JobRun | undefined): InspectedJob {
    const metrics = run?.metrics ?? state.metrics
    return {
      id: record.id,
      type: record.type,
      title: record.title,
      userId: record.userId,
      status: state.status,
      running: Boolean(run && !run.live.ended && !run.abandoned),
      createdAt: record.createdAt,
      endedAt: state.endedAt,
      ageMs: now() - record.createdAt,
      lastSeq: state.seq,
      viewers: run?.live.viewers.size ?? 0,
      pendingInputs: state.pendingInputs.length,
      batches: deltaBatches(events),
      firstTokenMs: metrics?.first_token_ms ?? null,
      rounds: metrics?.total_rounds ?? 0,
      toolCalls: metrics?.tool_call_count ?? 0,
    }
  }

  async function load(jobId: string): Promise<{ record: JobRecord, state: JobState, events: readonly JobEvent[], complete: boolean, run?: JobRun } | null> {
    // As the API reads it (job-access.ts): a run given up here (another instance owns the job
    // now) whose code has not returned yet is not the job: the store shows the new owner's log.
    const run = runningHere(runs, jobId)
    if (run) {
      run.live.flushForRead()
      const live = run.live.events
      const firstLive = live[0] ? (live[0].fromSeq ?? live[0].seq) : run.live.state.seq + 1
      if (firstLive <= 1) return { record: run.record, state: run.live.state, events: live, complete: true, run }
      // A run taken over from another instance holds only its own events: the rest are stored.
      const range = await provider.readEvents(jobId, 0)
      const before = (range?.events ?? []).filter(event => event.seq < firstLive)
      const complete = Boolean(range?.complete) && (before.at(-1)?.seq ?? 0) === firstLive - 1
      return { record: run.record, state: run.live.state, events: [...before, ...live], complete, run }
    }
    // What the inspection shows of the record is its summary: not a long chat's whole history.
    const record = await getListedRecord(provider, jobId)
    if (!record) return null
    const range = await provider.readEvents(jobId, 0)
    if (range === null) return null
    const events = range.events
    // A log read cut short may be a job deleted between its pages (Convex): its state is gone too.
    const state = range.complete
      ? reduceEvents(createJobState({ id: record.id, type: record.type, createdAt: record.createdAt }), events)
      : await provider.getState(jobId)
    if (!state) return null
    return { record, state, events, complete: range.complete }
  }

  return {
    /** The jobs running here, then the other given ids (e.g. jobs created here lately), newest first. */
    async list(recentIds: readonly string[] = []): Promise<InspectedJob[]> {
      const ids = [...new Set([...runs.keys(), ...recentIds])]
      const loaded = await Promise.all(ids.map(load))
      return loaded
        .filter(entry => entry !== null)
        .map(entry => describe(entry.record, entry.state, entry.events, entry.run))
        .sort((left, right) => right.createdAt - left.createdAt)
    },
    /** One job's timeline and state, or null when it does not exist (any more). */
    async get(jobId: string): Promise<JobInspection | null> {
      const entry = await load(jobId)
      if (!entry) return null
      const { record, state, events, complete, run } = entry
      const timeline = events.map((event): TimelineEntry => ({
        seq: event.seq,
        ...(event.fromSeq === undefined ? {} : { fromSeq: event.fromSeq }),
        type: event.type,
        at: event.at,
        sinceCreatedMs: event.at - record.createdAt,
        bytes: Buffer.byteLength(JSON.stringify(event)),
        ...(event.nodeId ? { nodeId: event.nodeId } : {}),
        event,
      }))
      return { job: describe(record, state, events, run), timeline, complete, state }
    },
    /** The owner of a job (the DevTools abort acts for them), or null. */
    async ownerOf(jobId: string): Promise<string | null> {
      return runs.get(jobId)?.record.userId ?? (await getListedRecord(provider, jobId))?.userId ?? null
    },
  }
}

/** An engine's inspector. */
export type Inspector = ReturnType<typeof createInspector>
