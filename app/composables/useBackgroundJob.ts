/**
 * Follows one background job: its state, live from the job's SSE stream through the shared reducer.
 *
 * - SSR renders the snapshot from `GET /api/jobs/:id`; the browser keeps that state (payload) and
 *   resumes the stream after its seq, so hydration never shows text twice.
 * - The stream opens on mount only (client-only), closes on `job-end` and when the last component
 *   following the job unmounts: components that follow the same job share one stream.
 * - A snapshot replaces the state; every other event goes through `applyEvent`, whose seq check and
 *   text offsets make replays and duplicates harmless.
 * - `connection` says how the stream stands (`reconnecting`/`offline` while the server is away,
 *   `denied` when the server refused — signed out — with `error` saying so);
 *   `lost` turns true when the server no longer has the job (404) — e.g. a running job after a
 *   restart of a server with the memory provider. The last known state is kept.
 * - When the follower gives up (its stream failed to open again and again, e.g. the stream cap's
 *   429), `connection` is `closed` and `error` says why in the server's words; following resumes by
 *   itself on the browser's wake signals (online, tab shown) or when the app calls `connect()`.
 */
import type { MaybeRefOrGetter } from 'vue'
import { computed, getCurrentInstance, isRef, onBeforeUnmount, onMounted, onServerPrefetch, toValue, watch } from 'vue'
import { isTerminalStatus } from '../../shared/events'
import type { JobState, NodeState } from '../../shared/reducer'
import { deltaLeavesGap } from '../../shared/reducer'
import { apiErrorMessage, apiErrorStatus } from '../lib/api-error'
import type { JobSnapshotResponse, JobSummary } from '../lib/api-types'
import { adoptSnapshot, applyLiveEvent, keepSameNodes, orderedNodes } from '../lib/job-state'
import { isAccessDeniedStatus, JobAccessDeniedError, PROBE_TIMEOUT_MS } from '../lib/job-probe'
import { assertJobId } from '../lib/job-id'
import { deletedJobs } from '../lib/deleted-jobs'
import { underAppBase } from '../../shared/app-base'
import { holdJobFollower, isJobFollowed, renewJobFollower } from '../lib/job-follower-registry'
import type { JobFollowerHold } from '../lib/job-follower-registry'
import { followJobStream } from '../lib/job-stream'
import { newSessionToken, SESSION_STATE_KEY, watchStateCleared } from '../lib/state-cleared'
import type { SessionToken } from '../lib/state-cleared'
import { readOncePerRender } from '../lib/render-reads'
import { describeStreamFailure } from '../lib/stream-failure'
import { subscribeToWakeSignals } from '../lib/wake-signals'
import type { JobConnectionState } from '../lib/job-stream'

/** Options of `useBackgroundJob`. */
export interface UseBackgroundJobOptions {
  /** A state the caller already has (e.g. from a list); the stream resumes after its seq. */
  initialState?: JobState | null
  /** Open the stream on mount. @default true */
  live?: boolean
}

/** The answer of `answer()`. */
export type AnswerResult = { ok: true } | { ok: false, status?: number, message: string }

/**
 * Follows the job `jobId` (one job per call; key the component by job id). The id is read once: a
 * ref or getter that later changes keeps following the first job (a warning says so). Throws a
 * `TypeError` when the id is not a non-empty string.
 */
