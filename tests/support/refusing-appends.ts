/**
 * A provider wrapper (`createTestEngine({ wrap })`) that refuses for good — a `StoreRefusedError`,
 * as Redis's WRONGTYPE is — every append holding an event `refuse` picks; the others are stored.
 */
import type { JobEvent } from '../../shared/events'
import { StoreRefusedError } from '../../server/lib/providers/store-refused'
import type { JobProvider } from '../../server/lib/providers/types'
import type { JobRunners } from '../../server/lib/engine-types'

export function refusingAppends(refuse: (event: JobEvent) => boolean) {
  return (provider: JobProvider): JobProvider => new Proxy(provider, {
    get(target, key, receiver) {
      if (key !== 'appendEvents') return Reflect.get(target, key, receiver)
      return async (...args: Parameters<JobProvider['appendEvents']>) => {
        if (args[1].some(refuse)) throw new StoreRefusedError('test', 'WRONGTYPE Operation against a key holding the wrong kind of value')
        return await target.appendEvents(...args)
      }
    },
  })
}

/** `refusingAppends`' pick for a text delta with "bad" in it. */
export const holdsBadText = (event: JobEvent) => event.type === 'text-delta' && event.text.includes('bad')

const wait = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/**
 * A chat without rounds (no `step-start`): "Hello ", 200 ms later "bad text" (`holdsBadText`), then
 * " and more", and it waits for the job's end (the refusal stops it: store-refused).
 */
export const helloThenBadText: JobRunners = {
  async chat(context) {
    context.text('Hello ')
    await wait(200)
    context.text('bad text')
    await wait(200)
    context.text(' and more')
    await new Promise<void>(resolve => context.signal.aborted ? resolve() : context.signal.addEventListener('abort', () => resolve()))
  },
}
