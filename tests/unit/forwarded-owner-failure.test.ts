/**
 * An owner that answers a forwarded abort or answer with a 5xx of its own (a store failure, an app
 * schema's 503): the sender passed on its message (the owner's operator detail: a store's address,
 * the driver's words) with no Retry-After. It now answers the public 503 with Retry-After, and logs
 * the owner's words for the operator.
 */
import type { H3Event } from 'h3'
import { describe, expect, it, vi } from 'vitest'
import { DEFAULT_CONFIG } from '../../server/lib/config'
import { createControlForwarding } from '../../server/lib/forwarded-controls'
import { toHttpError } from '../../server/lib/http/handler'
import type { ControlReply, JobRecord } from '../../server/lib/providers/types'
import type { SharedProvider } from '../../server/lib/run-lease'
import { createTimerSet } from '../../server/lib/timers'

vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

const INTERNAL = 'Redis at redis://:***@10.0.3.7:6379 did not answer EVALSHA within 5000 ms (NUXT_BACKGROUND_JOBS_REDIS_COMMAND_TIMEOUT_MS)'

/** A store whose owner replies `reply` to every control, at once. */
function fakeProvider(reply: ControlReply): SharedProvider {
  return {
    sendControl: async () => '1',
    subscribeControlReply: (_id: string, _controlId: string, listener: (reply: ControlReply) => void) => {
      queueMicrotask(() => listener(reply))
      return () => {}
    },
    subscribe: () => () => {},
  } as unknown as SharedProvider
}

const record = { id: 'job-1', userId: 'u1', lastSeq: 3, status: 'running', request: { type: 'chat', messages: [] } } as unknown as JobRecord

/** The HTTP answer the route gives for `error`: status, message, Retry-After. */
function answerOf(error: unknown) {
  const headers = new Map<string, unknown>()
  const event = { context: {}, node: { req: { headers: {} }, res: { setHeader: (name: string, value: unknown) => headers.set(name.toLowerCase(), value) } } } as unknown as H3Event
  const http = toHttpError(event, error) as unknown as { statusCode: number, message: string }
  return { status: http.statusCode, message: http.message, retryAfter: headers.get('retry-after') }
}

describe('an owner\'s 5xx reply to a forwarded control', () => {
  for (const [kind, send] of [
    ['an answer', (forwarding: ReturnType<typeof createControlForwarding>) => forwarding.answerRemote(record, 'u1', 'r1', 'yes')],
    ['an abort', (forwarding: ReturnType<typeof createControlForwarding>) => forwarding.abortRemote(record)],
  ] as const) {
    it(`to ${kind} is the public 503 with Retry-After and none of the owner's words, which are logged`, async () => {
      const warn = vi.fn()
      const timers = createTimerSet()
      const forwarding = createControlForwarding({
        provider: fakeProvider({ ok: false, status: 503, error: 'ProviderUnavailableError', message: INTERNAL }),
        getConfig: () => DEFAULT_CONFIG,
        timers,
        workflows: { get: () => undefined },
        logger: { warn },
      })
      const error = await (send(forwarding) as Promise<unknown>).then(() => null, (thrown: unknown) => thrown)
      const answer = answerOf(error)
      expect(answer).toEqual({ status: 503, message: 'The server running job job-1 could not act on the request; retry shortly', retryAfter: 5 })
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('failed a forwarded request'), expect.objectContaining({ jobId: 'job-1', status: 503, message: INTERNAL }))
      timers.clearAll()
    })
  }

  it('a 500 too; a 4xx refusal is still passed on as the owner said it', async () => {
    const timers = createTimerSet()
    const forwardingOf = (reply: ControlReply) => createControlForwarding({ provider: fakeProvider(reply), getConfig: () => DEFAULT_CONFIG, timers, workflows: { get: () => undefined } })
    const failed = await forwardingOf({ ok: false, status: 500, error: 'InternalError', message: 'The instance running the job could not act on the request' }).answerRemote(record, 'u1', 'r1', 'yes').catch((thrown: unknown) => thrown)
    expect(answerOf(failed)).toMatchObject({ status: 503, retryAfter: 5 })
    const refused = await forwardingOf({ ok: false, status: 409, error: 'InputNotPendingError', message: 'Input request r1 is not pending' }).answerRemote(record, 'u1', 'r1', 'yes').catch((thrown: unknown) => thrown)
    expect(answerOf(refused)).toEqual({ status: 409, message: 'Input request r1 is not pending', retryAfter: undefined })
    timers.clearAll()
  })
})
