/**
 * Sending on a slow network (Chromium, the page's POST /api/jobs held until the test lets it go):
 * - the message sent showed nowhere until the server answered — the box emptied on Enter, and a
 *   new thread kept its "Start a conversation" page, only the button saying "Sending…". It shows
 *   at once now, with the pulsing dots where its answer comes (no chip, as in ChatGPT and Claude;
 *   "sending…" for screen readers), until the started turn takes its place.
 * - Regenerate was `disabled` while its send was on its way, which dropped the keyboard's focus to
 *   the page's body; a start that then failed left it there. It keeps the focus now (aria-disabled).
 * - On a slow phone the server's page shows the box a second or more before the app runs: an Enter
 *   pressed then added a line and sent nothing. It sends once the page is interactive now (the
 *   text at that Enter; what was typed after it stays in the box) — on /ai-sdk too, once its new
 *   chat has its id.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { DESKTOP, screenshot, useDemoInBrowser, WAIT_MS } from './support/browser'
import { openChat, send, waitForHydration, waitForStatus } from './support/chat-page'
import { holdRequest } from './support/held-request'

const demo = useDemoInBrowser()

const focused = (page: Page) => page.evaluate(() => {
  const element = document.activeElement
  return !element || element === document.body ? 'body' : element.id || element.className
})

/** Holds the page's next start (POST /api/jobs) until `release`: then it goes on, or fails with a 503 (`fail`). */
const holdStart = (page: Page) => holdRequest(page, '**/api/jobs')
const composer = (page: Page) => page.locator('#composer-input')

/**
 * `path` opened in the file's shared page with the app's scripts held back: only the server's page
 * is there until `hydrate()` lets them load and waits for the app to be interactive.
 */
async function openWithScriptsHeld(path: string): Promise<{ page: Page, hydrate: () => Promise<void> }> {
  const context = await demo.sharedContext()
  const page = context.pages()[0] ?? await context.newPage()
  await page.setViewportSize(DESKTOP)
  let release!: () => void
  const released = new Promise<void>(resolve => release = resolve)
  const appScripts = /\/_nuxt\/.*\.js$/
  await page.route(appScripts, async (route) => {
    await released
    await route.continue().catch(() => {})
  })
  await page.goto(`${demo.url}${path}`, { waitUntil: 'commit' })
  return {
    page,
    hydrate: async () => {
      release()
      await waitForHydration(page)
      await page.unroute(appScripts)
    },
  }
}

