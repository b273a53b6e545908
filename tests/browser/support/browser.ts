/** Debian's Chromium through playwright-core, offline and headless (never `playwright install`). */
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import type { Browser, BrowserContext, Page, Request } from 'playwright-core'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { startAppServer } from '../../support/app-server'
import type { AppServer } from '../../support/app-server'
import { within } from '../../support/within'
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from './chromium'
import { acquireSharedDemo } from './shared-demo-client'
import { DEMO_SERVER_ENV } from './shared-demo-pool'

export { CHROMIUM_EXECUTABLE }

/** Where the browser tests save their screenshots. */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../../test-results/screenshots', import.meta.url))

/** Launches Chromium (`CHROMIUM_EXECUTABLE`). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args: CHROMIUM_ARGS })
}

/** Saves a full-page screenshot named `<name>.png` and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = `${SCREENSHOT_DIR}/${name}.png`
  await page.screenshot({ path, fullPage: false })
  return path
}

/** A prompt the scripted model answers at length (~3,500 characters). */
export const LONG_PROMPT = 'Tell me something long, please'
/** Text on screen before a test leaves mid-answer. */
export const MID_ANSWER_CHARS = 60
/** The longest a browser test waits for one condition. */
export const WAIT_MS = 20_000
/**
 * The longest the first page of a file may take (a cold server and browser, in `beforeAll`): on a
 * loaded two-core machine the first load took 17–26 s, against 1–4 s for the next ones.
 */
export const WARM_UP_MS = 120_000
/**
 * The longest a test may take that starts a server of its own and then starts it again: two cold
 * starts, each with a first page or first answers as slow as a file's warm-up (`WARM_UP_MS`), on
 * top of the test's own steps. Such a test takes ~6 s alone; with the whole suite running on two
 * cores, 60 s were not enough.
 */
export const RESTART_TEST_MS = 180_000
/**
 * The pages a warm-up loads: the chat and the AI SDK page, each rendered once by the server (the
 * files of a shared server's slot use either).
 */
const WARM_UP_PATHS = ['/', '/ai-sdk']
/**
 * The pages the warm-up of a server with a file's own settings loads: the chat only. No such file
 * opens the AI SDK page (one that does would pay its first render in a test, within `WAIT_MS`);
 * loading it anyway cost ~1.5 core-s per file (cgroup, failed-answer-no-retry: 11.4 → 9.8).
 */
const SETTINGS_WARM_UP_PATHS = ['/']
export const DESKTOP = { width: 1200, height: 820 }
/** A 390 px wide phone. */
export const PHONE = { width: 390, height: 844 }

/** How a context looks: its viewport (default `DESKTOP`) and colour scheme (default light). */
export interface BrowserLook {
  viewport?: { width: number, height: number }
  colorScheme?: 'light' | 'dark'
  /** A touch screen (a phone's coarse pointer): @default false */
  touch?: boolean
  /** The browser's IANA time zone: @default the machine's */
  timeZone?: string
}

type NuxtWindow = Window & { useNuxtApp?: () => { isHydrating?: boolean, payload?: { error?: unknown } } }

/**
 * Waits until Nuxt has hydrated the page (its handlers are live). When it does not, the error says
 * where the page stands (loaded? Nuxt there? an error in its payload?) and, given `recorded`, what
 * it logged and which requests it still waits for: a page that never hydrates is a bug to find.
 */
export async function waitForHydration(page: Page, timeout = WAIT_MS, recorded?: () => Promise<string>): Promise<void> {
  try {
    await page.waitForFunction(() => (window as NuxtWindow).useNuxtApp?.().isHydrating === false, null, { timeout })
  }
  catch (error) {
    const state = await page.evaluate(() => {
      const nuxt = (window as NuxtWindow).useNuxtApp?.()
      return { url: location.href, readyState: document.readyState, nuxt: Boolean(nuxt), isHydrating: nuxt?.isHydrating, payloadError: nuxt?.payload?.error ?? null }
    }).catch((failure: unknown) => String(failure))
    throw new Error(`The page did not hydrate within ${timeout} ms: ${JSON.stringify(state)}${recorded ? `\n${await recorded()}` : ''}`, { cause: error })
  }
}

/** The most of a server error's body a failure quotes (UTF-8 bytes). */
const ERROR_BODY_BYTES = 1_000
/** The longest a failure waits for such a body (one still arriving must not hold the failure back). */
const ERROR_BODY_WAIT_MS = 5_000

