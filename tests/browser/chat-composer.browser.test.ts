/**
 * The composer and the turns around it as a chat app's user expects them (Chromium): no second
 * message while an answer runs or waits for the user (Stop in Send's place, the draft kept, a word
 * on why, and none either while a thread opened from the list is still loading), a thread's
 * unsent message kept while another thread is open and through a reload, focus back in the box after Stop, Retry on a stopped turn and Regenerate on the newest
 * finished one, each without its own answer as history and each a new version of its turn, a plain sentence when the server cannot
 * be reached, a waiting thread that hydrates without mismatches with "Show" moving focus to the
 * question, workflow threads titled by their topic, and a compact composer and top bar on a 375 px
 * phone, where nothing is cut off, a finger finds every control (40 px), Enter adds a line and
 * the workflows open from one button.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { BrowserLook } from './support/browser'
import { LONG_PROMPT, MID_ANSWER_CHARS, screenshot, useDemoInBrowser, WAIT_MS } from './support/browser'
import { gotoChat, openChat as openChatPage, openSharedChat as openSharedChatPage, recordStarts, send, turn, waitForAnswerChars, waitForHydration, waitForStatus } from './support/chat-page'
import { holdAborts } from './support/held-request'

const demo = useDemoInBrowser()
const openChat = (look: BrowserLook = {}, path = '/'): Promise<Page> => openChatPage(demo, look, path)
/** The chat loaded anew as the user the file's tests share: for a test about what a page does, not about a new user. */
const openSharedChat = (look: BrowserLook = {}): Promise<Page> => openSharedChatPage(demo, look)

const composer = (page: Page) => page.locator('#composer-input')
const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? document.activeElement?.tagName)

/** The message box's width on screen. */
const boxWidth = (page: Page) => composer(page).evaluate(element => element.getBoundingClientRect().width)

