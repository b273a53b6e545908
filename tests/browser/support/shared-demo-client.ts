/**
 * A browser test file's side of the shared demo (shared-demo-pool.ts): asks the run's broker for
 * its worker slot's app server and Chromium.
 */
import { inject } from 'vitest'

/** This worker slot's shared app server and Chromium, as the broker handed them out. */
export interface SharedDemo {
  /** The worker slot (`VITEST_POOL_ID`). */
  slot: string
  /** The app's base URL. */
  url: string
  /** Chromium's endpoint for `chromium.connect`. */
  wsEndpoint: string
  /** An earlier file (or this one's request) has loaded the app's pages in this server and Chromium. */
  warm: boolean
  /** This request started them (a cold server and Chromium). */
  started: boolean
  /** Records that this file loaded the app's pages in them (the next files skip their warm-up). */
  markWarm: () => Promise<void>
  /** The shared server's log (for a failure report). */
  log: () => Promise<string>
}

/**
 * This worker slot's shared demo, started now unless an earlier file of the slot started it; undefined
 * outside a vitest worker slot or without the broker (the e2e global setup runs it).
 */
export async function acquireSharedDemo(): Promise<SharedDemo | undefined> {
  const broker = inject('sharedDemoBroker')
  const slot = process.env.VITEST_POOL_ID
  if (!broker || !slot || !/^\d+$/.test(slot)) return undefined
  const response = await fetch(`${broker}/slots/${slot}`, { method: 'POST' })
  if (!response.ok) throw new Error(`worker slot ${slot}'s shared demo did not start (${response.status}): ${await response.text()}`)
  const { url, wsEndpoint, warm, started, stuck } = await response.json() as { url: string, wsEndpoint: string, warm: boolean, started: boolean, stuck?: string }
  // The server an earlier file of the slot used hung (alive, answering nothing): the broker started
  // a new one, and this file fails once with what the old one said, so the run does not pass over it.
  if (stuck) throw new Error(`the shared demo server hung after an earlier file of worker slot ${slot} (a new one runs for the next files): ${stuck}`)
  return {
    slot,
    url,
    wsEndpoint,
    warm,
    started,
    async markWarm() {
      const marked = await fetch(`${broker}/slots/${slot}/warm`, { method: 'POST' })
      if (!marked.ok) throw new Error(`worker slot ${slot}'s shared demo could not be marked warm (${marked.status}): ${await marked.text()}`)
    },
    log: async () => await fetch(`${broker}/slots/${slot}/log`).then(answer => answer.text(), (error: Error) => `(the server's log could not be read: ${error.message})`),
  }
}
