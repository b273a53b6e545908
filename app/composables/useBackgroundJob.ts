/**
 * Follows one background job: its state, live from the job's SSE stream through the shared reducer.
 *
 * - SSR renders the snapshot from `GET /api/jobs/:id`; the browser keeps that state (payload) and
 *   resumes the stream after its seq, so hydration never shows text twice.
 * - The stream opens on mount only (client-only), closes on `job-end` and on unmount.
 * - A snapshot replaces the state; every other event goes through `applyEvent`, whose seq check and
 *   text offsets make replays and duplicates harmless.
 */
import type { MaybeRefOrGetter } from 'vue'
import { computed, onBeforeUnmount, onMounted, onServerPrefetch, toValue, watch } from 'vue'
import { isTerminalStatus } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { apiErrorMessage, apiErrorStatus } from '../lib/api-error'
import type { JobSnapshotResponse, JobSummary } from '../lib/api-types'
import { adoptSnapshot, applyLiveEvent, orderedNodes } from '../lib/job-state'
import { followJobStream } from '../lib/job-stream'
import type { JobStreamHandle } from '../lib/job-stream'

/** Options of `useBackgroundJob`. */
export interface UseBackgroundJobOptions {
  /** A state the caller already has (e.g. from a list); the stream resumes after its seq. */
  initialState?: JobState | null
  /** Open the stream on mount. @default true */
  live?: boolean
}

/** The answer of `answer()`. */
export type AnswerResult = { ok: true } | { ok: false, status?: number, message: string }

/** Follows the job `jobId` (one job per call; key the component by job id). */
export function useBackgroundJob(jobId: MaybeRefOrGetter<string>, options: UseBackgroundJobOptions = {}) {
  const id = toValue(jobId)
  const requestFetch = useRequestFetch()
  // Keyed global state: SSR fills it, the payload carries it to the browser, and returning to a
  // thread shows the last known state at once while the stream catches up.
  const state = useState<JobState | null>(`background-job:${id}`, () => options.initialState ?? null)
  const connected = useState(`background-job:${id}:connected`, () => false)
  const error = useState<string | null>(`background-job:${id}:error`, () => null)
  let stream: JobStreamHandle | null = null

  async function loadSnapshot(): Promise<void> {
    try {
      const response = await requestFetch<JobSnapshotResponse>(`/api/jobs/${encodeURIComponent(id)}`)
      state.value = adoptSnapshot(state.value, response.state)
    }
    catch (failure) {
      error.value = apiErrorStatus(failure) === 404 ? 'This job no longer exists.' : apiErrorMessage(failure)
    }
  }

  function connect(): void {
    if (stream || (state.value && isTerminalStatus(state.value.status))) return
    stream = followJobStream({
      url: `/api/jobs/${encodeURIComponent(id)}/stream`,
      getSeq: () => state.value?.seq ?? 0,
      onSnapshot: snapshot => {
        state.value = adoptSnapshot(state.value, snapshot)
        error.value = null
      },
      onEvent: event => {
        state.value = applyLiveEvent(state.value, event)
      },
      onEnd: () => {
        stream = null
      },
      onConnectionChange: isConnected => {
        connected.value = isConnected
      },
      onGiveUp: () => {
        stream = null
        void loadSnapshot()
      },
    })
  }

  function disconnect(): void {
    stream?.close()
    stream = null
  }

  if (import.meta.server && !state.value) onServerPrefetch(loadSnapshot)
  if (options.live !== false) {
    onMounted(connect)
    onBeforeUnmount(disconnect)
  }

  /** Stops the job on the server (idempotent); the stream then delivers `job-end`. */
  async function abort(): Promise<JobSummary | null> {
    try {
      const response = await $fetch<{ job: JobSummary }>(`/api/jobs/${encodeURIComponent(id)}/abort`, { method: 'POST' })
      return response.job
    }
    catch (failure) {
      error.value = apiErrorMessage(failure)
      return null
    }
  }

  /** Answers a pending input request; a 400 names what was wrong with the answer, 409 means it was already answered. */
  async function answer(requestId: string, value: unknown): Promise<AnswerResult> {
    try {
      await $fetch(`/api/jobs/${encodeURIComponent(id)}/input`, { method: 'POST', body: { requestId, answer: value } })
      return { ok: true }
    }
    catch (failure) {
      return { ok: false, status: apiErrorStatus(failure), message: apiErrorMessage(failure) }
    }
  }

  // A status change to a terminal one without the stream (e.g. GET after give-up) needs no stream.
  watch(() => state.value?.status, status => {
    if (status && isTerminalStatus(status)) disconnect()
  })

  return {
    id,
    state,
    connected,
    error,
    status: computed(() => state.value?.status ?? 'queued'),
    text: computed(() => state.value?.content ?? ''),
    reasoning: computed(() => state.value?.reasoning ?? ''),
    toolCalls: computed(() => state.value?.toolCalls ?? []),
    nodes: computed(() => orderedNodes(state.value)),
    currentNodeId: computed(() => state.value?.currentNodeId ?? null),
    pendingInputs: computed(() => state.value?.pendingInputs ?? []),
    isFinished: computed(() => Boolean(state.value && isTerminalStatus(state.value.status))),
    abort,
    answer,
    refresh: loadSnapshot,
    connect,
    disconnect,
  }
}
