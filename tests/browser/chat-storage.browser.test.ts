/**
 * The demo chat and this browser's storage. With storage blocked (Safari's private mode of old, site
 * data blocked, an embedding site's iframe: reading `localStorage` throws a `SecurityError`) the
 * chat still works — a message sent gets its answer (main chat and /ai-sdk), nothing is kept, and
 * the page logs no error.
 * A draft typed and the tab closed at once is there in the next tab; two tabs composing two new
 * threads each keep their own through a reload. A draft over 32 KB of UTF-8 is kept in the tab
 * only, and the box says so.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { screenshot, useDemoInBrowser, WAIT_MS } from './support/browser'
import { gotoChat, send, waitForHydration, waitForStatus } from './support/chat-page'

const demo = useDemoInBrowser()

const composer = (page: Page) => page.locator('#composer-input')

/** Makes `localStorage` and `sessionStorage` throw on every read, as a browser with site data blocked does (installed before the app's scripts). */
function blockStorage(): void {
  for (const name of ['localStorage', 'sessionStorage']) {
    Object.defineProperty(window, name, {
      configurable: true,
      get() {
        throw new DOMException(`Failed to read the '${name}' property from 'Window': Access is denied for this document.`, 'SecurityError')
      },
    })
  }
}

/** What the page logs as an error or warning, and its uncaught errors. */
function recordErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') errors.push(`console.${message.type()}: ${message.text()}`)
  })
  page.on('pageerror', error => errors.push(`page error: ${error.message}`))
  return errors
}

/** Waits until the box holds something (a stored draft is put there once the box is mounted). */
async function waitForDraft(page: Page): Promise<void> {
  await page.waitForFunction(() => (document.querySelector<HTMLTextAreaElement>('#composer-input')?.value ?? '') !== '', null, { timeout: WAIT_MS })
}

describe('demo chat: browser storage', () => {
  it('works with storage blocked: a message sent gets its answer, a draft stays in the tab, and nothing is logged as an error', async () => {
    const context = await demo.newContext()
    await context.addInitScript(blockStorage)
    const page = await context.newPage()
    const errors = recordErrors(page)
    await gotoChat(page, `${demo.url}/`)
    const jobId = await send(page, 'Hello with storage blocked')
    await waitForStatus(page, jobId, 'completed')
    expect(await page.locator(`.turn[data-job-id="${jobId}"] .answer`).textContent()).not.toBe('')
    // A draft, another thread and back: kept in the tab's memory.
    await composer(page).fill('Not kept anywhere else')
    await page.locator('#thread-sidebar').getByRole('link', { name: /New thread/ }).click()
    await page.waitForURL(url => new URL(url).pathname === '/', { timeout: WAIT_MS })
    await page.locator('#thread-sidebar a', { hasText: 'Hello with storage blocked' }).click()
    await page.locator('.turn').first().waitFor({ timeout: WAIT_MS })
    expect(await composer(page).inputValue()).toBe('Not kept anywhere else')
    const next = await send(page, 'And a second message')
    await waitForStatus(page, next, 'completed')
    expect(errors).toEqual([])
  })

  it('works with storage blocked on /ai-sdk: a message sent gets its answer, and nothing is logged as an error', async () => {
    const context = await demo.newContext()
    await context.addInitScript(blockStorage)
    const page = await context.newPage()
    const errors = recordErrors(page)
    await gotoChat(page, `${demo.url}/ai-sdk`)
    await page.waitForURL(/[?&]chat=/)
    await page.locator('#ai-sdk-input').fill('Hello with storage blocked')
    await page.locator('#ai-sdk-input').press('Enter')
    await page.locator('.turn[data-role="assistant"] .answer').first().waitFor({ timeout: WAIT_MS })
    await page.waitForFunction(() => document.querySelector('[data-chat-status]')?.textContent === 'ready', undefined, { timeout: WAIT_MS })
    expect(await page.locator('.turn[data-role="assistant"] .answer').first().textContent()).not.toBe('')
    expect(errors).toEqual([])
  })

  it('keeps a draft typed right before the tab closed', async () => {
    const context = await demo.newContext()
    const page = await context.newPage()
    await gotoChat(page, `${demo.url}/`)
    const jobId = await send(page, 'A thread to come back to')
    await waitForStatus(page, jobId, 'completed')
    const thread = page.url()
    await composer(page).fill('Typed, then the tab closed')
    // Closed as a user closes it (its unload handlers run), before typing has paused for long.
    await page.close({ runBeforeUnload: true })
    const next = await context.newPage()
    await gotoChat(next, thread)
    await waitForDraft(next)
    expect(await composer(next).inputValue()).toBe('Typed, then the tab closed')
  })

  it('keeps two tabs\' new-thread drafts apart: each gets its own back after a reload', async () => {
    const context = await demo.newContext()
    const [first, second] = [await context.newPage(), await context.newPage()]
    await gotoChat(first, `${demo.url}/`)
    await gotoChat(second, `${demo.url}/`)
    await composer(first).fill('The first tab\'s new chat')
    await composer(second).fill('The second tab\'s new chat')
    for (const [page, draft] of [[first, 'The first tab\'s new chat'], [second, 'The second tab\'s new chat']] as const) {
      await page.reload()
      await waitForHydration(page)
      await waitForDraft(page)
      expect(await composer(page).inputValue()).toBe(draft)
    }
    // A new tab starts a new chat with an empty box.
    const third = await context.newPage()
    await gotoChat(third, `${demo.url}/`)
    expect(await composer(third).inputValue()).toBe('')
  })

  it('says a draft over 32 KB is too long to keep after a reload: it stays in the tab, and a shorter one is kept', async () => {
    const page = await (await demo.newContext()).newPage()
    await gotoChat(page, `${demo.url}/`)
    const note = page.locator('.composer-not-kept')
    // 16,385 two-byte characters: 32,770 bytes, just over.
    await composer(page).fill('é'.repeat(16_385))
    await note.waitFor({ timeout: WAIT_MS })
    expect(await note.textContent()).toBe('Too long to keep after a reload (over 32 KB): it stays while this tab is open.')
    // A screen reader hears it with the box.
    expect(await composer(page).getAttribute('aria-describedby')).toContain((await note.getAttribute('id'))!)
    await screenshot(page, 'draft-too-long-to-keep')
    await page.reload()
    await waitForHydration(page)
    expect(await composer(page).inputValue()).toBe('')
    await composer(page).fill('é'.repeat(16_000))
    expect(await note.count()).toBe(0)
    await page.reload()
    await waitForHydration(page)
    await waitForDraft(page)
    expect((await composer(page).inputValue()).length).toBe(16_000)
  })
})