describe('demo chat: a send on a slow network', () => {
  it('shows the message at once, in place of the new thread\'s empty state, until its turn is started', async () => {
    const page = await openChat(demo)
    const hold = await holdStart(page)
    await page.locator('#composer-input').fill('What time is it?')
    await page.locator('#composer-input').press('Enter')
    await hold.held
    const pending = page.locator('.pending-turn')
    await pending.waitFor({ timeout: WAIT_MS })
    expect(await pending.locator('.user-text').textContent()).toBe('What time is it?')
    // The dots where the answer comes, its word for screen readers only (it was a "sending…" chip).
    expect([await pending.locator('.typing-indicator').isVisible(), await pending.locator('.status-chip').count()]).toEqual([true, 0])
    expect(await pending.locator('.turn-writing').textContent()).toBe('sending…')
    expect(await page.getByText('Start a conversation').count()).toBe(0)
    await screenshot(page, 'held-start-pending-message')
    const answerTop = async (scope: string) => Math.round((await page.locator(`${scope} .bubble-assistant`).first().boundingBox())!.y)
    const pendingTop = await answerTop('.pending-turn')
    hold.release()
    await page.locator('.turn').first().waitFor({ timeout: WAIT_MS })
    await pending.waitFor({ state: 'detached', timeout: WAIT_MS })
    expect(await page.locator('.turn .user-text').first().textContent()).toBe('What time is it?')
    // The answer takes the place the dots held: nothing jumps.
    expect(await answerTop('.turn')).toBe(pendingTop)
  })

  it('keeps the focus on Regenerate while its send is on its way, and after it failed', async () => {
    const page = await openChat(demo)
    const jobId = await send(page, 'Calculate 12 * 7')
    await waitForStatus(page, jobId, 'completed')
    const regenerate = page.locator('.regenerate-answer')
    const hold = await holdStart(page)
    await regenerate.focus()
    await page.keyboard.press('Enter')
    await hold.held
    expect(await regenerate.getAttribute('aria-disabled')).toBe('true')
    expect(await focused(page)).toContain('regenerate-answer')
    // A second Enter while it is on its way sends nothing more.
    await page.keyboard.press('Enter')
    hold.release(true)
    await page.getByText(/Service unavailable|Could not/).first().waitFor({ timeout: WAIT_MS })
    expect(await regenerate.getAttribute('aria-disabled')).toBe('false')
    expect(await focused(page)).toContain('regenerate-answer')
    expect(await page.locator('.turn').count()).toBe(1)
    // Enter again: this time it goes.
    await page.keyboard.press('Enter')
    await expect.poll(() => page.locator('.version-switcher').textContent(), { timeout: WAIT_MS }).toContain('2 / 2')
  })

  it('keeps what is typed before the page is interactive, and sends an Enter pressed then once it is', async () => {
    // The app's scripts held back: the server's page is all there is (on a slow phone, a second or more).
    const { page, hydrate } = await openWithScriptsHeld('/')
    await composer(page).focus()
    await page.keyboard.type('Sent before the app ran')
    await page.keyboard.press('Enter')
    await page.keyboard.type(' and the next words')
    // Still the server's page; Enter added no line.
    expect(await page.evaluate(() => typeof (window as { useNuxtApp?: unknown }).useNuxtApp)).toBe('undefined')
    expect(await composer(page).inputValue()).toBe('Sent before the app ran and the next words')
    const started = page.waitForRequest(request => request.method() === 'POST' && new URL(request.url()).pathname === '/api/jobs', { timeout: WAIT_MS })
    await hydrate()
    // Sent once interactive: the text at the Enter; what was typed after it stays in the box, focused.
    const messages = JSON.parse((await started).postData()!).messages as Array<{ role: string, content: string }>
    expect(messages.map(message => [message.role, message.content])).toEqual([['user', 'Sent before the app ran']])
    const first = (await page.locator('.turn').first().getAttribute('data-job-id'))!
    expect(await composer(page).inputValue()).toBe(' and the next words')
    expect(await focused(page)).toBe('composer-input')
    await waitForStatus(page, first, 'completed')
  })

  it('on /ai-sdk too, sends an Enter pressed before the page is interactive, into the new chat the URL names', async () => {
    const { page, hydrate } = await openWithScriptsHeld('/ai-sdk')
    const box = page.locator('#ai-sdk-input')
    await box.focus()
    await page.keyboard.type('Sent before the app ran')
    await page.keyboard.press('Enter')
    await page.keyboard.type(' and the next words')
    expect(await page.evaluate(() => typeof (window as { useNuxtApp?: unknown }).useNuxtApp)).toBe('undefined')
    expect(await box.inputValue()).toBe('Sent before the app ran and the next words')
    const posted = page.waitForRequest(request => request.method() === 'POST' && new URL(request.url()).pathname === '/api/jobs/chat', { timeout: WAIT_MS })
    await hydrate()
    // Sent into the new chat, the one the URL names: the text at the Enter; what was typed after it stays.
    const request = await posted
    const body = JSON.parse(request.postData()!) as { id: string, messages: Array<{ role: string, parts: Array<{ type: string, text?: string }> }> }
    expect(body.messages.map(message => [message.role, message.parts.map(part => part.text).join('')])).toEqual([['user', 'Sent before the app ran']])
    await page.waitForURL(url => url.searchParams.get('chat') === body.id, { timeout: WAIT_MS })
    await page.locator('.turn[data-role="user"]').waitFor({ timeout: WAIT_MS })
    expect(await page.locator('.turn[data-role="user"] .user-text').allTextContents()).toEqual(['Sent before the app ran'])
    expect(await box.inputValue()).toBe(' and the next words')
    // The answer streams to its end, so nothing runs on into the next test.
    await page.waitForFunction(() => document.querySelector('[data-chat-status]')?.textContent === 'ready', undefined, { timeout: WAIT_MS })
  })
})
