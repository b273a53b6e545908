/**
 * Calling an app's hook from the engine (job-created, job-ended, upstream-request) and from the
 * AI SDK streams (chat-message-metadata; docs/hooks.md).
 * A hook that throws is logged (one called at every round or read that keeps failing: once a
 * minute with a count, hook-failure-log.ts); a hook that never settles is waited for at most `HOOK_TIMEOUT_MS`,
 * then the engine goes on without it and says so: an awaited hook that hung held `POST /api/jobs`
 * open forever (job-created), or a job at its first model round until the job's time limit
 * (upstream-request), with nothing in the log.
 */
import type { EngineHooks } from './engine-types'
import { failureKind } from './failure-kind'
import { logHookFailure } from './hook-failure-log'
import type { Logger } from './logger'
import type { TimerSet } from './timers'

/** How long the engine waits for one call of an app hook. */
export const HOOK_TIMEOUT_MS = 10_000

/** The Nitro hook behind each engine hook, as apps know it. */
export const APP_HOOK_NAMES = {
  jobCreated: 'background-jobs:job-created',
  jobEnded: 'background-jobs:job-ended',
  upstreamRequest: 'background-jobs:upstream-request',
  chatMessageMetadata: 'background-jobs:chat-message-metadata',
} as const

/** Runs `hook`; never throws, and settles within `HOOK_TIMEOUT_MS`. True when the hook settled without an error. */
export async function callAppHook(name: keyof typeof APP_HOOK_NAMES, hook: () => unknown, options: { logger: Logger, timers: TimerSet, jobId?: string }): Promise<boolean> {
  const hookName = APP_HOOK_NAMES[name]
  const fields = options.jobId ? { jobId: options.jobId } : {}
  // Resolves with the error (or null): never rejects, so a late failure is not an unhandled rejection.
  const settled = Promise.resolve().then(hook).then(() => null, (error: unknown) => error ?? new Error('rejected without a reason'))
  let cancel = () => {}
  // The engine's shutdown clears its timers: the wait ends then too, or a hung hook held its caller for ever.
  const timedOut = new Promise<'timeout' | 'shutdown'>((resolve) => {
    cancel = options.timers.timeout(() => resolve('timeout'), HOOK_TIMEOUT_MS, { onClear: () => resolve('shutdown') })
  })
  const outcome = await Promise.race([settled, timedOut])
  cancel()
  // A hook called at every round or read that keeps failing is logged once a minute with a count (hook-failure-log.ts).
  const failed = (log: () => void, error: unknown) => logHookFailure({ hookName, logger: options.logger, timers: options.timers, jobId: options.jobId, log, error })
  if (outcome === 'timeout' || outcome === 'shutdown') {
    const message = outcome === 'timeout'
      ? `hook ${hookName} has not settled after ${HOOK_TIMEOUT_MS} ms; going on without it (does it await something that never ends?)`
      : `hook ${hookName} had not settled when the server shut down; going on without it`
    const warn = () => options.logger.warn(message, fields)
    const timeout = new Error(message)
    // At shutdown the engine's timers are cleared: logged as it is, no count armed.
    if (outcome === 'shutdown') warn()
    else failed(warn, timeout)
    // Its failure after all: for a hook failing at every call, part of the count (its timeout's kind), not a line per call.
    void settled.then(error => error && logHookFailure({ hookName, logger: options.logger, timers: options.timers, jobId: options.jobId, log: () => options.logger.error(`hook ${hookName} failed`, { ...fields, error }), error, again: true, kind: failureKind(timeout) }))
    return false
  }
  if (outcome) failed(() => options.logger.error(`hook ${hookName} failed`, { ...fields, error: outcome }), outcome)
  return !outcome
}

/**
 * Whether Nitro's `hooks` has a hook named `name` now. Its hookable keeps them in `_hooks` and
 * deletes a name's entry with its last hook; another hookable without it counts as hooked (calling
 * a name nobody hooked does nothing).
 */
export function isHooked(hooks: object, name: string): boolean {
  const registered = (hooks as { _hooks?: Record<string, unknown[] | undefined> })._hooks
  return !registered || (registered[name]?.length ?? 0) > 0
}

type JobHookName = 'jobCreated' | 'jobEnded' | 'upstreamRequest'
type JobHookArgs<K extends JobHookName> = Parameters<NonNullable<EngineHooks[K]>>

/**
 * What the engine gives a hook about a job: copies, never its own objects. The record given to
 * `job-created` was the memory store's own: a hook that redacted `job.request.messages` in place
 * (before writing them to its analytics) redacted the stored job — the chat's history — which
 * Redis and Convex (they store a serialized copy) never did. `upstream-request` keeps its request
 * (already its own copy, create-run-context.ts: changing it is the point) and gets a copy of the job.
 */
export function hookArgs<K extends JobHookName>(name: K, args: JobHookArgs<K>): JobHookArgs<K> {
  if (name !== 'upstreamRequest') return structuredClone(args)
  const [context] = args as JobHookArgs<'upstreamRequest'>
  return [{ ...context, job: structuredClone(context.job) }] as JobHookArgs<K>
}
