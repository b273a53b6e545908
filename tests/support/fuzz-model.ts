/**
 * The fuzz test's model: each job gets a random script of rounds (text, reasoning, tool calls,
 * pauses, a mid-stream error), and the model records what text it handed out, so the test can
 * check that a job's content is exactly what the executor received — kept on abort and failure.
 */
import type { ModelClient, ModelEvent } from '../../server/lib/model/types'
import type { Random } from './fuzz-random'
import { randomText } from './fuzz-random'

/** One scripted item: a model event, a pause of fake time, or a failure. */
export type ScriptItem = ModelEvent | { type: 'pause', ms: number } | { type: 'error', message: string }

/** What the model of one job handed out. */
export interface ModelRecord {
  /** Text of every yielded text-delta, in order. */
  yielded: string
  /** Text of the deltas the executor asked past while the job ran (it surely applied them). */
  confirmed: string
}

/** Tool names the scripts call: `echo` runs at once or after a pause, `guarded` needs approval. */
export const FUZZ_TOOLS = ['echo', 'guarded'] as const

/** A random script of rounds for one chat job. */
export function randomScript(random: Random): ScriptItem[][] {
  const rounds: ScriptItem[][] = []
  const count = random.int(1, 3)
  for (let round = 0; round < count; round++) {
    const items: ScriptItem[] = []
    for (let index = random.int(0, 6); index > 0; index--) {
      const kind = random.weighted({ text: 6, reasoning: 2, pause: 3 })
      if (kind === 'text') items.push({ type: 'text-delta', text: randomText(random) })
      else if (kind === 'reasoning') items.push({ type: 'reasoning-delta', text: randomText(random) })
      else items.push({ type: 'pause', ms: random.pick([1, 10, 30, 49, 50, 51, 120, 400]) })
    }
    const last = round === count - 1
    if (!last) {
      for (let call = random.int(1, 2); call > 0; call--) {
        items.push({ type: 'tool-call', call: { id: `r${round}c${call}`, name: random.pick(FUZZ_TOOLS), arguments: JSON.stringify({ ms: random.pick([0, 20, 300]) }) } })
      }
    }
    if (random.chance(0.08)) items.push({ type: 'error', message: 'scripted upstream failure' })
    items.push({ type: 'usage', usage: { prompt: 3, completion: 2, total: 5 } })
    items.push({ type: 'finish', finishReason: last ? 'stop' : 'tool_calls' })
    rounds.push(items)
  }
  return rounds
}

/** Resolves after `ms` of (fake) time; rejects with the signal's reason when it fires. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

/** A model client that plays `script`, one round per call, recording the text into `record`. */
export function createScriptModel(script: ScriptItem[][], record: ModelRecord): ModelClient {
  let round = 0
  return {
    scripted: false,
    async* stream(_request, signal) {
      const items = script[round++] ?? [{ type: 'finish', finishReason: 'stop' }]
      for (const item of items) {
        if (signal.aborted) throw signal.reason
        if (item.type === 'pause') {
          await pause(item.ms, signal)
          continue
        }
        if (item.type === 'error') throw Object.assign(new Error(item.message), { code: 'upstream-error' })
        if (item.type === 'text-delta') record.yielded += item.text
        yield item
        // Asked past before the job was stopped: the executor surely took it into the job.
        if (item.type === 'text-delta' && !signal.aborted) record.confirmed += item.text
      }
    },
  }
}
