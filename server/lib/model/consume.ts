/**
 * The push form of one model round (`ModelClient.consume`, the engine's path): the body's bytes
 * are parsed in the callback they arrive in and every event goes to `onEvent` synchronously — no
 * promise, async-iterator step or microtask per chunk between the socket and the job. Retries,
 * the first-token and stall limits and the abort behave as in `stream` (client.ts): retries only
 * before the first event, a timeout or abort ends the request at once, partial text is kept.
 * `onEvent` must not wait: it runs while the socket's data is being handed over. An error it
 * throws ends the request and is rethrown as it is (never retried, never wrapped).
 */
import { abortReason } from './abortable'
import type { AttemptTimers } from './attempt-timers'
import type { ClientOptions } from './client'
import { UpstreamProtocolError } from './errors'
import { createChatCompletionParser } from './parse-stream'
import type { ChatCompletionParser } from './parse-stream'
import type { BodySource } from './transport'
import { createRetriedUsage } from './retried-usage'
import type { ModelEvent, ModelRequest } from './types'
import { planRetry, waitToRetry } from './retry-plan'
import { openResponse, startAttempt } from './upstream-request'
import { toModelError } from './upstream-response'
import { requestSecrets } from './echoed-secrets'

/** Why an attempt's own controller is aborted once the attempt is over (nothing reads it then). */
const ATTEMPT_OVER = new DOMException('The model request is over', 'AbortError')

/** An error the consumer threw: it passes through unchanged. */
class ConsumerError {
  constructor(readonly cause: unknown) {}
}

/** Whether an event went out in this attempt (after one, a retry would repeat it). */
interface Progress {
  yielded: boolean
  /** The model began answering: an event went out, or a tool call's first fragment came. */
  answering?: boolean
}

/** Runs the round with retries before the first event; resolves when the stream ended well. */
export async function consumeWithRetries(options: ClientOptions, request: ModelRequest, signal: AbortSignal, onEvent: (event: ModelEvent) => void): Promise<void> {
  const usage = createRetriedUsage()
  const forward = (event: ModelEvent) => onEvent(usage.event(event))
  try {
    for (let attempt = 0; ; attempt++) {
      const progress: Progress = { yielded: false }
      try {
        if (signal.aborted) throw abortReason(signal)
        await consumeAttempt(options, request, signal, forward, progress)
        break
      }
      catch (error) {
        if (error instanceof ConsumerError) throw error.cause
        const retry = planRetry(error, attempt, progress.yielded, options, signal, usage)
        if (retry.billed) onEvent(retry.billed)
        await waitToRetry(retry, signal, options)
      }
    }
  }
  catch (error) {
    // Stopped during an attempt or a retry's wait: the retried attempts' tokens were billed all the same.
    const spent = signal.aborted ? usage.end() : null
    if (spent) onEvent(spent)
    throw error
  }
  // Outside the retries: an error the consumer throws here passes through as it is.
  const spent = usage.end()
  if (spent) onEvent(spent)
}

/** One request: open it, push its body through the parser, clean up on every path. */
async function consumeAttempt(options: ClientOptions, request: ModelRequest, signal: AbortSignal, onEvent: (event: ModelEvent) => void, progress: Progress): Promise<void> {
  const secrets = requestSecrets(options.apiKey ?? '', options.secrets, request.headers)
  const attempt = startAttempt(options, signal)
  const { controller, timers } = attempt
  let source: BodySource | null = null
  const parser = createChatCompletionParser(undefined, secrets)
  try {
    source = (await openResponse(options, request, secrets, attempt)).source()
    if (!source) throw new UpstreamProtocolError('The model endpoint answered without a body')
    await pump(source, parser, controller.signal, signal, timers, onEvent, progress)
  }
  catch (error) {
    if (error instanceof ConsumerError) throw error
    // A timeout or the caller's abort: report why it was aborted, not how the read failed — but a
    // round a finish reason failed, waiting only for its usage, failed that way.
    if (controller.signal.aborted) {
      const failed = signal.aborted ? null : parser.finishFailure()
      // It quotes the chunk (`native_finish_reason`): scrubbed as every other failure is.
      throw failed ? toModelError(failed, secrets, true) : abortReason(controller.signal)
    }
    throw toModelError(error, secrets, source !== null)
  }
  finally {
    attempt.release()
    source?.cancel(controller.signal.aborted ? abortReason(controller.signal) : undefined).catch(() => {})
    // Over, at its end or early (an error, the consumer threw): make sure the upstream request
    // ends too. One reason for all (`abort()` would build a DOMException with a stack per request).
    if (!controller.signal.aborted) controller.abort(ATTEMPT_OVER)
  }
}

/**
 * Parses the pushed body and hands its events over; settles at `[DONE]`, the end, a failure or the
 * abort (`abortSignal`: the attempt's; `callerSignal`: the caller's, which `abortSignal` follows).
 */
function pump(source: BodySource, parser: ChatCompletionParser, abortSignal: AbortSignal, callerSignal: AbortSignal, timers: AttemptTimers, onEvent: (event: ModelEvent) => void, progress: Progress): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false
    const settle = (error?: unknown) => {
      if (settled) return
      settled = true
      abortSignal.removeEventListener('abort', onAbort)
      if (error === undefined) resolve()
      else reject(error)
    }
    // After a finish reason the answer is whole: a body that breaks off, or goes silent past the
    // attempt's time limit, before `[DONE]` ends the round as its end would (the caller's abort still stops it).
    const brokenOff = (error: unknown) => {
      if (settled) return
      if (parser.finishSeen && !callerSignal.aborted) finish(true)
      else settle(error)
    }
    const onAbort = () => brokenOff(abortReason(abortSignal))
    // Hands events over; false when the round is over (the consumer threw, or aborted the round
    // from inside one: the abort settles at once, and the piece's later events are not handed over).
    const deliver = (events: ModelEvent[]): boolean => {
      for (let index = 0; index < events.length; index++) {
        if (settled) return false
        if (!progress.answering) timers.clearFirstToken()
        progress.answering = true
        progress.yielded = true
        try {
          onEvent(events[index]!)
        }
        catch (error) {
          settle(new ConsumerError(error))
          return false
        }
      }
      return true
    }
    // The end of the body or `[DONE]`: the last events (tool calls, usage, finish), or the failure.
    const finish = (broken = false) => {
      if (!deliver(parser.end(broken))) return
      settle(parser.failure ?? undefined)
    }
    abortSignal.addEventListener('abort', onAbort, { once: true })
    if (abortSignal.aborted) return onAbort()
    source.start({
      data(bytes) {
        if (settled) return
        timers.readEnded()
        if (!deliver(parser.feed(bytes))) return
        if (parser.failure) return settle(parser.failure)
        if (parser.done) return finish()
        // A call goes out only when the round ends: its fragments streaming in are the answer too, as
        // are reasoning blocks (an encrypted one comes with no reasoning text).
        if (!progress.answering && parser.answerStarted) {
          timers.clearFirstToken()
          progress.answering = true
        }
        // Once the model answers, the next piece must come within the stall limit.
        if (progress.answering) timers.readStarted()
      },
      end() {
        if (!settled) finish()
      },
      error: brokenOff,
    })
  })
}