export function useBackgroundJob(jobId: MaybeRefOrGetter<string>, options: UseBackgroundJobOptions = {}) {
  const id = toValue(jobId)
  assertJobId(id, 'useBackgroundJob')
  const requestFetch = useJobsFetch()
  // Keyed global state: SSR fills it, the payload carries it to the browser, and returning to a
  // thread shows the last known state at once while the stream catches up.
  const state = useState<JobState | null>(`background-job:${id}`, () => options.initialState ?? null)
  const connection = useState<JobConnectionState>(`background-job:${id}:connection`, () => 'closed')
  const lost = useState(`background-job:${id}:lost`, () => false)
  const error = useState<string | null>(`background-job:${id}:error`, () => null)
  /** Why the follower gave up (also in `error`), while it stays given up; null otherwise. */
  const gaveUp = useState<string | null>(`background-job:${id}:gave-up`, () => null)
  /** The server's refusal (401/403, also in `error`) that stopped the follower, until it follows again; null otherwise. */
  const denied = useState<string | null>(`background-job:${id}:denied`, () => null)
  /** The message of a read that failed (also in `error`), until the job is read again or the stream brings news of it; null otherwise. */
  const readFailed = useState<string | null>(`background-job:${id}:read-failed`, () => null)
  /** The message of an `abort()` that failed (also in `error`), until one goes through or the job ends; null otherwise. */
  const abortFailed = useState<string | null>(`background-job:${id}:abort-failed`, () => null)
  /** Replaced by `clearNuxtState()` (lib/state-cleared.ts): the stream then opens again, as the user signed in now. */
  const session = useState<SessionToken | undefined>(SESSION_STATE_KEY, newSessionToken)
  const jobUrl = `/api/jobs/${encodeURIComponent(id)}`
  // `$fetch` adds the app's base path by itself; the EventSource is given the whole path.
  const streamUrl = underAppBase(useRuntimeConfig().app.baseURL, `${jobUrl}/stream`)
  /** This component's hold on the job's one stream (shared by every component following the job). */
  let hold: JobFollowerHold | null = null
  /** This component's wait for a wake signal after the follower it held gave up. */
  let stopWaking: (() => void) | null = null
  /** The component calling this (null outside one): `connect()` in its `setup` waits for its mount. */
  const instance = getCurrentInstance()
  /** `connect()` was called before the component mounted (in `setup`). */
  let connectOnMount = false

  function markLost(): void {
    lost.value = true
    error.value = 'This job no longer exists on the server.'
  }

  /**
   * Reads of the job started (by every component of it: they share `error` and `lost`); only the
   * latest one's outcome is told.
   */
  const reads = useState(`background-job:${id}:reads`, () => 0)

  async function loadSnapshot(): Promise<void> {
    const read = ++reads.value
    try {
      const response = await requestFetch<JobSnapshotResponse>(jobUrl)
      state.value = adoptSnapshot(state.value, response.state)
      // A read started before another one answered last: `error` and `lost` tell the latest read.
      if (read !== reads.value) return
      // Read again: the message of a read that failed before no longer holds, nor does a 404's
      // `lost` (which would also keep `connect()` from following the job again). A refusal's or a
      // give-up's does, while the job still runs: live updates are still stopped (only `connect()`
      // follows again).
      error.value = isTerminalStatus(state.value.status) ? null : (denied.value ?? gaveUp.value)
      lost.value = false
      readFailed.value = null
    }
    catch (failure) {
      if (read !== reads.value) return
      if (apiErrorStatus(failure) === 404) markLost()
      else error.value = readFailed.value = apiErrorMessage(failure)
    }
  }

  /**
   * The follower's question after a break: the job's state, null when it is gone, a throw when
   * unreachable (no answer within PROBE_TIMEOUT_MS included) or refused (401/403, which stops it).
   */
  async function probe(): Promise<JobState | null> {
    try {
      return (await $fetch<JobSnapshotResponse>(jobUrl, { retry: 0, timeout: PROBE_TIMEOUT_MS })).state
    }
    catch (failure) {
      const status = apiErrorStatus(failure)
      if (status === 404) return null
      if (isAccessDeniedStatus(status)) throw new JobAccessDeniedError(status)
      throw failure
    }
  }

  /**
   * After a give-up: reads the job once (it may have ended meanwhile) and, still going, says why
   * following stopped — the stream URL asked once with `fetch`, as an EventSource hides the answer.
   */
  async function explainGiveUp(): Promise<void> {
    const [reason] = await Promise.all([describeStreamFailure(streamUrl), loadSnapshot()])
    if (lost.value || (state.value && isTerminalStatus(state.value.status)) || isJobFollowed(id)) return
    gaveUp.value = `Live updates stopped: ${reason}. They resume when the network is back or the tab is shown again.`
    error.value = gaveUp.value
  }

  /**
   * Opens (or joins) the job's stream. On the server it does nothing: SSR renders the snapshot, and
   * the stream opens in the browser (on mount, or when the app calls this there) — so calling it
   * in `setup` is safe, and the server's module-level follower registry never holds a request's job.
   * Called before the component mounted (in `setup`), it opens the stream on mount, so the render
   * that hydrates the server's HTML shows the same state (`connection` `closed`); after it
   * unmounted, it does nothing.
   */
  function connect(): void {
    if (import.meta.server) return
    // Its component is gone (e.g. a Retry handler that awaited `refresh()` while the user left):
    // no unmount is left to close a stream opened now.
    if (instance?.isUnmounted) return
    if (instance && !instance.isMounted) {
      // In `setup`: opened now, `connection` would already say `connecting` in the render that
      // hydrates the server's HTML (`closed` there, where this does nothing): a hydration mismatch.
      connectOnMount = true
      return
    }
    if (hold?.active || lost.value || (state.value && isTerminalStatus(state.value.status))) return
    if (gaveUp.value !== null) {
      // Following again after a give-up: its message no longer holds (it comes back if this one gives up too).
      if (error.value === gaveUp.value) error.value = null
      gaveUp.value = null
    }
    if (denied.value !== null) {
      // Following again after a refusal (e.g. signed in again): a stream resumed with `?after=`
      // brings events, not a snapshot, so nothing else would clear it (it comes back if refused again).
      if (error.value === denied.value) error.value = null
      denied.value = null
    }
    hold = holdJobFollower(id, stopped => followJobStream({
      url: streamUrl,
      getSeq: () => state.value?.seq ?? 0,
      getEpoch: () => state.value?.epoch ?? 1,
      leavesGap: event => deltaLeavesGap(state.value, event),
      onSnapshot: snapshot => {
        state.value = adoptSnapshot(state.value, snapshot)
        error.value = null
        readFailed.value = null
      },
      onEvent: event => {
        state.value = applyLiveEvent(state.value, event)
        // The stream brings the job: a read that failed before no longer says it cannot be read
        // (an `abort()` failure, in the same slot, still holds: the job was not stopped).
        if (readFailed.value !== null) {
          if (error.value === readFailed.value) error.value = null
          readFailed.value = null
        }
      },
      onEnd: () => stopped('ended'),
      onStateChange: next => {
        connection.value = next
      },
      onLost: () => {
        stopped('lost')
        markLost()
      },
      onGiveUp: () => {
        stopped()
        void explainGiveUp()
      },
      onDenied: (refusal) => {
        stopped()
        denied.value = refusal.message
        error.value = refusal.message
      },
      probe,
    }), session.value)
  }

  /** Leaves the job's stream; it closes when no other component follows the job. A no-op on the server. */
  function disconnect(): void {
    if (import.meta.server) return
    connectOnMount = false
    hold?.release()
    hold = null
    stopWaking?.()
    stopWaking = null
    if (!isJobFollowed(id) && connection.value !== 'denied') connection.value = 'closed'
  }

  // Registered on both sides although it only runs on the server: a component with a server
  // prefetch is an async boundary for `useId`, and ids must be the same in SSR and hydration.
  onServerPrefetch(async () => {
    if (state.value) return
    // Siblings prefetch at the same time: one read of the job for all of this render's components.
    if (instance) await readOncePerRender(instance.appContext, id, loadSnapshot)
    else await loadSnapshot()
  })
  onMounted(() => {
    // A job this tab knows deleted (its own `remove`, or another tab's `job-deleted`) shown again
    // after a client-side navigation: the state kept of it would show it as if it still existed
    // (an ended job asks the server nothing). Nothing of it stays, as with its prompt.
    if (deletedJobs.has(id)) {
      state.value = null
      markLost()
      return
    }
    if (options.live !== false || connectOnMount) connect()
    // A static view (`live: false`) the browser navigated to has no server render's state, and no
    // stream brings one (unless another component follows the job): read the job once, or it
    // would show `queued` and no text.
    else if (!state.value && !lost.value && !isJobFollowed(id)) void loadSnapshot()
  })
  // Also without `live`: a stream `connect()` opened is left when the component goes.
  onBeforeUnmount(disconnect)

  /**
   * Stops the job on the server (idempotent); the stream then delivers `job-end` — on a job no
   * stream follows in this tab, the job is read once instead.
   */
  async function abort(): Promise<JobSummary | null> {
    try {
      const response = await $fetch<{ job: JobSummary }>(`${jobUrl}/abort`, { method: 'POST' })
      // The job is stopped now: "could not stop it" no longer holds (another message stays).
      clearAbortFailure()
      // No stream follows the job here (\`live: false\`, a give-up, a refusal): none brings its
      // \`job-end\`, and it would still show running. The route answers once the end is stored.
      if (!isJobFollowed(id)) await loadSnapshot()
      return response.job
    }
    catch (failure) {
      error.value = abortFailed.value = apiErrorMessage(failure)
      // The slot now tells this failure, which a live event does not undo.
      readFailed.value = null
      return null
    }
  }

  /** Takes back the message of an `abort()` that failed, if `error` still says it. */
  function clearAbortFailure(): void {
    if (abortFailed.value === null) return
    if (error.value === abortFailed.value) error.value = null
    abortFailed.value = null
  }

  /**
   * Answers a pending input request; a 400 names what was wrong with the answer, 409 means it was
   * already answered. On a job no stream follows in this tab, the job is read once after the answer
   * went through, so `pendingInputs` no longer holds it.
   */
  async function answer(requestId: string, value: unknown): Promise<AnswerResult> {
    try {
      await $fetch(`${jobUrl}/input`, { method: 'POST', body: { requestId, answer: value } })
      // No stream follows the job here (\`live: false\`, a give-up, a refusal): none brings the
      // answer's \`input-response\`, and the question would stay on screen (asked again: a 409).
      if (!isJobFollowed(id)) await loadSnapshot()
      return { ok: true }
    }
    catch (failure) {
      return { ok: false, status: apiErrorStatus(failure), message: apiErrorMessage(failure) }
    }
  }

  // The id is read once: a ref or getter whose value changes would silently keep showing the first
  // job. Say so, naming the fix, rather than show one job under another's id.
  if (isRef(jobId) || typeof jobId === 'function') {
    const stopWatching = watch(() => toValue(jobId), next => {
      if (next === id) return
      stopWatching()
      console.warn(`useBackgroundJob follows one job: its id changed from "${id}" to "${String(next)}", and it still follows "${id}". Key the component by the job id (\`<JobView :key="jobId" :job-id="jobId" />\`) so a new one follows the new job.`)
    })
  }

  // The app cleared its state (`clearNuxtState()`: the signed-in user changed without a page load):
  // the server checked the user when the stream opened and would go on sending the last user's job.
  // The stream opens again (once for all components following the job), from nothing: the new user
  // gets the job if it is theirs, else the server's refusal (or 404). A follower that had stopped
  // is started again too: a sign-out's clear reopened it as nobody and the server refused it, and
  // the sign-in's clear must follow the job again (else only `connect()` or a remount would).
  if (!import.meta.server) {
    watchStateCleared(session, (token) => {
      // Not following (never connected, or left): nothing to open again.
      if (!hold) return
      // Whichever of the app's state keys the clear reaches first: nothing of the last user's job stays.
      state.value = null
      if (hold.active) {
        renewJobFollower(id, token)
        return
      }
      hold = null
      lost.value = false
      connect()
    })
  }

  // Every component whose follower gave up waits for a sign that the device is back and follows
  // again; when another one (or the app's `connect()`) resumed following, it joins that stream.
  watch(gaveUp, (message) => {
    stopWaking?.()
    stopWaking = null
    if (!hold || hold.active) return
    if (message === null) connect()
    else stopWaking = subscribeToWakeSignals(connect)
  })

  // A status change to a terminal one without the stream (e.g. GET after give-up) needs no stream.
  // Its end also answers an `abort()` that failed: the job is stopped, whoever stopped it.
  watch(() => state.value?.status, status => {
    if (!status || !isTerminalStatus(status)) return
    clearAbortFailure()
    disconnect()
  })

  return {
    id,
    state,
    /** How the stream stands: `connecting`, `open`, `reconnecting`, `offline` (server unreachable), `closed` (after a give-up `error` says why), `denied` (401/403: signed out; `error` says so). */
    connection,
    connected: computed(() => connection.value === 'open'),
    /** The server no longer has the job (404): lost in a restart of a memory provider, or past its retention. */
    lost,
    error,
    status: computed(() => state.value?.status ?? 'queued'),
    text: computed(() => state.value?.content ?? ''),
    reasoning: computed(() => state.value?.reasoning ?? ''),
    toolCalls: computed(() => state.value?.toolCalls ?? []),
    nodes: computed<NodeState[]>(previous => keepSameNodes(previous, orderedNodes(state.value))),
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