/** `text` cut to `ERROR_BODY_BYTES` (a character cut in two becomes U+FFFD). */
function quoted(text: string): string {
  const bytes = new TextEncoder().encode(text)
  return bytes.length <= ERROR_BODY_BYTES ? text : `${new TextDecoder().decode(bytes.subarray(0, ERROR_BODY_BYTES))}… (${bytes.length} bytes)`
}

/**
 * Records what a page logs as an error, its failed requests, the requests it still waits for and
 * every answer of 500 or more with its URL and body (Chromium's console line for one names neither),
 * for `waitForHydration`.
 */
export function recordPage(page: Page): () => Promise<string> {
  const events: string[] = []
  const serverErrors: Array<{ heading: string, body: Promise<string> }> = []
  const pending = new Map<Request, number>()
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') events.push(`console.${message.type()}: ${message.text()}`)
  })
  page.on('pageerror', error => events.push(`page error: ${error.message}`))
  page.on('request', request => pending.set(request, Date.now()))
  page.on('requestfinished', request => pending.delete(request))
  page.on('requestfailed', (request) => {
    pending.delete(request)
    events.push(`request failed: ${request.method()} ${request.url()} (${request.failure()?.errorText})`)
  })
  page.on('response', (response) => {
    if (response.status() < 500) return
    // Read at once: Chromium forgets a body once the page navigates away. A body that cannot be
    // read (or is still arriving when the report is written) is said to be so.
    const body = response.text().then(quoted, (error: unknown) => `(body not read: ${error instanceof Error ? error.message : String(error)})`)
    serverErrors.push({ heading: `answered ${response.status()}: ${response.request().method()} ${response.url()}`, body })
  })
  const described = async ({ heading, body }: { heading: string, body: Promise<string> }) =>
    `${heading}\n${await within(body, ERROR_BODY_WAIT_MS, () => 'its body').catch((error: Error) => `(body not read: ${error.message})`)}`
  return async () => [
    ...(await Promise.all(serverErrors.slice(-10).map(described))),
    ...events.slice(-30),
    ...[...pending].map(([request, sinceMs]) => `still waiting ${Date.now() - sinceMs} ms for ${request.method()} ${request.url()}`),
  ].join('\n')
}

/** The end of the server's log a warm-up failure quotes (UTF-8 bytes). */
const SERVER_LOG_BYTES = 4_000

/** The last `SERVER_LOG_BYTES` of a log (a character cut in two becomes U+FFFD). */
function logTail(log: string): string {
  const bytes = new TextEncoder().encode(log)
  return bytes.length <= SERVER_LOG_BYTES ? log : `…${new TextDecoder().decode(bytes.subarray(bytes.length - SERVER_LOG_BYTES))}`
}

/**
 * Loads the app's pages once in a throwaway context, so that the cold start (the server's first
 * render of each page, the browser's first renderer) is paid here, within the hook's budget, and
 * not by a test's first wait. A page that does not hydrate fails with what `recordPage` saw and the
 * end of the server's log `serverLog` (where a 500's cause is: the page's own body only says
 * "Server Error").
 */
async function warmUp(browser: Browser, url: string, paths: readonly string[], serverLog: () => Promise<string>): Promise<void> {
  const context = await browser.newContext()
  try {
    const page = await context.newPage()
    const recorded = recordPage(page)
    const report = async () => `${await recorded()}\nthe server's log:\n${logTail(await serverLog())}`
    for (const path of paths) {
      await page.goto(`${url}${path}`, { timeout: WARM_UP_MS })
      await waitForHydration(page, WARM_UP_MS, report)
    }
  }
  finally {
    await context.close()
  }
}

/** What `useDemoInBrowser` gives a test file. */
export type DemoInBrowser = ReturnType<typeof useDemoInBrowser>

/**
 * The test build of the demo (the fixture app, built once per run by the e2e global setup) with the
 * scripted model at 8 ms per chunk — the long answer takes ~5 s, long enough to leave mid-answer —
 * and Chromium, for one test file: ready (and the app loaded once, see `warmUp`) before its tests;
 * every context it opened is closed after it.
 *
 * With the default settings, the server and Chromium are its worker slot's (shared-demo-pool.ts):
 * the files that run in that slot one after another use the same ones, started by the first of them
 * and warmed up once, and stopped when the run ends (9–26 s of start and warm-up per file on a
 * loaded CI machine, paid once per slot instead). `env` adds settings (`NUXT_BACKGROUND_JOBS_*`):
 * such a file starts a server of its own, stopped after its tests, and uses the slot's Chromium
 * (settings are the server's; its contexts are fresh users all the same). Each Chromium launched
 * cost ~8 s of CPU in CI (its browser, GPU and network processes), which is CPU-bound.
 */
