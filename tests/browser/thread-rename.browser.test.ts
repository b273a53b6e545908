/**
 * Renaming a thread in the demo (Chromium): each thread has a labelled Rename button (and a
 * double-click or F2 on the thread opens the same field); the field opens focused with the title
 * selected, Escape cancels and gives the focus back to the thread, a blank title is refused with
 * the reason, Enter saves: the list, the open thread's tab title and heading show the new title, the
 * server keeps it (after a reload too), and a second tab of the same user shows it live from its
 * notification stream.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { screenshot, useDemoInBrowser, WAIT_MS } from './support/browser'
import { gotoChat, openChat, send, waitForStatus } from './support/chat-page'
import { markNotifications } from './support/notifications-mark'

const demo = useDemoInBrowser()

const threadIdOf = (page: Page) => decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1)!)
const focused = (page: Page) => page.evaluate(() => {
  const element = document.activeElement as HTMLElement | null
  return element?.getAttribute('data-thread-id') ?? element?.getAttribute('aria-label') ?? element?.tagName ?? null
})
const shownTitle = (page: Page, threadId: string) => page.locator(`.thread-link[data-thread-id="${threadId}"] .thread-title`).textContent()
/** The threads as the server lists them for the page's user. */
const serverThreads = (page: Page) => page.evaluate(async () => (await (await fetch('/api/jobs/threads')).json()).threads as Array<{ threadId: string, title: string, renamed: boolean }>)

describe('demo chat: renaming a thread', () => {
  it('renames inline (Escape cancels, a blank title is refused, Enter saves), keeps it on the server, and the other tab shows it live', async () => {
    const page = await openChat(demo)
    const jobId = await send(page, 'Hello there')
    await page.waitForURL(/\/threads\//, { timeout: WAIT_MS })
    const threadId = threadIdOf(page)
    await waitForStatus(page, jobId, 'completed')
    const link = page.locator(`.thread-link[data-thread-id="${threadId}"]`)
    await link.waitFor({ timeout: WAIT_MS })
    expect(await shownTitle(page, threadId)).toBe('Hello there')

    // A second tab of the same user, listening to the notification stream.
    const other = await page.context().newPage()
    await markNotifications(other)
    await gotoChat(other, demo.url)
    await other.locator(`.thread-link[data-thread-id="${threadId}"]`).waitFor({ timeout: WAIT_MS })
    await other.locator('html[data-test-notifications="open"]').waitFor({ state: 'attached', timeout: WAIT_MS })

    const renameButton = page.locator(`button[data-rename-thread="${threadId}"]`)
    expect(await renameButton.getAttribute('aria-label')).toBe('Rename thread: Hello there')
    const field = page.locator('.thread-rename-input')

    // Opened from the button: focused, the title selected; Escape cancels, focus back on the thread.
    await renameButton.click()
    await field.waitFor({ timeout: WAIT_MS })
    expect(await field.getAttribute('aria-label')).toBe('New title for thread: Hello there')
    expect(await field.evaluate((input: HTMLInputElement) => [document.activeElement === input, input.value, input.selectionStart, input.selectionEnd])).toEqual([true, 'Hello there', 0, 11])
    await page.keyboard.type('Not this one')
    await page.keyboard.press('Escape')
    await field.waitFor({ state: 'detached', timeout: WAIT_MS })
    expect(await shownTitle(page, threadId)).toBe('Hello there')
    expect(await focused(page)).toBe(threadId)

    // Opened with F2 on the thread: a blank title is refused with the reason, the field stays.
    await page.keyboard.press('F2')
    await field.waitFor({ timeout: WAIT_MS })
    await field.fill('   ')
    await page.keyboard.press('Enter')
    const problem = page.locator('.thread-rename-problem')
    await problem.waitFor({ timeout: WAIT_MS })
    expect(await problem.textContent()).toBe('The title must not be empty or only whitespace.')
    expect(await field.getAttribute('aria-invalid')).toBe('true')
    await screenshot(page, 'thread-rename-refused')

    // Enter saves: the list shows it, focus is back on the thread, the server has it.
    await field.fill('  Viagem a Lisboa, maio ☀ ')
    // Edited: the reason of the refusal goes.
    await problem.waitFor({ state: 'detached', timeout: WAIT_MS })
    await screenshot(page, 'thread-rename-editing')
    await page.keyboard.press('Enter')
    await field.waitFor({ state: 'detached', timeout: WAIT_MS })
    await expect.poll(() => shownTitle(page, threadId), { timeout: WAIT_MS }).toBe('Viagem a Lisboa, maio ☀')
    expect(await focused(page)).toBe(threadId)
    expect(await renameButton.getAttribute('aria-label')).toBe('Rename thread: Viagem a Lisboa, maio ☀')
    expect((await serverThreads(page)).find(thread => thread.threadId === threadId)).toMatchObject({ title: 'Viagem a Lisboa, maio ☀', renamed: true })
    // The open thread takes it too: its tab title and its (screen reader's) heading.
    await expect.poll(() => page.title(), { timeout: WAIT_MS }).toMatch(/^Viagem a Lisboa, maio ☀ — /)
    expect(await page.locator('section.thread > h1').textContent()).toBe('Viagem a Lisboa, maio ☀')
    await screenshot(page, 'thread-renamed')

    // The other tab shows it without a reload (its notification stream).
    await expect.poll(() => shownTitle(other, threadId), { timeout: WAIT_MS }).toBe('Viagem a Lisboa, maio ☀')
    await screenshot(other, 'thread-renamed-in-another-tab')

    // A double-click on the thread opens the field too; a reload keeps the title.
    await link.dblclick()
    await field.waitFor({ timeout: WAIT_MS })
    expect(await field.inputValue()).toBe('Viagem a Lisboa, maio ☀')
    await page.keyboard.press('Escape')
    await page.reload()
    await expect.poll(() => shownTitle(page, threadId), { timeout: WAIT_MS }).toBe('Viagem a Lisboa, maio ☀')
  })
})
