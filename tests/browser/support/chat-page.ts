/**
 * Driving the demo chat in a browser test (contexts come from `useDemoInBrowser`, at desktop or
 * phone size, light or dark): opening it, sending a message, waiting on a turn's state, reading
 * the server's own state of a job. Every wait is on a DOM condition, never a sleep.
 */
import type { Locator, Page } from 'playwright-core'
import type { ChatHistoryMessage } from '../../../app/lib/api-types'
import type { JobState } from '../../../shared/reducer'
import { renderMarkdown } from '../../../demo/app/lib/markdown'
import { waitWhileProgressing } from '../../support/progress-wait'
import type { BrowserLook, DemoInBrowser } from './browser'
import { DESKTOP, PHONE, screenshot, WAIT_MS, waitForHydration } from './browser'

/** Opens the chat at `path` as a new user (a fresh context) and waits until it is hydrated. */
export async function openChat(demo: DemoInBrowser, look: BrowserLook = {}, path = '/'): Promise<Page> {
  const page = await (await demo.newContext(look)).newPage()
  await gotoChat(page, `${demo.url}${path}`)
  return page
}

/**
 * Opens the chat at `path` in the page of the user this file's tests share (`demo.sharedContext`),
 * sized to `look`'s viewport, and waits until it is hydrated: a page load like `openChat`'s (the
 * app starts anew), without a new user (~0.5 core-s of Chromium less). For a test that is not
 * about a new user (isolation, what the thread list holds, notifications, a first visit), that
 * leaves no route or listener on the page and no job of its own running.
 */
export async function openSharedChat(demo: DemoInBrowser, look: BrowserLook = {}, path = '/'): Promise<Page> {
  const context = await demo.sharedContext(look)
  const page = context.pages()[0] ?? await context.newPage()
  await page.setViewportSize(look.viewport ?? DESKTOP)
  await gotoChat(page, `${demo.url}${path}`)
  return page
}

/**
 * Opens `path` and waits until the app is hydrated (its handlers are live). `timeout` is for a
 * server's first page (`WARM_UP_MS`); otherwise Playwright's own and `WAIT_MS` apply.
 */
export async function gotoChat(page: Page, url: string, timeout?: number): Promise<void> {
  await page.goto(url, timeout === undefined ? undefined : { timeout })
  await waitForHydration(page, timeout)
}

export { waitForHydration }

/** Types `text` into the composer, sends it (Enter; on a touch screen a tap on Send), and returns the new turn's job id. */
export async function send(page: Page, text: string): Promise<string> {
  const before = await page.locator('.turn').count()
  await page.locator('#composer-input').fill(text)
  // On a touch screen Enter adds a line: a finger taps Send.
  if (await page.evaluate(() => matchMedia('(pointer: coarse)').matches)) await page.locator('.composer-send').tap()
  else await page.locator('#composer-input').press('Enter')
  await page.locator('.turn').nth(before).waitFor({ timeout: WAIT_MS })
  return (await page.locator('.turn').nth(before).getAttribute('data-job-id'))!
}

/** A turn by job id. */
export function turn(page: Page, jobId: string) {
  return page.locator(`.turn[data-job-id="${jobId}"]`)
}

/** How often `waitForStatus` asks the server whether the job still moves (not how soon it sees the status). */
const PROGRESS_CHECK_MS = 1_000
/**
 * How often `waitForStatus` looks at the page for the status: a DOM query inside the page, cheap
 * (no round trip to the test, nor to the server).
 */
const STATUS_CHECK_MS = 50

/**
 * Waits for a turn's `data-status` (a job status, or `lost`), for as long as the job moves on the
 * server: the budget starts again whenever its seq grows (a long answer streams slower on a loaded
 * machine), and runs out after `WAIT_MS` with no new event (or with no answer from the server).
 * The status is looked for in the page every `STATUS_CHECK_MS`; the server is asked about
 * progress beside it, once every `PROGRESS_CHECK_MS`.
 */
