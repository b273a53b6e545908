/**
 * The demo's thread list reads the user's threads (`GET /api/jobs/threads`), not the newest jobs
 * grouped: one conversation of more than a hundred turns no longer hides every other thread (the
 * sidebar used to group the newest 100 jobs), and threads past the first page come with
 * "Show more threads". Jobs are started through the API with the user's cookie (what the composer
 * would send), many at once, so the limits on active jobs and creations are raised for this file.
 */
import { describe, expect, it } from 'vitest'
import type { BrowserContext, Page, Route } from 'playwright-core'
import { SIDEBAR_THREADS_PAGE } from '../../demo/app/lib/sidebar-threads'
import { screenshot, useDemoInBrowser, WAIT_MS } from './support/browser'
import { gotoChat, openChat } from './support/chat-page'

const LONG_TURNS = 105
const OTHER_THREADS = SIDEBAR_THREADS_PAGE + 2

const demo = useDemoInBrowser({
  NUXT_BACKGROUND_JOBS_SCRIPTED_CHUNK_INTERVAL_MS: '1',
  NUXT_BACKGROUND_JOBS_LIMITS_MAX_CONCURRENT_JOBS_PER_USER: '200',
  NUXT_BACKGROUND_JOBS_LIMITS_CREATE_PER_MINUTE: '1000',
})

/**
 * Starts chat jobs as the context's user (its cookie, through the context's own requests: no page
 * is loaded for it), one request after another; returns their ids.
 */
async function startJobs(context: BrowserContext, jobs: Array<{ threadId: string, prompt: string }>): Promise<string[]> {
  const ids: string[] = []
  for (const { threadId, prompt } of jobs) {
    const response = await context.request.post(`${demo.url}/api/jobs`, { data: { threadId, messages: [{ role: 'user', content: prompt }], tools: [] }, headers: { origin: demo.url } })
    if (response.status() !== 202) throw new Error(`POST /api/jobs answered ${response.status()}: ${await response.text()}`)
    ids.push((await response.json() as { id: string }).id)
  }
  return ids
}

/** Waits until none of the context's user's jobs is still going. */
async function waitForAllEnded(context: BrowserContext): Promise<void> {
  await expect.poll(async () => (await (await context.request.get(`${demo.url}/api/jobs?status=queued,running,waiting`)).json() as { jobs: unknown[] }).jobs.length, { timeout: WAIT_MS }).toBe(0)
}

const listedThreads = (page: Page) => page.locator('.thread-link').evaluateAll(links => links.map(link => link.getAttribute('data-thread-id')))

describe('demo chat: the thread list', () => {
  it('lists every thread beside one of more than a hundred turns, a page at a time', async () => {
    const context = await demo.newContext()
    // The oldest thread first, then the others, then the long conversation (the newest).
    const others = Array.from({ length: OTHER_THREADS }, (_, index) => `other-${String(index).padStart(2, '0')}`)
    await startJobs(context, others.map(threadId => ({ threadId, prompt: `Hello from ${threadId}` })))
    await startJobs(context, Array.from({ length: LONG_TURNS }, (_, index) => ({ threadId: 'long-talk', prompt: `Turn ${index + 1} of the big talk` })))
    await waitForAllEnded(context)

    // The first page load of this user: no page was open while the jobs ran.
    const page = await context.newPage()
    await gotoChat(page, `${demo.url}/threads/long-talk`)
    expect(await page.locator('.thread-link .badge-live, .thread-link .badge-waiting').count()).toBe(0)
    // Server-rendered first page: the long conversation and the newest others, newest first.
    const newestFirst = ['long-talk', ...[...others].reverse()]
    await expect.poll(() => listedThreads(page), { timeout: WAIT_MS }).toEqual(newestFirst.slice(0, SIDEBAR_THREADS_PAGE))
    expect(await page.locator('.thread-link[data-thread-id="long-talk"] .thread-title').textContent()).toBe('Turn 1 of the big talk')
    const more = page.locator('.show-more-threads')
    await more.scrollIntoViewIfNeeded()
    expect(await more.isVisible()).toBe(true)
    await screenshot(page, 'thread-list-first-page')

    await more.click()
    await expect.poll(() => listedThreads(page), { timeout: WAIT_MS }).toEqual(newestFirst)
    // Focus moved to the first thread of the new page; nothing more to load.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-thread-id'))).toBe(newestFirst[SIDEBAR_THREADS_PAGE])
    expect(await more.count()).toBe(0)
    await page.locator('.thread-link[data-thread-id="other-00"]').scrollIntoViewIfNeeded()
    await screenshot(page, 'thread-list-all-pages')
  })

  it('keeps the threads shown when a refresh of the list fails, says so, and reads again on Retry', async () => {
    const page = await openChat(demo)
    // A thread of this user started on another device: only the server's list knows it here.
    await startJobs(page.context(), [{ threadId: 'from-my-phone', prompt: 'Hello from my phone' }])
    // Its notification refreshes the list.
    await page.locator('.thread-link[data-thread-id="from-my-phone"]').waitFor({ timeout: WAIT_MS })
    const threadsRoute = /\/api\/jobs\/threads/
    const failing = (route: Route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ statusCode: 503, message: 'The job store is unreachable.' }) })
    await page.route(threadsRoute, failing)
    // Sending refreshes the list (and so do the notifications of the new job).
    const refused = page.waitForResponse(response => threadsRoute.test(response.url()) && response.status() === 503)
    await page.locator('#composer-input').fill('Hello from this browser')
    await page.locator('#composer-input').press('Enter')
    await refused
    await page.waitForFunction(() => document.querySelector('.thread-list-error') || !document.querySelector('.thread-link[data-thread-id="from-my-phone"]'), null, { timeout: WAIT_MS })
    // Kept, and the thread just started here is listed too (this browser remembers it).
    await page.waitForURL(/\/threads\//, { timeout: WAIT_MS })
    const startedHere = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!)
    await expect.poll(() => listedThreads(page), { timeout: WAIT_MS }).toEqual([startedHere, 'from-my-phone'])
    expect(await page.locator('.thread-list-error').textContent()).toContain('The job store is unreachable.')
    // Retry reads again (refused again here: the threads stay).
    const refusedAgain = page.waitForResponse(response => threadsRoute.test(response.url()) && response.status() === 503)
    await page.locator('.thread-list-error').getByRole('button', { name: 'Retry' }).click()
    await refusedAgain
    await page.unroute(threadsRoute, failing)
    // Retry again (unless a notification's refresh already read the list): the line goes.
    await page.evaluate(() => document.querySelector<HTMLButtonElement>('.thread-list-error button')?.click())
    await page.locator('.thread-list-error').waitFor({ state: 'detached', timeout: WAIT_MS })
    expect(await listedThreads(page)).toContain('from-my-phone')
  })
})
