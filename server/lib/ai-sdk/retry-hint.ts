/**
 * The AI SDK shows an HTTP error as the response body's text (`chat.error.message`) and drops
 * the headers, `Retry-After` included. So on the chat routes a 429 or 503 that carries
 * `Retry-After` also says it in its message ("…; try again in 12 s"); the header stays.
 */
import { ProviderUnavailableError } from '../errors'

/** A message that says its wait already: the rate limits' "…; retry in 12 s". */
const STATED_WAIT = /\b(?:retry|try again) in \d+ s\b/
/** A vague wait at the end of a message ("; try again shortly"), which the exact one replaces. */
const VAGUE_WAIT = /[;,]\s*(?:retry|try again) shortly[.;\s]*$/

/**
 * Whether a wait is one to state: `limits.retryAfterSeconds: 0` asks for none (docs/limits.md), so
 * neither `Retry-After` nor the message names one ("try again in 1 s" beside `Retry-After: 0`
 * told the client two different things).
 */
export function statesWait(seconds: unknown): seconds is number {
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0
}

/** The message of an error that asks the client to come back after `seconds`. */
export function withRetryAfterText(message: string, seconds: number): string {
  return `${message.replace(VAGUE_WAIT, '').replace(/[.;\s]+$/, '')}; try again in ${Math.max(1, Math.ceil(seconds))} s`
}

/** Runs a chat route; an error with `retryAfterSeconds` leaves it with the wait in its message. */
export async function withRetryHint<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  }
  catch (error) {
    const seconds = (error as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds
    if (error instanceof Error && statesWait(seconds) && !STATED_WAIT.test(error.message)) {
      error.message = withRetryAfterText(error.message, seconds)
      // A store outage answers its client message (handler.ts), not the message with the driver's words.
      if (error instanceof ProviderUnavailableError) (error as { clientMessage: string }).clientMessage = withRetryAfterText(error.clientMessage, seconds)
    }
    throw error
  }
}