export async function waitForStatus(page: Page, jobId: string, status: string): Promise<void> {
  const selector = `.turn[data-job-id="${jobId}"][data-status="${status}"]`
  let shown = false
  // Visible as Playwright's `isVisible` has it: a box, and not `visibility: hidden`. No timeout of
  // its own: the progress check below decides when to give up. Once it has, this wait ends with
  // the page (closed after the test), and that end is not an error of the test.
  const onScreen = page.waitForFunction((css) => {
    const element = document.querySelector(css)
    if (!element) return false
    const box = element.getBoundingClientRect()
    return box.width > 0 && box.height > 0 && getComputedStyle(element).visibility !== 'hidden'
  }, selector, { polling: STATUS_CHECK_MS, timeout: 0 }).then(() => {
    shown = true
  })
  onScreen.catch(() => {})
  const stalled = waitWhileProgressing(async () => (shown ? { shown, seq: undefined } : { shown, seq: await serverSeq(page, jobId) }), value => value.shown, {
    progress: ({ seq }) => seq,
    stallMs: WAIT_MS,
    intervalMs: PROGRESS_CHECK_MS,
    describe: ({ seq }) => `waiting for ${selector}; the job is at seq ${seq ?? 'unknown'} on the server`,
  })
  // Once the status shows, the progress check ends at its next read.
  stalled.catch(() => {})
  await Promise.race([onScreen, stalled])
}

/**
 * The seq of the job's last event as the server has it, asked from the test with the page's
 * cookies (so whatever the page's own network or routes do), or undefined when it does not answer.
 */
async function serverSeq(page: Page, jobId: string): Promise<number | undefined> {
  try {
    const cookie = (await page.context().cookies()).map(({ name, value }) => `${name}=${value}`).join('; ')
    const response = await fetch(`${new URL(page.url()).origin}/api/jobs/${jobId}`, { headers: { cookie }, signal: AbortSignal.timeout(WAIT_MS) })
    return response.ok ? ((await response.json()) as { state: JobState }).state.seq : undefined
  }
  catch {
    return undefined
  }
}

/** Waits until the turn's answer shows at least `chars` characters. */
export async function waitForAnswerChars(page: Page, jobId: string, chars: number): Promise<void> {
  await page.waitForFunction(
    ([id, min]) => (document.querySelector(`.turn[data-job-id="${id}"] .answer`)?.textContent?.length ?? 0) >= (min as number),
    [jobId, chars] as const,
    { timeout: WAIT_MS },
  )
}

/** The answer's HTML as the page shows it (rendered Markdown). */
export async function answerOnScreen(page: Page, jobId: string): Promise<string> {
  return await markdownOnScreen(turn(page, jobId).locator('.answer'))
}

/** The HTML of rendered Markdown on the page: its blocks' (components/MarkdownBlocks.vue), joined as lib/markdown.ts renders them. */
export async function markdownOnScreen(container: Locator): Promise<string> {
  return await container.evaluate(element => [...element.querySelectorAll(':scope > .markdown-block')].map(block => block.innerHTML).join(''))
}

/** The server's text rendered to HTML the way the page does, then serialized by this browser (as `innerHTML` is). */
export async function renderedAnswer(page: Page, content: string): Promise<string> {
  return page.evaluate((html) => {
    const template = document.createElement('template')
    template.innerHTML = html
    return template.innerHTML
  }, renderMarkdown(content))
}

/** The job's state as the server has it (same-origin fetch, so with the user's cookie). */
export async function serverState(page: Page, jobId: string): Promise<JobState> {
  return page.evaluate(async id => (await (await fetch(`/api/jobs/${id}`)).json()).state, jobId)
}

/** True when the element is inside the viewport and is what a tap at its centre would hit (nothing covers it). */
export async function isOnScreen(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((css) => {
    const element = document.querySelector(css)
    if (!element) return false
    const box = element.getBoundingClientRect()
    if (box.top < 0 || box.left < 0 || box.bottom > window.innerHeight || box.right > window.innerWidth) return false
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2)
    return Boolean(hit && (hit === element || element.contains(hit)))
  }, selector)
}

/** A screenshot as it is (a light desktop context), then the same state on a phone in dark mode. */
export async function screenshotBothLooks(page: Page, name: string): Promise<void> {
  const viewport = page.viewportSize() ?? DESKTOP
  await screenshot(page, name)
  await page.setViewportSize(PHONE)
  await page.emulateMedia({ colorScheme: 'dark' })
  await screenshot(page, `${name}-phone-dark`)
  await page.setViewportSize(viewport)
  await page.emulateMedia({ colorScheme: 'light' })
}

/** A job start (`POST /api/jobs`) the page sent: its body's size in UTF-8 bytes and its history. */
export interface SentStart {
  bytes: number
  messages: ChatHistoryMessage[]
}

/** Records every job start the page sends, in order. */
export function recordStarts(page: Page): SentStart[] {
  const starts: SentStart[] = []
  page.on('request', (request) => {
    if (request.method() !== 'POST' || new URL(request.url()).pathname !== '/api/jobs') return
    const raw = request.postDataBuffer()!
    starts.push({ bytes: raw.length, messages: JSON.parse(raw.toString('utf8')).messages })
  })
  return starts
}
