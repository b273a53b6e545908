/**
 * The demo chat as a user lives in it (Chromium, desktop and a 390 px phone, light and dark):
 * typing is never lost, long messages fold, the thread follows the newest message and offers a way
 * back to it, a waiting workflow's question is on screen with Approve and Reject, its result comes
 * first, Markdown renders tables and highlighted code, a text selection in an answer outlives the
 * rest of the answer streaming in, a thread that is not yours is "not found", a message copied, and Edit on a
 * message asks it again in its place, the later turns gone (also after a reload).
 */
import { describe, expect, it } from 'vitest'
import type { Page, Route } from 'playwright-core'
import { waitForJobStatus } from '../support/progress-wait'
import type { BrowserLook } from './support/browser'
import { LONG_PROMPT, PHONE, screenshot, useDemoInBrowser, WAIT_MS } from './support/browser'
import { isOnScreen, openChat as openChatPage, openSharedChat as openSharedChatPage, screenshotBothLooks, send, turn, waitForAnswerChars, waitForHydration, waitForStatus } from './support/chat-page'

const demo = useDemoInBrowser()
const openChat = (look: BrowserLook = {}, path = '/'): Promise<Page> => openChatPage(demo, look, path)
/** The chat loaded anew as the user the file's tests share: for a test about what a page does, not about a new user. */
const openSharedChat = (look: BrowserLook = {}): Promise<Page> => openSharedChatPage(demo, look)

const composer = (page: Page) => page.locator('#composer-input')