export function useDemoInBrowser(env: Record<string, string> = {}) {
  let url: string
  let browser: Browser
  // Only a file with settings of its own has a server of its own (stopped after its tests).
  let ownServer: AppServer | undefined
  const contexts: BrowserContext[] = []
  // The contexts `sharedContext` keeps for the file's tests, by colour scheme, touch and time zone.
  const sharedContexts = new Map<string, Promise<BrowserContext>>()
  const contextOptions = (look: BrowserLook) => ({ viewport: look.viewport ?? DESKTOP, colorScheme: look.colorScheme ?? 'light', ...(look.touch ? { hasTouch: true, isMobile: true } : {}), ...(look.timeZone ? { timezoneId: look.timeZone } : {}) })
  beforeAll(async () => {
    const since = Date.now()
    mkdirSync(SCREENSHOT_DIR, { recursive: true })
    const shared = Object.keys(env).length === 0 ? await acquireSharedDemo() : undefined
    if (shared) {
      url = shared.url
      browser = await chromium.connect(shared.wsEndpoint)
      if (!shared.warm) {
        await warmUp(browser, url, WARM_UP_PATHS, shared.log)
        await shared.markWarm()
      }
      // Counted per run (server starts, warm-ups): grep the run's output for "browser demo:".
      console.log(`browser demo: worker slot ${shared.slot}'s shared server and Chromium, ${shared.started ? 'started' : 'reused'}, ${shared.warm ? 'no warm-up (warm)' : 'warmed up'}, ready in ${Date.now() - since} ms`)
    }
    else {
      // The server and Chromium (the slot's, or one of its own outside a worker slot) start side by
      // side. Both are awaited before a failure is thrown, so that `afterAll` stops whichever started.
      const started = await Promise.allSettled([
        startAppServer({ ...DEMO_SERVER_ENV, ...env }).then((app) => { ownServer = app }),
        acquireSharedDemo().then(async slot => slot ? await chromium.connect(slot.wsEndpoint) : await launchBrowser()).then((launched) => { browser = launched }),
      ])
      for (const result of started) if (result.status === 'rejected') throw result.reason
      const server = ownServer!
      url = server.url
      // Outside a worker slot, a file with no settings has a server of its own all the same: any page.
      await warmUp(browser, url, Object.keys(env).length === 0 ? WARM_UP_PATHS : SETTINGS_WARM_UP_PATHS, async () => server.output())
      console.log(`browser demo: a server of this file's own and its worker slot's Chromium, started, warmed up, ready in ${Date.now() - since} ms`)
    }
    console.log(`browser test screenshots: ${SCREENSHOT_DIR}`)
  })
  // A test's contexts close with it: a page left open keeps its streams, polls and timers going
  // (and the server's side of them) under every later test of the file.
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map(context => context.close()))
  })
  afterAll(async () => {
    // Chromium (with every context) and the server go side by side. A shared Chromium is only let
    // go (`close` on a connected browser disconnects), and a shared server runs on.
    await Promise.all([
      (async () => {
        const shared = (await Promise.allSettled(sharedContexts.values())).flatMap(opened => opened.status === 'fulfilled' ? [opened.value] : [])
        await Promise.all([...contexts, ...shared].map(context => context.close()))
        await browser?.close()
      })(),
      ownServer?.stop(),
    ])
  })
  return {
    /** The app's base URL. */
    get url() {
      return url
    },
    /** A fresh context (a new anonymous user), closed after the test. */
    async newContext(look: BrowserLook = {}): Promise<BrowserContext> {
      const context = await browser.newContext(contextOptions(look))
      contexts.push(context)
      return context
    },
    /**
     * One user the file's tests share (a context kept until its last test is done), one per colour
     * scheme, touch screen and time zone of `look` (its viewport is the first caller's: a page sets
     * its own). A fresh context costs Chromium ~0.5 core-s more than a page load in this one (its
     * renderer, an empty cache): for tests that need a new page, not a new user
     * (`openSharedChat` in chat-page.ts).
     */
    sharedContext(look: BrowserLook = {}): Promise<BrowserContext> {
      const key = JSON.stringify([look.colorScheme ?? 'light', look.touch ?? false, look.timeZone ?? null])
      let context = sharedContexts.get(key)
      if (!context) {
        context = browser.newContext(contextOptions(look))
        sharedContexts.set(key, context)
      }
      return context
    },
  }
}
