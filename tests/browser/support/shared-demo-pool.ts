/**
 * The demo app server and Chromium that the browser test files with the default settings share:
 * one of each per vitest worker slot (`VITEST_POOL_ID`, 1 to `maxWorkers`). A slot runs one test
 * file at a time (vitest hands its id to the next file only once the file before has finished), so
 * the files of a slot use its server and Chromium one after another, never at once. Each file still
 * opens fresh contexts (a fresh context is a new anonymous user: its own cookie, storage and jobs),
 * so what an earlier file did stays that user's. Started lazily, on a slot's first request, by a
 * small HTTP broker that the e2e global setup runs in the main vitest process (test files run in a
 * fresh worker process each, which cannot hold a server for the next one); all stopped when the run
 * ends. A slot whose server or Chromium has died, or whose server no longer answers, is started again
 * on its next request.
 *
 * No test-runner imports here (the global setup runs it); the files' side is shared-demo-client.ts.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startServerProcess } from '../../support/server-process'
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from './chromium'

/**
 * How often a browser test's app sends a streaming answer's text (`stream.batchWindowMs`, 50 ms by
 * default): every frame is a render of the answer in Chromium, the test run's largest CPU cost (CI is
 * CPU-bound). At 150 ms Chromium used about a third less CPU for the long answer (3.0 → 2.0 s of its
 * processes' CPU, measured with the shared demo's settings) and a fifth less for a short one; what
 * the tests look at — text arriving mid-answer, the end, the controls — is the same. Batching itself
 * is tested where it is decided (tests/unit, tests/e2e).
 */
export const BROWSER_BATCH_ENV: Readonly<Record<string, string>> = { NUXT_BACKGROUND_JOBS_STREAM_BATCH_WINDOW_MS: '150' }

/** The settings of every browser test's app (shared or a file's own): the long answer in ~5 s. */
export const DEMO_SERVER_ENV: Readonly<Record<string, string>> = { NUXT_BACKGROUND_JOBS_SCRIPTED_CHUNK_INTERVAL_MS: '8', ...BROWSER_BATCH_ENV }

/** Something a slot holds: it can say whether it still runs, and be stopped. */
export interface SlotPart {
  running: () => boolean
  stop: () => Promise<void>
}

/** A slot's app server. */
export interface DemoServerPart extends SlotPart {
  url: string
  /** Everything the server has printed so far. */
  log: () => string
  /** Whether it still answers a request (a process can be alive and stuck). */
  answers: () => Promise<boolean>
}

/** A slot's Chromium, which a test file attaches to with `chromium.connect(wsEndpoint)`. */
export interface DemoBrowserPart extends SlotPart {
  wsEndpoint: string
}

/** How a slot's parts are started (the real ones: `demoStarters`; a unit test passes fakes). */
export interface DemoStarters {
  startServer: () => Promise<DemoServerPart>
  launchBrowser: () => Promise<DemoBrowserPart>
}

/** One slot's server and Chromium, and whether a file has loaded the app's pages in them yet. */
export interface DemoSlot {
  server: DemoServerPart
  browser: DemoBrowserPart
  warm: boolean
}

/** What `acquire` hands out: the slot, and whether this request started it (a cold server). */
export interface AcquiredSlot {
  slot: DemoSlot
  started: boolean
  /**
   * The slot's server was alive but no longer answered (an earlier file left it hung): what it
   * said, and its log's tail. The file that gets this fails (shared-demo-client.ts), so a hang
   * after a file's last assertion is not passed over; the files after it get the new server.
   */
  stuck?: string
}

/** Stops a slot's server and Chromium side by side. */
async function stopSlot(slot: DemoSlot): Promise<void> {
  await Promise.all([slot.server.stop(), slot.browser.stop()])
}

/** Starts a server and a Chromium side by side; when one fails, the other is stopped before the error is thrown. */
async function startSlot(starters: DemoStarters): Promise<DemoSlot> {
  const [server, browser] = await Promise.allSettled([starters.startServer(), starters.launchBrowser()])
  if (server.status === 'fulfilled' && browser.status === 'fulfilled') return { server: server.value, browser: browser.value, warm: false }
  await Promise.all([server, browser].map(result => (result.status === 'fulfilled' ? result.value.stop() : undefined)))
  throw (server.status === 'rejected' ? server.reason : (browser as PromiseRejectedResult).reason)
}

/** How long a slot's server may take to answer before a file is given a new one (a busy CI machine: generous). */
const ANSWER_WAIT_MS = 20_000
/** How much of a replaced server's log the run's output keeps. */
const LOG_TAIL_CHARS = 4_000

