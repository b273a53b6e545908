/**
 * A ModelClient fed one scripted response per model round (the idea of vercel/ai's
 * mock-language-model): multi-turn tests are deterministic and can assert what the model was sent.
 */
import type { TokenUsage } from '../../shared/events'
import type { ModelClient, ModelEvent, ModelRequest } from '../../server/lib/model/types'

/** One round: events to yield, an error to throw, or a function for anything else. */
export type ModelStep =
  | ModelEvent[]
  | Error
  | ((request: ModelRequest, signal: AbortSignal) => AsyncIterable<ModelEvent>)

/** A model whose rounds follow `steps`; `requests` holds a copy of every request. */
export function createStepModel(steps: ModelStep[]): ModelClient & { requests: ModelRequest[] } {
  const requests: ModelRequest[] = []
  return {
    scripted: false,
    requests,
    async* stream(request, signal) {
      requests.push(structuredClone(request))
      const step = steps[requests.length - 1]
      if (!step) throw new Error(`The test model has no response for round ${requests.length}`)
      if (step instanceof Error) throw step
      if (typeof step === 'function') {
        yield* step(request, signal)
        return
      }
      for (const event of step) yield event
    },
  }
}

/** A round that answers with text. */
export function textStep(text: string, usage?: TokenUsage): ModelEvent[] {
  return [
    { type: 'text-delta', text },
    ...(usage ? [{ type: 'usage', usage } as const] : []),
    { type: 'finish', finishReason: 'stop' },
  ]
}

/** A round that asks for tools (`args` objects are sent as JSON text; strings are sent as they are). */
export function toolStep(calls: Array<{ id?: string, name: string, args?: unknown }>, options: { text?: string, usage?: TokenUsage } = {}): ModelEvent[] {
  return [
    ...(options.text ? [{ type: 'text-delta', text: options.text } as const] : []),
    ...calls.map((call, index): ModelEvent => ({
      type: 'tool-call',
      call: {
        id: call.id ?? `call_${index + 1}`,
        name: call.name,
        arguments: typeof call.args === 'string' ? call.args : JSON.stringify(call.args ?? {}),
      },
    })),
    ...(options.usage ? [{ type: 'usage', usage: options.usage } as const] : []),
    { type: 'finish', finishReason: 'tool_calls' },
  ]
}

/** A round that never ends until the signal fires (then it throws the signal's reason). */
export function hangingStep(onStart?: () => void): ModelStep {
  return (_request, signal) => ({
    async* [Symbol.asyncIterator]() {
      onStart?.()
      await new Promise((_resolve, reject) => {
        if (signal.aborted) reject(signal.reason)
        signal.addEventListener('abort', () => reject(signal.reason), { once: true })
      })
    },
  })
}
