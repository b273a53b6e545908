/**
 * Deleting a thread in the demo (Chromium): each thread has a labelled delete button; it asks in a
 * modal dialog that opens on Cancel (Escape cancels, focus returns to the button); a confirmed
 * delete removes the thread from the list and the server, focus moving to the next thread; deleting
 * the open thread while its answer is still being written stops it, deletes it and opens a new thread.
 * A second tab learns of a delete made in the first from its notification stream: the thread
 * leaves its list, and if it had that thread open, it opens a new one and says why.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { LONG_PROMPT, screenshot, useDemoInBrowser, WAIT_MS } from './support/browser'
import { gotoChat, openChat, send, waitForStatus } from './support/chat-page'
import { markNotifications } from './support/notifications-mark'

const demo = useDemoInBrowser()

const threadIdOf = (page: Page) => decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1)!)
const focused = (page: Page) => page.evaluate(() => {
  const element = document.activeElement as HTMLElement | null
  return element?.getAttribute('data-delete-thread') ?? element?.getAttribute('data-thread-id') ?? element?.textContent?.trim() ?? null
})
/** The user's jobs of a thread as the server lists them (with the page's cookie). */
const serverJobs = (page: Page, threadId: string) => page.evaluate(async id => (await (await fetch(`/api/jobs?threadId=${encodeURIComponent(id)}`)).json()).jobs as Array<{ id: string, status: string }>, threadId)

/** Starts a thread from the new-thread page; returns its id once it is listed. */
async function startThread(page: Page, prompt: string): Promise<{ threadId: string, jobId: string }> {
  await page.locator('.new-thread').click()
  await page.waitForURL(url => !url.pathname.startsWith('/threads/'), { timeout: WAIT_MS })
  const jobId = await send(page, prompt)
  await page.waitForURL(/\/threads\//, { timeout: WAIT_MS })
  const threadId = threadIdOf(page)
  await page.locator(`.thread-link[data-thread-id="${threadId}"]`).waitFor({ timeout: WAIT_MS })
  return { threadId, jobId }
}

describe('demo chat: deleting a thread', () => {
  it('asks first (Escape cancels, focus comes back), deletes a finished thread everywhere, and the open running one too, opening a new thread', async () => {
    const page = await openChat(demo)
    const older = await startThread(page, 'Hello there')
    await waitForStatus(page, older.jobId, 'completed')
    const open = await startThread(page, LONG_PROMPT)
    const deleteButton = (threadId: string) => page.locator(`button[data-delete-thread="${threadId}"]`)
    expect(await deleteButton(older.threadId).getAttribute('aria-label')).toMatch(/^Delete thread: /)

    // Asked, then cancelled with Escape: nothing deleted, focus back on the button.
    await deleteButton(older.threadId).focus()
    await page.keyboard.press('Enter')
    const dialog = page.locator('dialog.confirm-dialog')
    await dialog.waitFor({ state: 'visible', timeout: WAIT_MS })
    expect(await focused(page)).toBe('Cancel')
    await screenshot(page, 'thread-delete-dialog')
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden', timeout: WAIT_MS })
    expect(await focused(page)).toBe(older.threadId)
    expect(await serverJobs(page, older.threadId)).toHaveLength(1)

    // Confirmed: gone from the list and the server; focus on a neighbouring thread's link.
    await page.keyboard.press('Enter')
    await dialog.waitFor({ state: 'visible', timeout: WAIT_MS })
    await page.locator('[data-confirm-delete]').click()
    await page.locator(`.thread-link[data-thread-id="${older.threadId}"]`).waitFor({ state: 'detached', timeout: WAIT_MS })
    await dialog.waitFor({ state: 'hidden', timeout: WAIT_MS })
    expect(await serverJobs(page, older.threadId)).toEqual([])
    expect(await focused(page)).toBe(open.threadId)

    // The open thread, its answer still being written: stopped, deleted, and a new thread opens.
    expect((await serverJobs(page, open.threadId))[0]?.status).not.toBe('completed')
    await deleteButton(open.threadId).click()
    await dialog.waitFor({ state: 'visible', timeout: WAIT_MS })
    await page.locator('[data-confirm-delete]').click()
    await page.waitForURL(url => !url.pathname.startsWith('/threads/'), { timeout: WAIT_MS })
    await page.locator(`.thread-link[data-thread-id="${open.threadId}"]`).waitFor({ state: 'detached', timeout: WAIT_MS })
    expect(await serverJobs(page, open.threadId)).toEqual([])
    // Gone for good: a reload does not bring either back from this browser's memory.
    await page.reload()
    await page.locator('.thread-list').waitFor({ timeout: WAIT_MS })
    expect(await page.locator('.thread-link').count()).toBe(0)
  })

  it('a thread deleted in one tab leaves the other tab\'s list, and the other tab showing it opens a new chat with a notice', async () => {
    const page = await openChat(demo)
    const doomed = await startThread(page, 'Hello there')
    await waitForStatus(page, doomed.jobId, 'completed')
    const kept = await startThread(page, 'Hello again')
    await waitForStatus(page, kept.jobId, 'completed')
    // The second tab (same browser, same user) has the doomed thread open.
    const other = await page.context().newPage()
    // Marks when the tab hears notifications (support/notifications-mark.ts).
    await markNotifications(other)
    await gotoChat(other, `${demo.url}/threads/${encodeURIComponent(doomed.threadId)}`)
    await other.locator(`.thread-link[data-thread-id="${doomed.threadId}"]`).waitFor({ timeout: WAIT_MS })
    await other.locator('html[data-test-notifications="open"]').waitFor({ state: 'attached', timeout: WAIT_MS })

    await page.locator(`button[data-delete-thread="${doomed.threadId}"]`).click()
    await page.locator('dialog.confirm-dialog').waitFor({ state: 'visible', timeout: WAIT_MS })
    await page.locator('[data-confirm-delete]').click()
    await page.locator(`.thread-link[data-thread-id="${doomed.threadId}"]`).waitFor({ state: 'detached', timeout: WAIT_MS })

    // The other tab: the thread is gone from its list, it is on a new chat, and it says why.
    await other.locator(`.thread-link[data-thread-id="${doomed.threadId}"]`).waitFor({ state: 'detached', timeout: WAIT_MS })
    await other.waitForURL(url => !url.pathname.startsWith('/threads/'), { timeout: WAIT_MS })
    await other.locator('.toast-message', { hasText: 'This conversation was deleted in another tab.' }).waitFor({ timeout: WAIT_MS })
    expect(await other.locator(`.thread-link[data-thread-id="${kept.threadId}"]`).count()).toBe(1)
    await screenshot(other, 'thread-deleted-in-another-tab')
    // The tab that deleted it says nothing of the kind.
    expect(await page.locator('.toast-message', { hasText: 'deleted in another tab' }).count()).toBe(0)
  })
})