describe('demo chat: the composer while an answer is unfinished', () => {
  it('holds the next message while an answer runs, Stop gives focus back, and a stopped turn offers Retry', async () => {
    const page = await openChat()
    const starts = recordStarts(page)
    const withSend = await boxWidth(page)
    const first = await send(page, LONG_PROMPT)
    await waitForAnswerChars(page, first, MID_ANSWER_CHARS)
    // Stop takes Send's place without moving the box's edge.
    expect(await boxWidth(page)).toBe(withSend)

    // Enter does not send mid-answer: the draft stays, Stop is where Send was, a line says why.
    await composer(page).fill('Second question')
    await composer(page).press('Enter')
    expect(await page.locator('.turn').count()).toBe(1)
    expect(starts).toHaveLength(1)
    expect(await composer(page).inputValue()).toBe('Second question')
    expect(await page.locator('.composer-send').count()).toBe(0)
    expect(await page.locator('.composer-held').textContent()).toBe('Wait for this answer to finish, or stop it.')
    expect(await composer(page).getAttribute('aria-describedby')).toBe(await page.locator('.composer-held').getAttribute('id'))
    await screenshot(page, 'hold-1-running')

    // Stop: "Stopping…" (held here while its abort is on its way) takes the same width; then the button goes, the focus stays in the box.
    const abort = await holdAborts(page)
    await page.locator('.composer-stop').click()
    await page.locator('.composer-stop:disabled', { hasText: 'Stopping…' }).waitFor({ timeout: WAIT_MS })
    expect(await boxWidth(page)).toBe(withSend)
    await abort.release()
    await waitForStatus(page, first, 'aborted')
    expect(await focusedId(page)).toBe('composer-input')
    expect(await page.locator('.composer-held').count()).toBe(0)

    // Now it sends; the stopped answer is history as the user kept it.
    await composer(page).press('Enter')
    await page.locator('.turn').nth(1).waitFor({ timeout: WAIT_MS })
    const second = (await page.locator('.turn').nth(1).getAttribute('data-job-id'))!
    const stoppedText = (await turn(page, first).locator('.answer').textContent())!.trim()
    expect(starts[1]!.messages.map(message => message.role)).toEqual(['user', 'assistant', 'user'])
    expect(starts[1]!.messages[1]!.content.length).toBeGreaterThanOrEqual(MID_ANSWER_CHARS)
    expect(stoppedText.startsWith(starts[1]!.messages[1]!.content.slice(0, 20))).toBe(true)

    // Retry on the stopped turn (once the second answer is in) asks again, without the half answer:
    // a second version of that turn, which moves after the answer it now follows (it has it as history).
    await waitForStatus(page, second, 'completed')
    await turn(page, first).getByRole('button', { name: 'Retry' }).click()
    const retried = page.locator('.turn-versions').nth(1)
    await retried.locator('.version-switcher').waitFor({ timeout: WAIT_MS })
    expect(await page.locator('.turn-versions').count()).toBe(2)
    expect(await retried.locator('.turn:visible .bubble-user').textContent()).toContain(LONG_PROMPT)
    expect(await retried.locator('.version-count').textContent()).toContain('2 / 2')
    expect(starts[2]!.messages.map(message => [message.role, message.role === 'user' ? message.content : '…'])).toEqual([
      ['user', 'Second question'], ['assistant', '…'], ['user', LONG_PROMPT],
    ])
    await screenshot(page, 'hold-2-retried')
  })

  it('offers Regenerate on the newest finished answer only: it asks the same again, without that answer as history, for a second version in place', async () => {
    const page = await openChat()
    const starts = recordStarts(page)
    const first = await send(page, 'Hello there')
    await waitForStatus(page, first, 'completed')
    const second = await send(page, 'And again')
    await waitForStatus(page, second, 'completed')
    expect(await turn(page, first).locator('.regenerate-answer').count()).toBe(0)
    await turn(page, second).getByRole('button', { name: 'Regenerate' }).click()
    // The second turn's second version, in its place (no third turn).
    const shown = page.locator('.turn-versions').nth(1).locator('.turn:visible')
    await page.locator('.turn-versions').nth(1).locator('.version-switcher').waitFor({ timeout: WAIT_MS })
    const third = (await shown.getAttribute('data-job-id'))!
    expect(third).not.toBe(second)
    expect(await page.locator('.turn-versions').count()).toBe(2)
    expect(await turn(page, third).locator('.bubble-user').textContent()).toContain('And again')
    expect(starts[2]!.messages.map(message => [message.role, message.role === 'user' ? message.content : '…'])).toEqual([
      ['user', 'Hello there'], ['assistant', '…'], ['user', 'And again'],
    ])
    expect(await focusedId(page)).toBe('composer-input')
    // The regenerated answer is the newest now: Regenerate moves to it (the earlier version has none).
    await waitForStatus(page, third, 'completed')
    expect(await turn(page, second).locator('.regenerate-answer').count()).toBe(0)
    expect(await turn(page, third).locator('.regenerate-answer').count()).toBe(1)
  })

  it('holds the next message while a job waits for the user; "Show" puts focus on the question', async () => {
    const page = await openChat()
    const starts = recordStarts(page)
    const jobId = await send(page, 'Please delete notes.txt')
    const prompt = turn(page, jobId).locator('.input-prompt')
    await prompt.waitFor({ timeout: WAIT_MS })
    await composer(page).fill('And another thing')
    await composer(page).press('Enter')
    expect(starts).toHaveLength(1)
    expect(await page.locator('.composer-held').textContent()).toBe('Answer the job’s question, or stop it, first.')

    // The question is on screen, so the line is drawn only once the keyboard reaches its Show.
    await page.locator('.composer-status').getByRole('button', { name: 'Show' }).focus()
    await page.keyboard.press('Enter')
    await page.waitForFunction(() => document.activeElement?.closest('.input-prompt') !== null, null, { timeout: WAIT_MS })
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Approve')

    await prompt.getByRole('button', { name: 'Approve' }).click()
    await waitForStatus(page, jobId, 'completed')
    await composer(page).press('Enter')
    await page.locator('.turn').nth(1).waitFor({ timeout: WAIT_MS })
    expect(starts[1]!.messages.at(-1)).toEqual({ role: 'user', content: 'And another thing' })
  })

  it('keeps the "waiting for your answer" line out of sight while the question is on screen, but not from a screen reader or the keyboard', async () => {
    // Low enough that scrolling to the top takes Approve out of sight.
    const page = await openChat({ viewport: { width: 1200, height: 440 } })
    const jobId = await send(page, 'Please delete notes.txt')
    await turn(page, jobId).locator('.input-prompt').waitFor({ timeout: WAIT_MS })
    const line = page.locator('.composer-status[data-kind="waiting"]')
    const lineHeight = () => line.evaluate(element => element.getBoundingClientRect().height)
    /** Waits until the line is drawn (`shown`) or is down to a screen reader's 1 px. */
    const waitForLine = (shown: boolean) => page.waitForFunction(([want]) => {
      const height = document.querySelector('.composer-status[data-kind="waiting"]')?.getBoundingClientRect().height
      return height !== undefined && (want ? height > 1 : height <= 1)
    }, [shown], { timeout: WAIT_MS })
    // The Approve button is on screen: the line would repeat it. It is still there for a screen reader.
    await waitForLine(false)
    expect(await line.getAttribute('role')).toBe('status')
    expect(await line.textContent()).toContain('A job is waiting for your answer.')
    // The keyboard reaches its Show, which is then drawn.
    await line.getByRole('button', { name: 'Show' }).focus()
    expect(await lineHeight()).toBeGreaterThan(1)
    await composer(page).focus()
    await waitForLine(false)
    // Scrolled up to the message, the question is out of sight: the line comes back.
    await page.locator('.conversation').evaluate((element) => {
      element.scrollTop = -element.scrollHeight
    })
    await waitForLine(true)
    await line.getByRole('button', { name: 'Show' }).click()
    await waitForLine(false)
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Approve')
  })

  it('says in a sentence that the server could not be reached, and keeps the message', async () => {
    const page = await openChat()
    await page.route('**/api/jobs', route => (route.request().method() === 'POST' ? route.abort('connectionrefused') : route.continue()))
    await composer(page).fill('Hello?')
    await composer(page).press('Enter')
    const problem = page.locator('.composer-error')
    await problem.waitFor({ timeout: WAIT_MS })
    expect(await problem.textContent()).toBe('Couldn’t reach the server — your message wasn’t sent. Try again.')
    expect(await composer(page).inputValue()).toBe('Hello?')
    await screenshot(page, 'unreachable-1-send')
  })

  it('stops the answer on Escape in the box, keeping the draft and the focus there', async () => {
    const page = await openChat()
    const jobId = await send(page, LONG_PROMPT)
    await waitForAnswerChars(page, jobId, MID_ANSWER_CHARS)
    await page.locator('.composer-stop').waitFor({ timeout: WAIT_MS })
    expect(await page.locator('.composer-stop').getAttribute('aria-keyshortcuts')).toBe('Escape')
    const aborts: string[] = []
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname.endsWith('/abort')) aborts.push(request.url())
    })
    await composer(page).fill('Next question')
    // An input method's Escape (it cancels the word being composed) stops nothing.
    await composer(page).dispatchEvent('keydown', { key: 'Escape', isComposing: true, bubbles: true })
    expect(await page.locator('.composer-stop').textContent()).toContain('Stop')
    expect(await page.locator('.composer-stop').isDisabled()).toBe(false)
    expect(aborts).toEqual([])
    await composer(page).press('Escape')
    await waitForStatus(page, jobId, 'aborted')
    expect(aborts).toHaveLength(1)
    expect(await focusedId(page)).toBe('composer-input')
    expect(await composer(page).inputValue()).toBe('Next question')
    // With nothing running, Escape does nothing (the draft stays).
    await composer(page).press('Escape')
    expect(await composer(page).inputValue()).toBe('Next question')
    expect(aborts).toHaveLength(1)
  })

  it('holds the next message while a thread opened from the list is still loading, then sends it with the thread as history', async () => {
    const page = await openChat()
    const first = await send(page, 'My name is Zed')
    await waitForStatus(page, first, 'completed')
    // Another page of the same browser opens the thread from the list: the answer's state is on its way.
    const other = await page.context().newPage()
    await gotoChat(other, new URL('/', page.url()).href)
    let release!: () => void
    const released = new Promise<void>(resolve => release = resolve)
    await other.route(`**/api/jobs/${first}/stream*`, async (route) => {
      await released
      await route.continue().catch(() => {})
    })
    const starts = recordStarts(other)
    await other.locator('#thread-sidebar a', { hasText: 'My name is Zed' }).click()
    await turn(other, first).waitFor({ timeout: WAIT_MS })
    await composer(other).fill('What is my name?')
    await composer(other).press('Enter')
    // Not sent (the draft stays), and a line says why.
    expect([await other.locator('.composer-held').count(), await composer(other).inputValue()]).toEqual([1, 'What is my name?'])
    expect(await other.locator('.composer-held').textContent()).toBe('Wait for the conversation to load.')
    expect(starts).toEqual([])
    release()
    await waitForStatus(other, first, 'completed')
    await composer(other).press('Enter')
    await other.locator('.turn').nth(1).waitFor({ timeout: WAIT_MS })
    expect(starts[0]!.messages!.map(message => message.role)).toEqual(['user', 'assistant', 'user'])
  })

  it('puts a new thread\'s suggested prompt in the box, focused, after what is typed there, never over it', async () => {
    const page = await openChat()
    await page.getByRole('button', { name: 'Calculate 12 * 7' }).click()
    expect(await composer(page).inputValue()).toBe('Calculate 12 * 7')
    expect(await composer(page).evaluate(box => box === document.activeElement)).toBe(true)
    await composer(page).fill('First, ')
    await page.getByRole('button', { name: 'What time is it?' }).click()
    expect(await composer(page).inputValue()).toBe('First,\nWhat time is it?')
  })

  it('keeps a thread\'s unsent message while another thread is open, and through a reload', async () => {
    const page = await openChat()
    await send(page, 'Thread with a draft')
    await composer(page).fill('Half a thought')
    await page.locator('#thread-sidebar').getByRole('link', { name: /New thread/ }).click()
    await page.waitForURL(url => new URL(url).pathname === '/', { timeout: WAIT_MS })
    expect(await composer(page).inputValue()).toBe('')
    await composer(page).fill('A new thread\'s first words')
    await page.locator('#thread-sidebar a', { hasText: 'Thread with a draft' }).click()
    await page.locator('.turn').first().waitFor({ timeout: WAIT_MS })
    expect(await composer(page).inputValue()).toBe('Half a thought')
    // A reload (or a closed tab) keeps them too, the new thread's as well: they were in the tab's memory only.
    await page.reload()
    await waitForHydration(page)
    await page.waitForFunction(() => (document.querySelector<HTMLTextAreaElement>('#composer-input')?.value ?? '') !== '', null, { timeout: WAIT_MS })
    expect(await composer(page).inputValue()).toBe('Half a thought')
    await page.locator('#thread-sidebar').getByRole('link', { name: /New thread/ }).click()
    // The thread's box holds its own draft until the new thread's takes its place: wait for that one.
    await page.waitForURL(url => new URL(url).pathname === '/', { timeout: WAIT_MS })
    await expect.poll(() => composer(page).inputValue(), { timeout: WAIT_MS }).toBe('A new thread\'s first words')
  })
})

