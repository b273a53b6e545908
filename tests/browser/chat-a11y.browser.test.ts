/**
 * The demo chat with a keyboard and a screen reader (Chromium, desktop and a 375 px phone, light
 * and dark): axe finds nothing in any state of a turn; a streaming answer is read out once, a
 * sentence at a time, never the whole message again on every delta; focus lands in the composer
 * after a thread switch, an answered approval and "Newest"; the phone's open drawer keeps Tab to
 * itself; an input method's Enter never sends; reduced motion means no smooth scrolling; nothing
 * scrolls sideways at 200 % zoom; and reading an earlier part of a streaming answer is not
 * interrupted by the text that arrives below it.
 */
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { speakableText } from '../../demo/app/lib/announcements'
import type { BrowserLook } from './support/browser'
import { LONG_PROMPT, PHONE, screenshot, useDemoInBrowser, WAIT_MS } from './support/browser'
import { openChat as openChatPage, openSharedChat as openSharedChatPage, send, serverState, turn, waitForAnswerChars, waitForHydration, waitForStatus } from './support/chat-page'

const demo = useDemoInBrowser()
const openChat = (look: BrowserLook = {}, path = '/'): Promise<Page> => openChatPage(demo, look, path)
/** The chat loaded anew as the user the file's tests share: for a test about what a page does, not about a new user. */
const openSharedChat = (look: BrowserLook = {}): Promise<Page> => openSharedChatPage(demo, look)

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js')
const PHONE_375 = { width: 375, height: 740 }
/** A 375 px phone zoomed to 200 %: half as many CSS pixels. */
const PHONE_375_ZOOMED = { width: 188, height: 370 }

const composer = (page: Page) => page.locator('#composer-input')
const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName)
const waitForComposerFocus = (page: Page) => page.waitForFunction(() => document.activeElement?.id === 'composer-input', null, { timeout: WAIT_MS })

/** axe-core's violations on the page as it is, one line each (rule, impact, first elements). */
async function axeViolations(page: Page): Promise<string[]> {
  if (!await page.evaluate(() => 'axe' in window)) await page.addScriptTag({ path: AXE_PATH })
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Array<{ id: string, impact: string, nodes: Array<{ target: string[] }> }> }> } }).axe
    const { violations } = await axe.run(document, { resultTypes: ['violations'] })
    return violations.map(violation => `${violation.id} (${violation.impact}): ${violation.nodes.slice(0, 3).map(node => node.target.join(' ')).join(', ')}`)
  })
}

/** Starts recording what the thread's live region is given to read (its added paragraphs). */
async function recordAnnouncements(page: Page): Promise<void> {
  await page.evaluate(() => {
    const heard: string[] = []
    ;(window as unknown as { heard: string[] }).heard = heard
    new MutationObserver((records) => {
      // A node moved within the region counts: a screen reader reads it again.
      for (const record of records) for (const node of record.addedNodes) heard.push(node.textContent ?? '')
    }).observe(document.querySelector('.thread-announcer')!, { childList: true, subtree: true, characterData: true })
  })
}
const announced = (page: Page) => page.evaluate(() => (window as unknown as { heard: string[] }).heard)

