/**
 * How a live job numbers what its run reports: a payload becomes the job's next event with its
 * `seq`, the time `at`, and the run's lease `epoch` after a takeover (above 1; an event without
 * one is of epoch 1).
 */
import type { JobEvent, JobEventPayload } from '../../shared/events'

/** The payloads that batch into one event per window (server/lib/live-job.ts `delta`). */
export type DeltaType = 'text-delta' | 'reasoning-delta'

/** A payload numbered as event `seq`, written at `at`, in lease epoch `epoch`. */
export function numberEvent(payload: JobEventPayload & { nodeId?: string }, seq: number, at: number, epoch: number): JobEvent {
  return { ...payload, seq, at, ...(epoch > 1 ? { epoch } : {}) } as JobEvent
}

/**
 * `numberEvent` for a delta, built field by field: the same fields in the same order, but one
 * object shape for every plain delta (no copy of a payload object per event).
 */
export function numberDelta(type: DeltaType, offset: number, text: string, nodeId: string | undefined, seq: number, at: number, epoch: number): JobEvent {
  const event = (nodeId ? { type, offset, text, nodeId, seq, at } : { type, offset, text, seq, at }) as JobEvent
  if (epoch > 1) event.epoch = epoch
  return event
}