describe('demo chat: loading a waiting thread, titles, a phone', () => {
  for (const message of ['Please delete notes.txt', '/workflow research-report cats']) {
    it(`hydrates a thread waiting for the user without mismatches (${message})`, async () => {
      const page = await openChat()
      const jobId = await send(page, message)
      await turn(page, jobId).locator('.input-prompt').waitFor({ timeout: WAIT_MS })
      const logged: string[] = []
      page.on('console', entry => logged.push(`${entry.type()}: ${entry.text()}`))
      page.on('pageerror', error => logged.push(`pageerror: ${error.message}`))
      await page.reload()
      await waitForHydration(page)
      await page.locator('.composer-status[data-kind="waiting"]').waitFor({ timeout: WAIT_MS })
      await page.locator('.composer-stop').waitFor({ timeout: WAIT_MS })
      expect(logged.filter(line => /hydrat|mismatch/i.test(line))).toEqual([])
      expect(logged.filter(line => line.startsWith('error') || line.startsWith('pageerror'))).toEqual([])
    })
  }

  it('titles workflow threads by their topic, in the thread list and the tab', async () => {
    const page = await openChat()
    const cats = await send(page, '/workflow parallel-brainstorm cats')
    await page.waitForURL(/\/threads\//)
    // Finished first: a thread is listed by its latest activity, and a running one keeps having some.
    await waitForStatus(page, cats, 'completed')
    await page.getByRole('link', { name: '+ New thread' }).click()
    await page.waitForURL(`${demo.url}/`)
    await send(page, '/workflow parallel-brainstorm dogs')
    await page.waitForURL(/\/threads\//)
    await page.locator('.thread-title', { hasText: 'parallel-brainstorm: dogs' }).waitFor({ timeout: WAIT_MS })
    expect(await page.locator('.thread-title').allTextContents()).toEqual(['parallel-brainstorm: dogs', 'parallel-brainstorm: cats'])
    expect(await page.title()).toBe('parallel-brainstorm: dogs — Background jobs chat')
    await page.reload()
    await waitForHydration(page)
    expect(await page.title()).toBe('parallel-brainstorm: dogs — Background jobs chat')
  })

  for (const width of [360, 320]) {
    it(`shows the top bar's "scripted model" whole at ${width} px: the brand gives way`, async () => {
      const page = await openSharedChat({ viewport: { width, height: 740 } })
      const cut = (selector: string) => page.locator(selector).evaluate(element => element.scrollWidth > element.clientWidth)
      expect(await cut('.topbar-model')).toBe(false)
      expect(await page.locator('.topbar-model').textContent()).toBe('scripted model')
      expect(await page.locator('.brand').evaluate(element => element.getClientRects().length)).toBe(1)
    })
  }

  it('keeps the composer compact and the top bar on one line at 375 px', async () => {
    const page = await openSharedChat({ viewport: { width: 375, height: 740 } })
    const height = (selector: string) => page.locator(selector).evaluate(element => element.getBoundingClientRect().height)
    expect(await height('.topbar')).toBeLessThanOrEqual(52)
    expect(await page.locator('.brand').evaluate(element => element.getClientRects().length)).toBe(1)
    const withSend = await boxWidth(page)
    const jobId = await send(page, LONG_PROMPT)
    await waitForAnswerChars(page, jobId, MID_ANSWER_CHARS)
    // Mid-answer: a one-line box with Stop beside it (Send's width: the box does not move), the options on one row.
    await page.locator('.composer-stop').waitFor()
    expect(await boxWidth(page)).toBe(withSend)
    expect(await height('.composer-input')).toBeLessThan(50)
    expect(await height('.composer-bar')).toBeLessThan(36)
    expect(await height('.composer-dock')).toBeLessThanOrEqual(110)
    const box = (await page.locator('.composer-input').boundingBox())!
    const stop = (await page.locator('.composer-stop').boundingBox())!
    expect(stop.x).toBeGreaterThan(box.x + box.width)
    expect(stop.x + stop.width).toBeLessThanOrEqual(375)
    await screenshot(page, 'phone-375-composer')
    // Stopped here (the shared user's next test starts with no answer running).
    await page.locator('.composer-stop').click()
    await waitForStatus(page, jobId, 'aborted')
  })

  it('on a 375 px touch screen adds a line on Enter, cuts nothing off, makes every control at least 40 px, and opens the workflows from one button', async () => {
    const page = await openChat({ viewport: { width: 375, height: 740 }, touch: true })
    // The on-screen keyboard shrinks the page (Android) rather than covering the composer.
    expect(await page.locator('meta[name="viewport"]').getAttribute('content')).toContain('interactive-widget=resizes-content')
    // Its keyboard has no Shift+Enter: Enter adds a line, Send sends (it used to send the first line).
    await composer(page).pressSequentially('First line')
    await composer(page).press('Enter')
    await composer(page).pressSequentially('second line')
    expect(await composer(page).inputValue()).toBe('First line\nsecond line')
    expect(await page.locator('.turn').count()).toBe(0)
    expect(await composer(page).getAttribute('placeholder')).toBe('Message…')
    const jobId = await send(page, 'please fail')
    await waitForStatus(page, jobId, 'failed')
    // Whole controls inside the screen, none of them clipped (the row of chips was: "Research rep…").
    const cut = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>('.composer button, .composer label')]
      .filter(element => element.getClientRects().length && !element.matches('.visually-hidden'))
      .filter((element) => {
        const box = element.getBoundingClientRect()
        const clip = element.parentElement!.getBoundingClientRect()
        return box.left < 0 || box.right > window.innerWidth || box.right > clip.right + 1 || element.scrollWidth > element.clientWidth + 1
      })
      .map(element => element.textContent!.trim()))
    expect(cut).toEqual([])
    // A finger's tap targets: the top bar, the turn's Copy and Retry, the composer's controls.
    const small = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>('.topbar a, .topbar button, .turn button, .turn summary, .composer button, .composer label')]
      .filter(element => element.getClientRects().length && !element.matches('.visually-hidden'))
      .map((element) => {
        const box = element.getBoundingClientRect()
        return { name: `${element.className}: ${element.textContent!.trim().slice(0, 20)}`, width: Math.round(box.width), height: Math.round(box.height) }
      })
      .filter(target => target.width < 40 || target.height < 40))
    expect(small).toEqual([])

    const toggle = page.locator('.workflow-menu-toggle')
    await toggle.tap()
    expect(await toggle.getAttribute('aria-expanded')).toBe('true')
    const list = (await page.locator('.workflow-menu-list').boundingBox())!
    expect(list.x).toBeGreaterThanOrEqual(0)
    expect(list.x + list.width).toBeLessThanOrEqual(375)
    await screenshot(page, 'phone-375-workflow-menu')
    // Escape closes it, focus back on its button; a tap elsewhere closes it too.
    await page.keyboard.press('Escape')
    await page.locator('.workflow-menu-list').waitFor({ state: 'hidden' })
    expect(await page.evaluate(() => document.activeElement?.classList.contains('workflow-menu-toggle'))).toBe(true)
    await toggle.tap()
    await page.locator('.turn').first().tap()
    await page.locator('.workflow-menu-list').waitFor({ state: 'hidden' })
    // A choice puts the command in the box, ready for its topic.
    await toggle.tap()
    await page.locator('.workflow-menu-item', { hasText: 'Research report' }).tap()
    await page.locator('.workflow-menu-list').waitFor({ state: 'hidden' })
    expect(await composer(page).inputValue()).toBe('/workflow research-report ')
    expect(await focusedId(page)).toBe('composer-input')
  })
})