describe('demo chat: keyboard and screen reader', () => {
  // Each colour scheme (contrast) and each layout (desktop, phone drawer) is checked once: the
  // two other pairings repeated the same components and doubled the file's time in CI.
  const looks: Array<{ name: string } & BrowserLook> = [
    { name: 'desktop-light', colorScheme: 'light', viewport: { width: 1280, height: 800 } },
    { name: 'phone-dark', colorScheme: 'dark', viewport: PHONE_375 },
  ]
  for (const look of looks) {
    it(`has no axe violations empty, streaming, stopped, finished with code, waiting, failed (${look.name})`, async () => {
      const page = await openChat(look)
      const found: Record<string, string[]> = {}
      found.empty = await axeViolations(page)

      const streaming = await send(page, LONG_PROMPT)
      await waitForAnswerChars(page, streaming, 200)
      found.streaming = await axeViolations(page)
      await page.locator('.composer-stop').click()
      await waitForStatus(page, streaming, 'aborted')
      found.stopped = await axeViolations(page)

      // Markdown: a table and highlighted code (token colours, sideways-scrolling boxes).
      const markdown = await send(page, 'Show me some markdown')
      await waitForStatus(page, markdown, 'completed')
      found.finished = await axeViolations(page)
      await screenshot(page, `a11y-finished-${look.name}`)

      const approval = await send(page, 'Please delete notes.txt')
      await waitForStatus(page, approval, 'waiting')
      found.waiting = await axeViolations(page)
      await screenshot(page, `a11y-waiting-${look.name}`)
      await turn(page, approval).getByRole('button', { name: 'Deny' }).click()
      await waitForStatus(page, approval, 'completed')

      const failing = await send(page, 'This one should fail')
      await waitForStatus(page, failing, 'failed')
      found.failed = await axeViolations(page)

      if (look.viewport === PHONE_375) {
        await page.getByRole('button', { name: 'Threads' }).click()
        found.drawer = await axeViolations(page)
      }
      expect(found).toEqual(Object.fromEntries(Object.keys(found).map(state => [state, []])))
    })
  }

  it('has no axe violations in a workflow waiting for its form, then finished with its steps and outputs open', async () => {
    const page = await openChat({ viewport: PHONE_375, colorScheme: 'dark' })
    const jobId = await send(page, '/workflow research-report keyboard access')
    await waitForStatus(page, jobId, 'waiting')
    const found: Record<string, string[]> = { waiting: await axeViolations(page) }
    await turn(page, jobId).locator('.input-prompt button[type="submit"]').click()
    await waitForStatus(page, jobId, 'completed')
    // The report starts at "##": still the level right under the message's own heading.
    expect(await turn(page, jobId).locator('.workflow-result > :first-child').evaluate(element => element.tagName)).toBe('H3')
    await turn(page, jobId).locator('.workflow-steps > summary').click()
    for (const summary of await turn(page, jobId).locator('.workflow-node summary').all()) await summary.click()
    found.finished = await axeViolations(page)
    await screenshot(page, 'a11y-workflow-steps-phone-dark')
    expect(found).toEqual({ waiting: [], finished: [] })
  })

  it('reads a streaming answer out once, a sentence at a time, and a finished one not at all after a reload', async () => {
    const page = await openSharedChat()
    await recordAnnouncements(page)
    const jobId = await send(page, LONG_PROMPT)
    await waitForStatus(page, jobId, 'completed')
    await page.waitForFunction(() => (window as unknown as { heard: string[] }).heard.at(-1) === 'Answer finished.', null, { timeout: WAIT_MS })
    const heard = await announced(page)
    const answer = (await serverState(page, jobId)).content

    // The answer on screen is re-rendered on every delta: it is in the message log, which is not live.
    expect(await turn(page, jobId).locator('.answer').evaluate(element => element.closest('[aria-live]:not([aria-live="off"])') === null)).toBe(true)
    expect(await page.locator('[role="log"]').getAttribute('aria-label')).toBe('Messages')
    // Every word once, in order, in many pieces none of which is the whole answer; then how it ended.
    expect(heard.slice(0, -1).join(' ')).toBe(speakableText(answer))
    expect(heard.length).toBeGreaterThan(10)
    expect(Math.max(...heard.map(text => text.length))).toBeLessThan(answer.length / 4)
    // Each message is a heading to jump to; the thread has its title as the page's h1.
    expect(await page.getByRole('heading', { level: 2, name: 'You said:' }).count()).toBe(1)
    expect(await page.getByRole('heading', { level: 2, name: 'The assistant said:' }).count()).toBe(1)
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(LONG_PROMPT)

    // Copy says so in words.
    // Granted to this file's shared user for this check only: the tests after it get no clipboard.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: demo.url })
    try {
      await turn(page, jobId).getByRole('button', { name: 'Copy', exact: true }).click()
      await page.waitForFunction(() => (window as unknown as { heard: string[] }).heard.at(-1) === 'Copied to the clipboard.', null, { timeout: WAIT_MS })
    }
    finally {
      await page.context().clearPermissions()
    }

    await page.reload()
    await waitForHydration(page)
    await waitForStatus(page, jobId, 'completed')
    expect(await page.locator('.thread-announcer > *').count()).toBe(0)
  })

  it('puts focus in the composer after "New thread", an answered approval, and a thread chosen in the list', async () => {
    const page = await openSharedChat()
    const first = await send(page, 'Hello there')
    await waitForStatus(page, first, 'completed')
    const firstThread = page.url()

    // "New thread" from the keyboard: the next key goes to the box.
    await page.locator('.new-thread').focus()
    await page.keyboard.press('Enter')
    await page.waitForURL(`${demo.url}/`, { timeout: WAIT_MS })
    await waitForComposerFocus(page)
    await page.keyboard.type('Please delete notes.txt')
    await page.keyboard.press('Enter')
    await page.locator('.turn').first().waitFor({ timeout: WAIT_MS })
    const approval = (await page.locator('.turn').first().getAttribute('data-job-id'))!
    await waitForStatus(page, approval, 'waiting')

    // "Show" leads to the question; Approve from the keyboard; then back in the box.
    await page.getByRole('button', { name: 'Show' }).focus()
    await page.keyboard.press('Enter')
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Approve')
    await page.keyboard.press('Enter')
    await waitForComposerFocus(page)
    await waitForStatus(page, approval, 'completed')
    expect(await focusedId(page)).toBe('composer-input')

    // Another thread from the list.
    await page.locator(`.thread-link[href="${new URL(firstThread).pathname}"]`).focus()
    await page.keyboard.press('Enter')
    await page.waitForURL(firstThread, { timeout: WAIT_MS })
    await waitForStatus(page, first, 'completed')
    await waitForComposerFocus(page)
  })

  it('keeps Tab inside the open drawer on a phone, closes it with Escape, and lands in the composer after a choice', async () => {
    const page = await openChat({ viewport: PHONE_375, colorScheme: 'dark' })
    const jobId = await send(page, 'Hello from the phone')
    await waitForStatus(page, jobId, 'completed')
    const thread = page.url()
    const toggle = page.getByRole('button', { name: 'Threads' })
    await toggle.focus()
    await page.keyboard.press('Enter')
    expect(await toggle.getAttribute('aria-expanded')).toBe('true')
    // The page under the drawer is inert: Tab goes through the drawer and never reaches it.
    expect(await page.locator('#main').evaluate(element => (element as HTMLElement).inert)).toBe(true)
    const visited: string[] = []
    for (let press = 0; press < 8; press++) {
      await page.keyboard.press('Tab')
      visited.push(await page.evaluate(() => (document.activeElement?.closest('#main') ? 'main' : document.activeElement?.closest('#thread-sidebar') ? 'drawer' : 'other')))
    }
    expect(visited).toContain('drawer')
    expect(visited).not.toContain('main')
    await screenshot(page, 'a11y-drawer-phone-dark')

    await page.locator('#thread-sidebar .new-thread').focus()
    await page.keyboard.press('Escape')
    expect(await toggle.getAttribute('aria-expanded')).toBe('false')
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Threads')
    expect(await page.locator('#main').evaluate(element => (element as HTMLElement).inert)).toBe(false)

    // A thread chosen in the drawer: the drawer closes and the box has the focus (not the closed drawer).
    await page.keyboard.press('Enter')
    await page.locator('#thread-sidebar .new-thread').focus()
    await page.keyboard.press('Enter')
    await page.waitForURL(`${demo.url}/`, { timeout: WAIT_MS })
    await waitForComposerFocus(page)
    await toggle.click()
    await page.locator(`#thread-sidebar .thread-link[href="${new URL(thread).pathname}"]`).focus()
    await page.keyboard.press('Enter')
    await page.waitForURL(thread, { timeout: WAIT_MS })
    await waitForComposerFocus(page)
    expect(await toggle.getAttribute('aria-expanded')).toBe('false')

    // Choosing the thread already shown closes the drawer too (the address does not change).
    await toggle.click()
    await page.locator(`#thread-sidebar .thread-link[href="${new URL(thread).pathname}"]`).click()
    expect(await toggle.getAttribute('aria-expanded')).toBe('false')
    expect(await page.locator('#main').evaluate(element => (element as HTMLElement).inert)).toBe(false)

    // Escape in the delete confirmation closes only the dialog: the drawer stays, focus goes back to ×.
    await toggle.click()
    const remove = page.locator('#thread-sidebar .thread-delete').first()
    await remove.focus()
    await page.keyboard.press('Enter')
    await page.locator('dialog[open]').waitFor({ timeout: WAIT_MS })
    await page.keyboard.press('Escape')
    await page.locator('dialog[open]').waitFor({ state: 'detached', timeout: WAIT_MS })
    expect(await toggle.getAttribute('aria-expanded')).toBe('true')
    expect(await page.evaluate(() => document.activeElement?.classList.contains('thread-delete'))).toBe(true)
  })

  it('on a touch screen a thread opened from the list takes focus itself, not the box (no on-screen keyboard popping up)', async () => {
    const page = await openSharedChat({ viewport: PHONE_375, touch: true })
    const jobId = await send(page, 'Hello from a touch screen')
    await waitForStatus(page, jobId, 'completed')
    const thread = page.url()
    await page.getByRole('button', { name: 'Threads' }).tap()
    await page.locator('#thread-sidebar .new-thread').tap()
    await page.waitForURL(`${demo.url}/`, { timeout: WAIT_MS })
    await page.getByRole('button', { name: 'Threads' }).tap()
    await page.locator(`#thread-sidebar .thread-link[href="${new URL(thread).pathname}"]`).tap()
    await page.waitForURL(thread, { timeout: WAIT_MS })
    // The thread (its section, or its heading once the turns are there) has the focus.
    await page.waitForFunction(() => document.activeElement?.closest('section.thread') !== null && document.activeElement?.id !== 'composer-input', null, { timeout: WAIT_MS })
    expect(await page.locator('section.thread').getAttribute('aria-label')).toContain('Hello from a touch screen')
    expect(await page.evaluate(() => document.activeElement?.id)).not.toBe('composer-input')
  })

  it('"+ New thread" in the phone\'s drawer on a new thread leaves the focus in the page: the box from a keyboard, the thread on a touch screen', async () => {
    // The page behind the open drawer is inert: the box could not take the focus while the drawer
    // was still open, and the link kept it only until the closed drawer hid it (focus on the body).
    const page = await openSharedChat({ viewport: PHONE_375 })
    const toggle = page.getByRole('button', { name: 'Threads' })
    await toggle.click()
    await page.locator('#thread-sidebar .new-thread').focus()
    await page.keyboard.press('Enter')
    expect(await toggle.getAttribute('aria-expanded')).toBe('false')
    await waitForComposerFocus(page)

    const touch = await openSharedChat({ viewport: PHONE_375, touch: true })
    await touch.getByRole('button', { name: 'Threads' }).tap()
    await touch.locator('#thread-sidebar .new-thread').tap()
    await touch.waitForFunction(() => document.activeElement?.closest('section.thread') !== null, null, { timeout: WAIT_MS })
    expect(await touch.evaluate(() => document.activeElement?.id)).not.toBe('composer-input')
  })

  it('on a touch screen an approval tapped leaves the focus in the thread, not the box (no on-screen keyboard over the answer)', async () => {
    const page = await openSharedChat({ viewport: PHONE_375, touch: true })
    const jobId = await send(page, 'Please delete a file')
    await waitForStatus(page, jobId, 'waiting')
    await page.locator(`.turn[data-job-id="${jobId}"] .input-prompt`).getByRole('button', { name: 'Approve' }).tap()
    await waitForStatus(page, jobId, 'completed')
    await page.waitForFunction(() => document.activeElement?.closest('section.thread') !== null && document.activeElement !== document.body, null, { timeout: WAIT_MS })
    expect(await page.evaluate(() => document.activeElement?.id)).not.toBe('composer-input')
  })

  it('on a touch screen Stop tapped leaves the focus in the thread, not the box (no on-screen keyboard over the answer)', async () => {
    const page = await openSharedChat({ viewport: PHONE_375, touch: true })
    const jobId = await send(page, LONG_PROMPT)
    await waitForAnswerChars(page, jobId, 60)
    await page.locator('.composer-stop').tap()
    await waitForStatus(page, jobId, 'aborted')
    await page.waitForFunction(() => document.activeElement?.closest('section.thread') !== null, null, { timeout: WAIT_MS })
    expect(await page.evaluate(() => document.activeElement?.id)).not.toBe('composer-input')
  })

  it('on a touch screen Retry tapped leaves the focus in the thread, not the box (no on-screen keyboard over the new answer)', async () => {
    const page = await openSharedChat({ viewport: PHONE_375, touch: true })
    const jobId = await send(page, 'please fail')
    await waitForStatus(page, jobId, 'failed')
    await page.locator(`.turn[data-job-id="${jobId}"] .retry-answer`).tap()
    await page.locator('.turn').nth(1).waitFor({ timeout: WAIT_MS })
    await page.waitForFunction(() => document.activeElement !== document.body && !document.activeElement?.closest('.turn-footer'), null, { timeout: WAIT_MS })
    expect(await page.evaluate(() => document.activeElement?.id)).not.toBe('composer-input')
    expect(await page.evaluate(() => document.activeElement?.closest('section.thread') !== null)).toBe(true)
    // The retried answer ends here (the shared user's next test starts with none running).
    await waitForStatus(page, (await page.locator('.turn').nth(1).getAttribute('data-job-id'))!, 'failed')
  })

  it('never sends on the Enter that ends an input method\'s composition (isComposing, or Safari\'s keyCode 229)', async () => {
    const page = await openSharedChat()
    await composer(page).fill('にほんご')
    for (const init of [{ isComposing: true }, { keyCode: 229 }]) {
      await composer(page).evaluate((element, eventInit) => element.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true, ...eventInit })), init)
      expect(await composer(page).inputValue()).toBe('にほんご')
    }
    expect(await page.locator('.turn').count()).toBe(0)
    // A plain Enter still sends; Shift+Enter adds a line.
    await composer(page).press('Shift+Enter')
    expect(await composer(page).inputValue()).toBe('にほんご\n')
    await composer(page).press('Enter')
    await page.locator('.turn').first().waitFor({ timeout: WAIT_MS })
    // Its answer ends here (the shared user's next test starts with none running).
    await waitForStatus(page, (await page.locator('.turn').first().getAttribute('data-job-id'))!, 'completed')
  })

  it('leaves a reader where they are while the answer grows below, follows it at the bottom, and jumps back without smooth scrolling under reduced motion', async () => {
    const page = await openChat({ viewport: PHONE })
    const earlier = await send(page, LONG_PROMPT)
    await waitForStatus(page, earlier, 'completed')
    const streaming = await send(page, `${LONG_PROMPT} again`)
    const conversation = page.locator('.conversation')

    // At the bottom, the newest text stays in view as it grows.
    for (const chars of [400, 800]) {
      await waitForAnswerChars(page, streaming, chars)
      expect(await conversation.evaluate(element => element.scrollTop)).toBe(0)
    }
    // Scrolled up to read: what is read does not move while text arrives below it.
    await conversation.evaluate(element => element.scrollBy({ top: -900, behavior: 'instant' }))
    const readTop = () => turn(page, earlier).locator('.answer p').nth(3).evaluate(element => element.getBoundingClientRect().top)
    const before = await readTop()
    await waitForAnswerChars(page, streaming, 1_600)
    expect(Math.abs(await readTop() - before)).toBeLessThan(2)
    const newest = page.getByRole('button', { name: 'Newest message' })
    await newest.waitFor({ timeout: WAIT_MS })

    // Reduced motion: "Newest" jumps at once (no smooth scroll), then the box has the focus.
    await page.emulateMedia({ reducedMotion: 'reduce' })
    await newest.focus()
    const scrollTopAfterPress = await page.evaluate(() => {
      (document.activeElement as HTMLElement).click()
      return document.querySelector('.conversation')!.scrollTop
    })
    expect(scrollTopAfterPress).toBe(0)
    await waitForComposerFocus(page)
    await waitForStatus(page, streaming, 'completed')
  })

  it('does not scroll sideways at 200 % zoom on a 375 px phone, with long words, a table and code (whose focus ring shows)', async () => {
    const page = await openSharedChat({ viewport: PHONE_375_ZOOMED })
    const widths = () => page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }))
    expect(await widths()).toEqual({ page: PHONE_375_ZOOMED.width, window: PHONE_375_ZOOMED.width })
    const jobId = await send(page, `Markdown with a${'very'.repeat(20)}longunbrokenword`)
    await waitForStatus(page, jobId, 'completed')
    expect(await widths()).toEqual({ page: PHONE_375_ZOOMED.width, window: PHONE_375_ZOOMED.width })
    expect(await page.locator('.conversation').evaluate(element => element.scrollWidth <= element.clientWidth)).toBe(true)
    await screenshot(page, 'a11y-zoom-200-phone')

    // The code scrolls sideways by keyboard, and its focus ring is not cut off by the block around it.
    await turn(page, jobId).locator('.code-copy').focus()
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('PRE')
    expect(await page.evaluate(() => {
      const focused = document.activeElement as HTMLElement
      const style = getComputedStyle(focused)
      const reach = Number.parseFloat(style.outlineOffset) + Number.parseFloat(style.outlineWidth)
      const ring = focused.getBoundingClientRect()
      let clip = focused.parentElement
      while (clip && getComputedStyle(clip).overflow === 'visible') clip = clip.parentElement
      const box = clip!.getBoundingClientRect()
      return style.outlineStyle !== 'none' && ring.left - reach >= box.left && ring.right + reach <= box.right && ring.bottom + reach <= box.bottom
    })).toBe(true)
  })
})
