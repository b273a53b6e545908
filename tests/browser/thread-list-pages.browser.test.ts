/**
 * The demo's thread list reads the user's threads (`GET /api/jobs/threads`), not the newest jobs
 * grouped: one conversation of more than a hundred turns no longer hides every other thread (the
 * sidebar used to group the newest 100 jobs), and threads past the first page come with
 * "Show more threads". Jobs are started through the API with the page's cookie (what the composer
 * would send), many at once, so the limits on active jobs and creations are raised for this file.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
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

/** Starts chat jobs in the page (its cookie), one request after another; returns their ids. */
function startJobs(page: Page, jobs: Array<{ threadId: string, prompt: string }>): Promise<string[]> {
  return page.evaluate(async (list) => {
    const ids: string[] = []
    for (const { threadId, prompt } of list) {
      const response = await fetch('/api/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ threadId, messages: [{ role: 'user', content: prompt }], tools: [] }) })
      if (response.status !== 202) throw new Error(`POST /api/jobs answered ${response.status}: ${await response.text()}`)
      ids.push((await response.json()).id)
    }
    return ids
  }, jobs)
}

/** Waits until none of the user's jobs is still going. */
async function waitForAllEnded(page: Page): Promise<void> {
  await expect.poll(() => page.evaluate(async () => (await (await fetch('/api/jobs?status=queued,running,waiting')).json()).jobs.length), { timeout: WAIT_MS }).toBe(0)
}

const listedThreads = (page: Page) => page.locator('.thread-link').evaluateAll(links => links.map(link => link.getAttribute('data-thread-id')))

describe('demo chat: the thread list', () => {
  it('lists every thread beside one of more than a hundred turns, a page at a time', async () => {
    const page = await openChat(demo)
    // The oldest thread first, then the others, then the long conversation (the newest).
    const others = Array.from({ length: OTHER_THREADS }, (_, index) => `other-${String(index).padStart(2, '0')}`)
    await startJobs(page, others.map(threadId => ({ threadId, prompt: `Hello from ${threadId}` })))
    await startJobs(page, Array.from({ length: LONG_TURNS }, (_, index) => ({ threadId: 'long-talk', prompt: `Turn ${index + 1} of the big talk` })))
    await waitForAllEnded(page)

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
})
