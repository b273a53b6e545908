/**
 * A fake isolation pool for executor tests: each call waits in `queued` until the test starts it
 * (`started`, as a worker taking it would say) and answers or fails it; its signal rejects it.
 */
import type { ToolResultJson } from '../../server/lib/executor/tool-result-json'
import type { IsolatedCall, ToolIsolation } from '../../server/lib/isolation/tool-pool'

/** A call the fake pool holds. */
export interface QueuedCall {
  call: IsolatedCall
  signal: AbortSignal
  started: () => void
  answer: (value: unknown) => void
  fail: (error: unknown) => void
}

/** The pool and the calls it holds, in order. */
export function createQueuedPool() {
  const queued: QueuedCall[] = []
  const isolation: ToolIsolation = {
    run: (call, signal, started = () => {}) => new Promise<ToolResultJson>((resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason), { once: true })
      queued.push({ call, signal, started, answer: value => resolve({ result: value, json: JSON.stringify(value) }), fail: reject })
    }),
    stats: () => ({ workers: 1, calls: queued.length, waiting: 0 }),
    dispose: async () => {},
  }
  return { isolation, queued }
}
