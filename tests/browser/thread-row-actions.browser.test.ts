/**
 * A thread row's Rename (✎) and Delete (×) in the demo's sidebar (Chromium): they showed on every
 * row all the time, a column of icons beside the whole list, where ChatGPT and Claude show a row's
 * actions on hover. With a mouse on a desktop they now show while the row is hovered, has the
 * keyboard's focus, or is the open thread; Tab still reaches them from the link and a screen reader
 * still has their names (they are transparent, not hidden), and while hidden they leave the title
 * the whole row. On a touch screen or a phone's width, where nothing hovers, they always show.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { DESKTOP, PHONE, screenshot, useDemoInBrowser, WAIT_MS } from './support/browser'
import { gotoChat } from './support/chat-page'
import { rememberThreads } from './support/remembered-threads'

const demo = useDemoInBrowser()

const THREADS = [
  { threadId: 'row-alpha', title: 'Alpha plans', createdAt: Date.UTC(2026, 0, 2) },
  { threadId: 'row-beta', title: 'Beta notes', createdAt: Date.UTC(2026, 0, 1) },
]

/** The opacity of a thread's Rename and Delete buttons, as drawn. */
const actionOpacity = (page: Page, threadId: string) => page.evaluate(id => [`button[data-rename-thread="${id}"]`, `button[data-delete-thread="${id}"]`]
  .map(css => getComputedStyle(document.querySelector(css)!).opacity), threadId)
const focusedLabel = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.getAttribute('data-thread-id') ?? null)

async function openWithThreads(look: Parameters<typeof demo.newContext>[0] = {}): Promise<Page> {
  const context = await demo.newContext(look)
  await rememberThreads(context, THREADS)
  const page = await context.newPage()
  await gotoChat(page, demo.url)
  await page.locator('.thread-link[data-thread-id="row-beta"]').waitFor({ state: 'attached', timeout: WAIT_MS })
  return page
}

describe('demo chat: a thread row\'s Rename and Delete', () => {
  it('show on a desktop while the row is hovered or has the keyboard\'s focus; Tab reaches them, their names kept', async () => {
    const page = await openWithThreads()
    // The pointer over the conversation, not the list.
    await page.mouse.move(DESKTOP.width - 100, DESKTOP.height / 2)
    expect(await actionOpacity(page, 'row-alpha')).toEqual(['0', '0'])
    expect(await actionOpacity(page, 'row-beta')).toEqual(['0', '0'])
    // Transparent, not hidden: a screen reader still finds them by name.
    expect(await page.getByRole('button', { name: 'Rename thread: Alpha plans' }).count()).toBe(1)
    expect(await page.getByRole('button', { name: 'Delete thread: Beta notes' }).count()).toBe(1)

    await page.locator('.thread-link[data-thread-id="row-alpha"]').hover()
    expect(await actionOpacity(page, 'row-alpha')).toEqual(['1', '1'])
    expect(await actionOpacity(page, 'row-beta')).toEqual(['0', '0'])
    await screenshot(page, 'thread-row-actions-hover')

    // The keyboard: the link's focus shows them, and Tab goes link → Rename → Delete → the next link.
    await page.mouse.move(DESKTOP.width - 100, DESKTOP.height / 2)
    await page.locator('.thread-link[data-thread-id="row-alpha"]').focus()
    expect(await actionOpacity(page, 'row-alpha')).toEqual(['1', '1'])
    await page.keyboard.press('Tab')
    expect(await focusedLabel(page)).toBe('Rename thread: Alpha plans')
    await page.keyboard.press('Tab')
    expect(await focusedLabel(page)).toBe('Delete thread: Alpha plans')
    expect(await actionOpacity(page, 'row-alpha')).toEqual(['1', '1'])
    await page.keyboard.press('Tab')
    expect(await focusedLabel(page)).toBe('row-beta')
    expect(await actionOpacity(page, 'row-alpha')).toEqual(['0', '0'])
    expect(await actionOpacity(page, 'row-beta')).toEqual(['1', '1'])
  })

  it('leave a title the whole row while they are hidden, and make room for themselves as they show', async () => {
    const page = await openWithThreads()
    await page.mouse.move(DESKTOP.width - 100, DESKTOP.height / 2)
    const box = (css: string) => page.locator(css).evaluate(element => element.getBoundingClientRect().toJSON() as DOMRect)
    const title = '.thread-link[data-thread-id="row-alpha"] .thread-title'
    const atRest = await box(title)
    await page.locator('.thread-link[data-thread-id="row-alpha"]').hover()
    const hovered = await box(title)
    // Room for the two 32 px buttons, taken only while they show…
    expect(atRest.width - hovered.width).toBeGreaterThanOrEqual(64)
    // … and the title ends before them: they never cover it.
    expect(hovered.right).toBeLessThanOrEqual((await box('button[data-rename-thread="row-alpha"]')).left)
    expect(atRest.right).toBeGreaterThan((await box('button[data-rename-thread="row-alpha"]')).left)
  })

  it('show on the open thread\'s row without a hover', async () => {
    const page = await openWithThreads()
    await page.locator('.thread-link[data-thread-id="row-beta"]').click()
    await page.waitForURL(/\/threads\/row-beta$/, { timeout: WAIT_MS })
    await page.mouse.move(DESKTOP.width - 100, DESKTOP.height / 2)
    await page.locator('#composer-input').focus()
    expect(await actionOpacity(page, 'row-beta')).toEqual(['1', '1'])
    expect(await actionOpacity(page, 'row-alpha')).toEqual(['0', '0'])
  })

  it('always show on a phone\'s touch screen, and in a desktop window as narrow as one', async () => {
    const page = await openWithThreads({ viewport: PHONE, touch: true, colorScheme: 'dark' })
    await page.locator('.topbar-toggle').tap()
    await page.locator('#thread-sidebar').waitFor({ timeout: WAIT_MS })
    expect(await actionOpacity(page, 'row-alpha')).toEqual(['1', '1'])
    expect(await actionOpacity(page, 'row-beta')).toEqual(['1', '1'])
    await screenshot(page, 'thread-row-actions-phone-dark')

    const narrow = await openWithThreads({ viewport: { width: 700, height: 800 } })
    await narrow.mouse.move(650, 700)
    await narrow.locator('.topbar-toggle').click()
    await narrow.locator('#thread-sidebar').waitFor({ timeout: WAIT_MS })
    expect(await actionOpacity(narrow, 'row-alpha')).toEqual(['1', '1'])
  })
})