describe('demo chat: typing, reading, answering', () => {
  it('keeps focus and typing after the first send of a new thread, and text typed while a send is in flight', async () => {
    const page = await openSharedChat()
    // Hold the start request until the user has typed on, so the typing happens during the send.
    let release!: () => void
    const typed = new Promise<void>((resolve) => { release = resolve })
    await page.route('**/api/jobs', async (route: Route) => {
      if (route.request().method() === 'POST') await typed
      await route.continue()
    })
    await composer(page).fill('First question')
    await composer(page).press('Enter')
    // The box empties at once; what is typed now is the next message.
    expect(await composer(page).inputValue()).toBe('')
    await page.keyboard.type('next thought')
    release()
    await page.waitForURL(/\/threads\//, { timeout: WAIT_MS })
    await page.locator('.turn').first().waitFor({ timeout: WAIT_MS })
    // Nothing typed went anywhere else, and the next key still lands in the box.
    await page.keyboard.type(', continued')
    expect(await composer(page).inputValue()).toBe('next thought, continued')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('composer-input')
    await page.unroute('**/api/jobs')
    await screenshotBothLooks(page, 'typing-1-kept-after-first-send')
    // Its answer ends here (the shared user's next test starts with none running).
    await waitForStatus(page, (await page.locator('.turn').first().getAttribute('data-job-id'))!, 'completed')
  })

  it('folds a 20,000-character message, grows the composer, and offers "Newest" once scrolled up', async () => {
    const page = await openChat({ colorScheme: 'dark' })
    const lines = Array.from({ length: 200 }, (_, index) => `Line ${index + 1} of a long pasted message, kept in full.`).join('\n')
    const long = `${lines}\n${'x'.repeat(20_000 - lines.length - 1)}`
    const jobId = await send(page, long)
    await waitForStatus(page, jobId, 'completed')
    // At the newest message there is no "Newest" button.
    const newest = page.getByRole('button', { name: 'Newest message' })
    expect(await newest.count()).toBe(0)
    const bubble = turn(page, jobId).locator('.bubble-user')
    expect(await bubble.getAttribute('data-folded')).toBe('true')
    expect((await bubble.boundingBox())!.height).toBeLessThan(300)
    await screenshot(page, 'long-1-folded-dark')

    // Opening it (the click scrolls up to its button) shows it all, and "Newest" leads back down.
    await bubble.getByRole('button', { name: /Show all/ }).click()
    expect(await bubble.getAttribute('data-folded')).toBeNull()
    expect((await bubble.boundingBox())!.height).toBeGreaterThan(2_000)
    await page.locator('.conversation').evaluate(element => element.scrollBy({ top: -500 }))
    await newest.waitFor({ timeout: WAIT_MS })
    await screenshot(page, 'long-2-scrolled-up-dark')
    await newest.click()
    await newest.waitFor({ state: 'detached', timeout: WAIT_MS })
    await page.waitForFunction(() => Math.abs(document.querySelector('.conversation')!.scrollTop) < 2, null, { timeout: WAIT_MS })

    // The composer grows with a few lines of text.
    const before = (await composer(page).boundingBox())!.height
    await composer(page).fill('one\ntwo\nthree\nfour')
    expect((await composer(page).boundingBox())!.height).toBeGreaterThan(before + 40)

    // A reload opens at the newest message from the first paint of the server's HTML (no jump later);
    // the thread (a long answer: the message says "long") is taller than the screen.
    expect(await page.locator('.conversation').evaluate(element => element.scrollHeight > element.clientHeight * 2)).toBe(true)
    await page.reload({ waitUntil: 'domcontentloaded' })
    const newestOnScreen = () => page.evaluate(() => {
      const footer = [...document.querySelectorAll('.turn')].at(-1)!.querySelector('.turn-footer')!.getBoundingClientRect()
      return footer.bottom <= window.innerHeight && footer.top >= 0
    })
    expect(await newestOnScreen()).toBe(true)
    await waitForHydration(page)
    expect(await newestOnScreen()).toBe(true)
  })

  for (const look of [{ name: 'phone', viewport: PHONE, colorScheme: 'light' as const }, { name: 'phone-dark', viewport: PHONE, colorScheme: 'dark' as const }]) {
    it(`puts a waiting workflow's question on screen with Approve and Reject, then shows its result first (${look.name})`, async () => {
      // The dark phone's user is shared with the Markdown test's (a page of its own all the same).
      const page = await (look.colorScheme === 'dark' ? openSharedChat(look) : openChat(look))
      const jobId = await send(page, '/workflow research-report solar sails')
      const prompt = turn(page, jobId).locator('.input-prompt')
      await prompt.waitFor({ timeout: WAIT_MS })
      // The question sits below the draft it is about, and it is on screen without scrolling.
      expect(await turn(page, jobId).locator('.workflow-draft + .input-prompt').count()).toBe(1)
      const selector = `.turn[data-job-id="${jobId}"] .input-prompt`
      expect(await isOnScreen(page, `${selector} button.button-primary`)).toBe(true)
      expect(await isOnScreen(page, `${selector} button:not(.button-primary)`)).toBe(true)
      expect(await prompt.getByRole('button', { name: 'Approve' }).count()).toBe(1)
      expect(await page.locator('.composer-status[data-kind="waiting"]').count()).toBe(1)
      await screenshot(page, `workflow-1-waiting-${look.name}`)

      // Reject with feedback: the draft is written again, and the steps say so.
      await prompt.getByLabel('Feedback').fill('Shorter, please.')
      await prompt.getByRole('button', { name: 'Reject' }).click()
      await turn(page, jobId).locator('.workflow-node', { hasText: 'Draft (2nd time)' }).waitFor({ timeout: WAIT_MS })
      const second = turn(page, jobId).locator('.input-prompt')
      await second.waitFor({ timeout: WAIT_MS })
      await second.getByRole('button', { name: 'Approve' }).click()
      await waitForStatus(page, jobId, 'completed')

      // The result comes first (after the status and the heading only screen readers see); the
      // steps are folded under it and open on demand.
      const bubble = turn(page, jobId).locator('.bubble-assistant')
      expect(await bubble.locator(':scope > :not(.turn-header, .visually-hidden)').first().getAttribute('class')).toContain('workflow-result')
      expect(await bubble.locator('.workflow-result h3').textContent()).toBe('Report: solar sails')
      const steps = bubble.locator('details.workflow-steps')
      expect(await steps.getAttribute('open')).toBeNull()
      expect(await steps.locator('.workflow-node').first().isVisible()).toBe(false)
      await screenshot(page, `workflow-2-result-${look.name}`)
      await steps.locator(':scope > summary').click()
      expect(await steps.locator('.workflow-node').evaluateAll(nodes => nodes.map(node => node.querySelector('.workflow-name')!.textContent))).toEqual(
        ['Research', 'Draft', 'Approval', 'Review', 'Draft (2nd time)', 'Approval (2nd time)', 'Review (2nd time)', 'Final'],
      )
    })
  }

  it('renders Markdown tables and highlighted code, and says "Thread not found" for a thread that is not yours', async () => {
    for (const look of [{ colorScheme: 'light' as const }, { viewport: PHONE, colorScheme: 'dark' as const }]) {
      const page = await openSharedChat(look)
      const jobId = await send(page, 'Show me some markdown')
      await waitForStatus(page, jobId, 'completed')
      const answer = turn(page, jobId).locator('.answer')
      expect(await answer.locator('table th').allTextContents()).toEqual(['Provider', 'Survives a restart', 'Many instances'])
      expect(await answer.locator('.code-block .hljs-keyword').count()).toBeGreaterThan(0)
      await screenshot(page, `markdown-1-${look.colorScheme}${look.viewport ? '-phone' : ''}`)
      if (look.viewport) {
        // On a phone the thread list is a drawer under the top bar.
        await page.getByRole('button', { name: 'Threads' }).click()
        await page.locator('#thread-sidebar.sidebar-open .thread-link').first().waitFor({ timeout: WAIT_MS })
        await screenshot(page, 'drawer-1-phone-dark')
        // Escape closes it, from inside it too, and the focus goes back to the toggle.
        await page.locator('#thread-sidebar .thread-link').first().focus()
        await page.keyboard.press('Escape')
        await page.locator('#thread-sidebar.sidebar-open').waitFor({ state: 'detached', timeout: WAIT_MS })
        expect(await page.locator('#thread-sidebar').isVisible()).toBe(false)
        expect(await page.getByRole('button', { name: 'Threads' }).getAttribute('aria-expanded')).toBe('false')
        expect(await page.evaluate(() => document.activeElement?.classList.contains('topbar-toggle'))).toBe(true)
      }
    }

    // Another user's thread URL (a fresh context is a new anonymous user).
    const stranger = await openChat({}, '/threads/someone-elses-thread')
    await stranger.getByRole('heading', { name: 'Thread not found' }).waitFor({ timeout: WAIT_MS })
    expect(await stranger.getByText('Start a conversation').count()).toBe(0)
    await screenshotBothLooks(stranger, 'not-found-1')
  })

  it('keeps a text selection in an earlier paragraph while the answer streams on', async () => {
    const page = await openChat()
    const jobId = await send(page, LONG_PROMPT)
    const answer = turn(page, jobId).locator('.answer')
    // The first paragraph is finished once the second one has begun.
    await answer.locator('p').nth(1).waitFor({ timeout: WAIT_MS })
    const selected = await answer.evaluate((element) => {
      const paragraph = element.querySelector('p')!
      const range = document.createRange()
      range.selectNodeContents(paragraph)
      getSelection()!.removeAllRanges()
      getSelection()!.addRange(range)
      ;(window as { selectedParagraph?: Element }).selectedParagraph = paragraph
      return getSelection()!.toString()
    })
    expect(selected).toMatch(/^You said/)
    const charsThen = await answer.evaluate(element => element.textContent!.length)
    await waitForAnswerChars(page, jobId, charsThen + 200)
    expect(await page.evaluate(() => getSelection()!.toString())).toBe(selected)
    expect(await answer.locator('p').first().evaluate(paragraph => paragraph === (window as { selectedParagraph?: Element }).selectedParagraph)).toBe(true)
  })

  it('says a thread could not be loaded, with Retry, when the server fails to list it (not "Thread not found")', async () => {
    // A thread of this user started elsewhere (another device): nothing of it in this browser's memory.
    const context = await demo.newContext()
    const threadId = `elsewhere-${Date.now()}`
    const created = await context.request.post(`${demo.url}/api/jobs`, { data: { messages: [{ role: 'user', content: 'hello from the first device' }], threadId }, headers: { origin: demo.url } })
    expect(created.status()).toBe(202)
    // Its answer ends before the page opens: the end's notification makes the thread read its turns
    // again, and once the failure below is lifted that read shows them by itself. Arriving late (a
    // loaded machine), it took the failed state, and its Retry, away under the click below.
    const { id: jobId } = await created.json() as { id: string }
    await waitForJobStatus(async () => {
      const { state } = await (await context.request.get(`${demo.url}/api/jobs/${jobId}`)).json() as { state: { status: string, seq: number } }
      return state
    }, 'completed', WAIT_MS)
    const other = await context.newPage()
    await other.goto(`${demo.url}/`)
    await waitForHydration(other)
    const failing = (route: Route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ statusCode: 503, message: 'The job store is unreachable.' }) })
    await other.route(/\/api\/jobs\?threadId=/, failing)
    await other.locator(`.thread-link[data-thread-id="${threadId}"]`).click()
    await other.getByRole('heading', { name: 'Couldn’t load this conversation' }).waitFor({ timeout: WAIT_MS })
    expect(await other.getByRole('heading', { name: 'Thread not found' }).count()).toBe(0)
    expect(await other.locator('.load-failed').textContent()).toContain('The job store is unreachable.')
    // No box: a message sent now would go to the model without the conversation before it.
    expect(await composer(other).count()).toBe(0)
    await other.unroute(/\/api\/jobs\?threadId=/, failing)
    await other.getByRole('button', { name: 'Retry' }).click()
    await other.locator('.turn .user-text').waitFor({ timeout: WAIT_MS })
    expect(await other.locator('.turn .user-text').textContent()).toBe('hello from the first device')
    await composer(other).waitFor({ timeout: WAIT_MS })
    expect(await other.evaluate(() => document.activeElement?.id)).toBe('composer-input')
  })

  it('keeps a thread\'s turns on screen when a refresh of them fails', async () => {
    // A thread of this user started elsewhere: only the server's list knows its turns here.
    const context = await demo.newContext()
    const threadId = `refreshed-${Date.now()}`
    const startTurn = async (content: string) => {
      const created = await context.request.post(`${demo.url}/api/jobs`, { data: { messages: [{ role: 'user', content }], threadId }, headers: { origin: demo.url } })
      expect(created.status()).toBe(202)
    }
    await startTurn('the first turn, from another device')
    const page = await context.newPage()
    await page.goto(`${demo.url}/threads/${threadId}`)
    await waitForHydration(page)
    expect(await page.locator('.turn .user-text').allTextContents()).toEqual(['the first turn, from another device'])
    const threadRoute = /\/api\/jobs\?threadId=/
    await page.route(threadRoute, route => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ statusCode: 503, message: 'The job store is unreachable.' }) }))
    // A turn started elsewhere: its notification makes the thread read its turns again, which fails.
    const refused = page.waitForResponse(response => threadRoute.test(response.url()) && response.status() === 503)
    await startTurn('a second turn, from another device')
    await refused
    const key = `background-jobs:thread:${threadId}`
    type AsyncDataWindow = Window & { useNuxtApp: () => { _asyncData: Record<string, { status: { value: string } }> } }
    await page.waitForFunction(name => (window as unknown as AsyncDataWindow).useNuxtApp()._asyncData[name]?.status.value !== 'pending', key, { timeout: WAIT_MS })
    expect(await page.locator('.turn .user-text').allTextContents()).toEqual(['the first turn, from another device'])
    expect(await page.locator('.load-failed').count()).toBe(0)
  })

  it('edits and copies a message as chat apps do: Copy and Edit on hover or by keyboard, Escape cancels, Enter asks again from there', async () => {
    const page = await openSharedChat()
    const first = await send(page, 'The first question')
    await waitForStatus(page, first, 'completed')
    const second = await send(page, 'The second question')
    await waitForStatus(page, second, 'completed')
    const edit = turn(page, first).getByRole('button', { name: 'Edit message' })
    const opacity = () => edit.evaluate(element => getComputedStyle(element).opacity)
    await page.mouse.move(0, 0)
    await page.waitForFunction(() => getComputedStyle(document.querySelector('.edit-button')!).opacity === '0')
    // Hidden, the row takes no space of its own: the answer is 24 px under the message (it was 40),
    // the row laid over that space when it shows, over neither the message nor the answer, and
    // nothing moves (ChatGPT's look).
    // The row has room to spare (it was 23.6 px in the 24), its height set, not the font's line:
    // with another font, larger, it still fits (it grew to 31 px over the answer).
    const layout = (font?: { family: string, size: string }) => turn(page, first).evaluate((element, font) => {
      const box = (selector: string) => element.querySelector(selector)!.getBoundingClientRect()
      const buttons = [...element.querySelectorAll<HTMLElement>('.user-action')]
      for (const button of buttons) Object.assign(button.style, font ? { fontFamily: font.family, fontSize: font.size } : { fontFamily: '', fontSize: '' })
      const [message, actions, answer] = [box('.bubble-user'), box('.user-actions'), box('.bubble-assistant')]
      for (const button of buttons) Object.assign(button.style, { fontFamily: '', fontSize: '' })
      return { gap: Math.round(answer.top - message.bottom), rowFits: actions.top >= message.bottom && actions.bottom <= answer.top - 2, answerTop: Math.round(answer.top) }
    }, font)
    const hidden = await layout()
    expect([hidden.gap, hidden.rowFits]).toEqual([24, true])
    expect(await layout({ family: 'serif', size: '1.2em' })).toEqual(hidden)
    await turn(page, first).hover()
    await expect.poll(opacity).toBe('1')
    expect(await layout()).toEqual(hidden)
    // Copy beside Edit copies the message as written (there was none: only an answer could be copied).
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: demo.url })
    await turn(page, first).getByRole('button', { name: 'Copy message' }).click()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('The first question')
    // By keyboard: Escape cancels, the focus back on Edit.
    await edit.focus()
    await page.keyboard.press('Enter')
    const box = page.getByRole('textbox', { name: 'Edit your message' })
    expect(await box.evaluate(element => element === document.activeElement)).toBe(true)
    expect(await box.inputValue()).toBe('The first question')
    await screenshot(page, 'edit-1-editing')
    await page.keyboard.press('Escape')
    expect(await box.count()).toBe(0)
    expect(await edit.evaluate(element => element === document.activeElement)).toBe(true)
    // Enter saves: the edited message is asked again, the later turn is gone; the message as it
    // was, with its answer, is the turn's earlier version (1 / 2).
    await edit.click()
    await box.fill('The first question, edited')
    await box.press('Enter')
    await page.waitForFunction(() => {
      const shown = [...document.querySelectorAll<HTMLElement>('.turn')].filter(element => element.offsetParent !== null)
      return shown.length === 1 && shown[0]!.querySelector('.user-text')?.textContent === 'The first question, edited'
    }, undefined, { timeout: WAIT_MS })
    const edited = (await page.locator('.turn:visible').getAttribute('data-job-id'))!
    await waitForStatus(page, edited, 'completed')
    expect(await page.locator('.version-count [aria-hidden="true"]').textContent()).toBe('2 / 2')
    await screenshot(page, 'edit-2-asked-again')
    await page.reload()
    await waitForHydration(page)
    await waitForStatus(page, edited, 'completed')
    expect(await page.locator('.turn:visible .user-text').allTextContents()).toEqual(['The first question, edited'])
    await page.getByRole('button', { name: 'Previous version' }).click()
    await expect.poll(() => page.locator('.turn:visible .user-text').allTextContents()).toEqual(['The first question'])
  })
})