/** The slots by id: each started on its first `acquire`, all stopped by `close`. */
export function createSharedDemoPool(starters: DemoStarters) {
  const slots = new Map<string, Promise<DemoSlot>>()
  // One request per slot at a time (vitest never sends two; a second must not start a second server).
  const queues = new Map<string, Promise<unknown>>()
  let closed = false

  async function acquireNow(id: string): Promise<AcquiredSlot> {
    if (closed) throw new Error('the shared demo pool is closed (the test run is ending)')
    const held = await slots.get(id)?.catch(() => undefined)
    const alive = held !== undefined && held.server.running() && held.browser.running()
    if (held && alive && await held.server.answers()) return { slot: held, started: false }
    // A server alive but stuck would time every later file of the slot out (each after its whole
    // hook budget) instead of failing one: it is replaced like a dead one, its log kept in the run's.
    const stuck = held && alive ? `shared demo slot ${id}: its server is alive but did not answer within ${ANSWER_WAIT_MS} ms; starting it again. Its log:\n${held.server.log().slice(-LOG_TAIL_CHARS)}` : undefined
    if (stuck) console.warn(stuck)
    // Crashed, stuck, or its start failed last time: this request starts it again (a failed start throws to it).
    if (held) await stopSlot(held)
    const starting = startSlot(starters)
    slots.set(id, starting)
    return { slot: await starting, started: true, ...(stuck ? { stuck } : {}) }
  }

  return {
    /** Slot `id`'s server and Chromium, started now unless they run already. */
    acquire(id: string): Promise<AcquiredSlot> {
      const result = (queues.get(id) ?? Promise.resolve()).then(() => acquireNow(id))
      queues.set(id, result.catch(() => {}))
      return result
    },
    /** The slot as it stands, without starting it (undefined when it never started or its start failed). */
    async peek(id: string): Promise<DemoSlot | undefined> {
      await queues.get(id)
      return await slots.get(id)?.catch(() => undefined)
    },
    /** Stops every slot (those still starting once they have started) and refuses new requests. */
    async close(): Promise<void> {
      closed = true
      await Promise.all(queues.values())
      const started = await Promise.all([...slots.values()].map(slot => slot.catch(() => undefined)))
      slots.clear()
      await Promise.all(started.map(slot => slot && stopSlot(slot)))
    },
  }
}

/** The real parts: the run's build of the fixture app (`appEntry`) and Chromium as a server. */
export function demoStarters(appEntry: string): DemoStarters {
  return {
    async startServer() {
      const server = await startServerProcess(appEntry, { ...DEMO_SERVER_ENV }, '/api/jobs/catalog')
      return {
        url: server.url,
        log: server.output,
        running: () => server.process.exitCode === null && server.process.signalCode === null,
        answers: () => fetch(`${server.url}/api/jobs/catalog`, { signal: AbortSignal.timeout(ANSWER_WAIT_MS) }).then(async (response) => {
          await response.body?.cancel()
          return true
        }, () => false),
        stop: server.stop,
      }
    },
    async launchBrowser() {
      // Loaded here, when a browser file first asks: a run of unit files alone never pays for it.
      const { chromium } = await import('playwright-core')
      const browser = await chromium.launchServer({ executablePath: CHROMIUM_EXECUTABLE, args: CHROMIUM_ARGS, host: '127.0.0.1' })
      return {
        wsEndpoint: browser.wsEndpoint(),
        running: () => browser.process().exitCode === null && browser.process().signalCode === null,
        stop: () => browser.close(),
      }
    },
  }
}

/** The broker: `url` for the test files (shared-demo-client.ts), `close` for the run's end. */
export interface SharedDemoBroker {
  url: string
  close: () => Promise<void>
}

const SLOT_PATH = /^\/slots\/(\d+)(\/warm|\/log)?$/

/**
 * Serves `pool` on a free 127.0.0.1 port: `POST /slots/<id>` acquires slot `id` and answers
 * `{ url, wsEndpoint, warm, started, stuck? }`; `POST /slots/<id>/warm` records that a file loaded the
 * app's pages in it; `GET /slots/<id>/log` answers its server's log. A failed start is a 500 with
 * its error.
 */
export async function startSharedDemoBroker(pool: ReturnType<typeof createSharedDemoPool>): Promise<SharedDemoBroker> {
  const http = createServer((request, response) => {
    const match = SLOT_PATH.exec(request.url ?? '')
    const answer = async () => {
      if (!match) return { status: 404, body: 'no such route' }
      const [, id, action] = match as unknown as [string, string, string | undefined]
      if (!action && request.method === 'POST') {
        const { slot, started, stuck } = await pool.acquire(id)
        return { status: 200, body: JSON.stringify({ url: slot.server.url, wsEndpoint: slot.browser.wsEndpoint, warm: slot.warm, started, stuck }) }
      }
      const slot = await pool.peek(id)
      if (!slot) return { status: 404, body: `slot ${id} has not started` }
      if (action === '/warm' && request.method === 'POST') {
        slot.warm = true
        return { status: 204, body: '' }
      }
      if (action === '/log' && request.method === 'GET') return { status: 200, body: slot.server.log() }
      return { status: 405, body: 'method not allowed' }
    }
    request.resume()
    answer().then(
      ({ status, body }) => response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(body),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(error instanceof Error ? error.stack ?? error.message : String(error)),
    )
  })
  await new Promise<void>(resolve => http.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    async close() {
      const closing = new Promise(resolve => http.close(resolve))
      http.closeAllConnections()
      await Promise.all([closing, pool.close()])
    },
  }
}
