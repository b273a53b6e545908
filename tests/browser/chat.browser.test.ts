/**
 * The demo chat in a real browser (Debian's Chromium via playwright-core) against the built demo
 * with the scripted model: leave and come back, reload, approve a tool call, stop, notifications,
 * and a server restart mid-answer. Every wait is on a DOM condition; answers are compared with the
 * server's own state of the job, rendered by the same Markdown renderer the page uses.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { BrowserLook } from './support/browser'
import { LONG_PROMPT, MID_ANSWER_CHARS, PHONE, RESTART_TEST_MS, screenshot, useDemoInBrowser, WAIT_MS, WARM_UP_MS } from './support/browser'
import { answerOnScreen, gotoChat, openChat as openChatPage, openSharedChat as openSharedChatPage, renderedAnswer, screenshotBothLooks, send, serverState, turn, waitForAnswerChars, waitForStatus } from './support/chat-page'
import { startAppServer } from '../support/app-server'
import { useTestRedisServer } from '../support/redis-server'
import { crashMidAnswer } from './support/crash-mid-answer'
import { BROWSER_BATCH_ENV } from './support/shared-demo-pool'
import { STALE_STREAM_MS } from '../../app/lib/job-stream'

/**
 * How long a test gives the page to say its stream broke when the server died: the stream's own
 * error tells it at once; the only other way it would notice is the stale-stream check after
 * STALE_STREAM_MS, which this budget stays well below (a fixed 5 s was missed on a busy machine).
 */
const BROKEN_STREAM_NOTICED_MS = STALE_STREAM_MS / 3

const demo = useDemoInBrowser()
/** A new page in a fresh context (a new anonymous user) on the chat's start page. */
const openChat = (look: BrowserLook = {}): Promise<Page> => openChatPage(demo, look)
/** The chat loaded anew as the user the file's tests share: for a test about what a page does, not about a new user. */
const openSharedChat = (): Promise<Page> => openSharedChatPage(demo)

describe('demo chat in Chromium', () => {
  it('shows the whole answer, once, after leaving for another thread mid-answer', async () => {
    const page = await openSharedChat()
    const jobId = await send(page, LONG_PROMPT)
    await page.waitForURL(/\/threads\//)
    const threadUrl = page.url()
    await waitForAnswerChars(page, jobId, MID_ANSWER_CHARS)
    expect(await turn(page, jobId).getAttribute('data-status')).toBe('running')
    await screenshot(page, 'leave-1-streaming')

    await page.getByRole('link', { name: '+ New thread' }).click()
    await page.waitForURL(`${demo.url}/`)
    const otherJobId = await send(page, 'A short question in another thread')
    await page.waitForURL(url => url.toString() !== threadUrl && /\/threads\//.test(url.toString()))
    await waitForStatus(page, otherJobId, 'completed')

    await page.locator(`a[href="${new URL(threadUrl).pathname}"]`).click()
    await page.waitForURL(threadUrl)
    await waitForStatus(page, jobId, 'completed')
    await screenshot(page, 'leave-2-back-completed')

    const state = await serverState(page, jobId)
    expect(state.status).toBe('completed')
    expect(await answerOnScreen(page, jobId)).toBe(await renderedAnswer(page, state.content))
    expect(await page.locator('.turn').count()).toBe(1)
  })

  it('reattaches after a reload mid-answer and finishes', async () => {
    const page = await openSharedChat()
    const jobId = await send(page, LONG_PROMPT)
    await page.waitForURL(/\/threads\//)
    await waitForAnswerChars(page, jobId, MID_ANSWER_CHARS)
    expect(await turn(page, jobId).getAttribute('data-status')).toBe('running')

    const response = await page.reload()
    // Server-rendered: the partial answer is in the HTML itself.
    expect(await response!.text()).toContain(`data-job-id="${jobId}"`)
    await screenshot(page, 'reload-1-after-reload')
    await waitForStatus(page, jobId, 'completed')

    const state = await serverState(page, jobId)
    expect(await answerOnScreen(page, jobId)).toBe(await renderedAnswer(page, state.content))
    await screenshot(page, 'reload-2-completed')
  })

  it('approves a tool call from the inline prompt and the job continues', async () => {
    const page = await openSharedChat()
    const jobId = await send(page, 'Please delete notes.txt')
    const prompt = turn(page, jobId).locator('.input-prompt[data-kind="tool-approval"]')
    await prompt.waitFor({ timeout: WAIT_MS })
    await screenshot(page, 'approval-1-prompt')

    await prompt.getByRole('button', { name: 'Approve' }).click()
    await waitForStatus(page, jobId, 'completed')
    await expect(prompt.count()).resolves.toBe(0)
    const call = turn(page, jobId).locator('.tool-call').first()
    expect(await call.getAttribute('data-status')).toBe('completed')
    expect(await call.getAttribute('data-tool')).toContain('delete')
    const state = await serverState(page, jobId)
    expect(state.answeredInputs).toHaveLength(1)
    expect(JSON.stringify(state.answeredInputs[0]!.answer)).toMatch(/approve/)
    expect(await answerOnScreen(page, jobId)).toBe(await renderedAnswer(page, state.content))
    await screenshot(page, 'approval-2-completed')
  })

  it('stops a job with Stop in the composer, where Send is, and keeps the partial text without calling it a failure', async () => {
    const page = await openChat({ viewport: PHONE, colorScheme: 'dark' })
    const jobId = await send(page, LONG_PROMPT)
    await waitForAnswerChars(page, jobId, MID_ANSWER_CHARS)
    const stop = page.locator('.composer').getByRole('button', { name: 'Stop' })
    await stop.waitFor()
    await screenshot(page, 'stop-1-streaming-phone-dark')
    // The answer is flat on the page (no card), as in ChatGPT and Claude; no "writing…" badge, the cursor shows it.
    const answer = turn(page, jobId).locator('.bubble-assistant')
    const look = () => answer.evaluate(element => [getComputedStyle(element), getComputedStyle(element, '::before')]
      .map(style => [style.borderTopWidth, style.boxShadow, style.backgroundColor].join(' ')))
    expect(await look()).toEqual(['0px none rgba(0, 0, 0, 0)', '0px none rgba(0, 0, 0, 0)'])
    expect([await turn(page, jobId).locator('.status-chip').count(), await turn(page, jobId).locator('.cursor').count()]).toEqual([0, 1])
    await stop.click()
    await waitForStatus(page, jobId, 'aborted')
    await screenshot(page, 'stop-2-stopped-phone-dark')
    // Stopped: a rule beside it in the muted text colour (dark scheme), its chip above it.
    expect(await look()).toEqual(['0px none rgba(0, 0, 0, 0)', '0px none rgb(160, 169, 186)'])
    expect(await turn(page, jobId).locator('.status-chip').textContent()).toBe('stopped')
    expect(await turn(page, jobId).locator('.turn-note').textContent()).toContain('partial answer is kept')
    expect(await turn(page, jobId).locator('.turn-error').count()).toBe(0)
    expect(await stop.count()).toBe(0)

    const state = await serverState(page, jobId)
    expect(state.status).toBe('aborted')
    expect(state.content.length).toBeGreaterThanOrEqual(MID_ANSWER_CHARS)
    expect(state.content).not.toContain('Paragraph 7')
    expect(await answerOnScreen(page, jobId)).toBe(await renderedAnswer(page, state.content))
  })

  it('shows what Stop cut off as stopped (neutral), not as a failed step or a tool error', async () => {
    const page = await openSharedChat()
    const stop = page.locator('.composer').getByRole('button', { name: 'Stop' })
    // A workflow stopped while its approval step waits for the user.
    const workflowId = await send(page, '/workflow research-report cats')
    await turn(page, workflowId).locator('.input-prompt').waitFor({ timeout: WAIT_MS })
    await stop.click()
    await waitForStatus(page, workflowId, 'aborted')
    const nodes = turn(page, workflowId).locator('.workflow-node')
    expect(await nodes.evaluateAll(items => items.map(item => `${item.getAttribute('data-node')}:${item.getAttribute('data-status')}`)))
      .toEqual(['research:completed', 'draft:completed', 'approval:stopped'])
    expect(await nodes.last().locator('.status-chip').textContent()).toBe('stopped')
    expect(await turn(page, workflowId).locator('.workflow-error').count()).toBe(0)
    // A workflow shows its steps, not an answer: the note speaks of those.
    expect(await turn(page, workflowId).locator('.turn-note').textContent()).toBe('Stopped — the steps that finished are kept.')
    // A tool call stopped while it waits for approval.
    const chatId = await send(page, 'Please delete notes.txt')
    await turn(page, chatId).locator('.input-prompt[data-kind="tool-approval"]').waitFor({ timeout: WAIT_MS })
    await stop.click()
    await waitForStatus(page, chatId, 'aborted')
    const call = turn(page, chatId).locator('.tool-call').first()
    expect(await call.getAttribute('data-status')).toBe('stopped')
    expect(await call.locator('.status-chip').textContent()).toBe('stopped')
    expect(await call.locator('.tool-result').count()).toBe(0)
    // It never started: not "Stopped before it finished.".
    expect(await call.locator('.tool-note').textContent()).toBe('Stopped while it waited for approval; it did not run.')
    await screenshot(page, 'stop-3-workflow-and-tool-stopped')
  })

  it('tells the user when a job in another thread finishes: a toast, a "new" badge and "(1)" in the tab title', async () => {
    const page = await openChat()
    const jobId = await send(page, LONG_PROMPT)
    await page.waitForURL(/\/threads\//)
    const threadPath = new URL(page.url()).pathname
    await waitForAnswerChars(page, jobId, MID_ANSWER_CHARS)
    await page.getByRole('link', { name: '+ New thread' }).click()
    await page.waitForURL(`${demo.url}/`)
    const toast = page.locator('.toast', { hasText: 'finished' })
    await toast.waitFor({ timeout: WAIT_MS })
    expect(await toast.locator('a').getAttribute('href')).toBe(threadPath)
    await page.locator(`a[href="${threadPath}"] .badge-unseen`).waitFor({ timeout: WAIT_MS })
    // The tab's title counts it too, for a user who looks at the tab strip, not at this page.
    await page.waitForFunction(() => document.title.startsWith('('), null, { timeout: WAIT_MS }).catch(() => {})
    expect(await page.title()).toBe('(1) Background jobs chat')
    await screenshot(page, 'notify-1-toast-and-badge')
    // Opening the thread clears the badge.
    await page.locator(`.thread-list a[href="${threadPath}"], nav a[href="${threadPath}"]`).first().click()
    await page.waitForURL(`${demo.url}${threadPath}`)
    await waitForStatus(page, jobId, 'completed')
    expect(await page.locator(`a[href="${threadPath}"] .badge-unseen`).count()).toBe(0)
    await page.waitForFunction(() => !document.title.startsWith('('), null, { timeout: WAIT_MS })
  })

  it('shows a browser Notification when the tab is hidden and permission was given', async () => {
    const context = await demo.newContext()
    // A hidden tab with notifications allowed; the page's Notification records what it shows.
    await context.addInitScript(() => {
      const shown: Array<{ title: string, body?: string }> = []
      Object.assign(window, { __shown: shown, __hidden: false })
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => (window as unknown as { __hidden: boolean }).__hidden })
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => ((window as unknown as { __hidden: boolean }).__hidden ? 'hidden' : 'visible') })
      class RecordingNotification {
        static permission = 'granted'
        static requestPermission = async () => 'granted'
        onclick: (() => void) | null = null
        constructor(title: string, options?: { body?: string }) {
          shown.push({ title, body: options?.body })
        }

        close() {}
      }
      Object.assign(window, { Notification: RecordingNotification })
    })
    const page = await context.newPage()
    // The notification stream is open before the job starts: an end before it connects is not replayed.
    const streamOpen = page.waitForResponse(response => response.url().includes('/api/jobs/notifications'), { timeout: WAIT_MS })
    await gotoChat(page, `${demo.url}/`)
    await streamOpen
    // Hidden before sending, so the end can never beat it.
    await page.evaluate(() => Object.assign(window, { __hidden: true }))
    await send(page, 'A short question while I look away')
    await page.waitForFunction(() => (window as unknown as { __shown: Array<{ title: string }> }).__shown.some(note => note.title.includes('finished')), null, { timeout: WAIT_MS })
    const shown = await page.evaluate(() => (window as unknown as { __shown: Array<{ title: string, body?: string }> }).__shown)
    expect(shown.filter(note => note.title.includes('finished'))).toEqual([expect.objectContaining({ body: 'The answer is ready.' })])

    // Back on the tab, the answer is on screen: no "new" badge is left on its thread for later.
    const threadId = new URL(page.url()).pathname.split('/').at(-1)!
    const showTab = () => page.evaluate(() => {
      Object.assign(window, { __hidden: false })
      document.dispatchEvent(new Event('visibilitychange'))
    })
    await showTab()
    await page.getByRole('link', { name: '+ New thread' }).click()
    await page.waitForURL(`${demo.url}/`)
    expect(await page.locator(`.thread-link[data-thread-id="${threadId}"] .badge-unseen`).count()).toBe(0)

    // The AI SDK page too: its open chat, answered while the tab was hidden, is not badged "new".
    const sdkStreamOpen = page.waitForResponse(response => response.url().includes('/api/jobs/notifications'), { timeout: WAIT_MS })
    await gotoChat(page, `${demo.url}/ai-sdk`)
    await page.waitForURL(/[?&]chat=/)
    await sdkStreamOpen
    const chat = new URL(page.url()).searchParams.get('chat')!
    await page.evaluate(() => Object.assign(window, { __hidden: true }))
    await page.locator('#ai-sdk-input').fill('Another short question while I look away')
    await page.locator('#ai-sdk-input').press('Enter')
    await page.waitForFunction(() => (window as unknown as { __shown: Array<{ title: string }> }).__shown.some(note => note.title.includes('finished')), null, { timeout: WAIT_MS })
    await page.locator(`.thread-link[data-thread-id="${chat}"]`).waitFor({ timeout: WAIT_MS })
    await showTab()
    await page.waitForFunction(id => !document.querySelector(`.thread-link[data-thread-id="${id}"] .badge-unseen`), chat, { timeout: WAIT_MS })
  })
})

describe('demo chat across a server restart (memory provider)', () => {
  it('says the connection is lost within seconds, shows the turn as lost with its prompt and Retry, then retries', async () => {
    // Its own server, killed mid-answer and started again on the same port. Slow enough that the
    // answer is mid-way when it dies.
    const restartEnv = { ...BROWSER_BATCH_ENV, NUXT_BACKGROUND_JOBS_SCRIPTED_CHUNK_INTERVAL_MS: '40' }
    let restarting = await startAppServer(restartEnv)
    try {
      const { page, jobId, port } = await crashMidAnswer(demo, restarting)
      // The indicator: the follower notices the broken stream at once and the server is unreachable.
      const indicator = page.locator('.composer-status[data-kind="offline"], .composer-status[data-kind="reconnecting"]')
      await indicator.waitFor({ timeout: BROKEN_STREAM_NOTICED_MS })
      expect(await turn(page, jobId).locator('.status-chip').textContent()).toMatch(/reconnecting|unreachable/)
      // Stop cannot work while the server is away: it is not offered.
      expect(await page.locator('.composer-stop').count()).toBe(0)
      // Nor does the answer pretend to be still writing: no blinking cursor while nothing can arrive.
      expect(await turn(page, jobId).locator('.cursor').count()).toBe(0)
      await screenshotBothLooks(page, 'restart-1-server-away')

      restarting = await startAppServer(restartEnv, port)
      // Recovery: the server answers again, the indicator goes, and the job it forgot is shown as lost.
      await waitForStatus(page, jobId, 'lost')
      await indicator.waitFor({ state: 'detached', timeout: WAIT_MS })
      const lostTurn = turn(page, jobId)
      expect(await lostTurn.locator('.bubble-user').textContent()).toContain(LONG_PROMPT)
      expect(await lostTurn.locator('.lost-note').textContent()).toContain('server restarted')
      expect(await page.locator('.turn[data-status="running"], .turn[data-status="queued"], .composer-stop').count()).toBe(0)
      // The thread list no longer calls the thread live.
      await page.locator('.thread-link[aria-current="page"]').waitFor({ timeout: WAIT_MS })
      await page.locator('.thread-link .badge-live').waitFor({ state: 'detached', timeout: WAIT_MS })
      await screenshotBothLooks(page, 'restart-2-lost')

      // A reload still shows the lost turn (this browser remembers it), not an empty thread.
      await page.reload()
      await waitForStatus(page, jobId, 'lost')
      expect(await page.locator('.empty-state').count()).toBe(0)

      await lostTurn.getByRole('button', { name: 'Retry' }).click()
      await lostTurn.waitFor({ state: 'detached', timeout: WAIT_MS })
      const retried = await page.locator('.turn').first().getAttribute('data-job-id')
      expect(retried).not.toBe(jobId)
      expect(await page.locator('.turn .bubble-user').first().textContent()).toContain(LONG_PROMPT)
      await waitForStatus(page, retried!, 'running')
      await screenshot(page, 'restart-3-retried')
    }
    finally {
      await restarting.stop()
    }
  }, RESTART_TEST_MS)
})

describe('demo chat across a graceful restart (memory provider)', () => {
  it('says the server is unreachable while it is down, that it restarted only once it is back, and keeps the part of the answer that had arrived, also after a reload', async () => {
    const restartEnv = { ...BROWSER_BATCH_ENV, NUXT_BACKGROUND_JOBS_SCRIPTED_CHUNK_INTERVAL_MS: '40' }
    let restarting = await startAppServer(restartEnv)
    try {
      const page = await (await demo.newContext()).newPage()
      await gotoChat(page, `${restarting.url}/`, WARM_UP_MS)
      const jobId = await send(page, LONG_PROMPT)
      await page.waitForURL(/\/threads\//)
      await waitForAnswerChars(page, jobId, MID_ANSWER_CHARS)
      const port = Number(new URL(restarting.url).port)
      // SIGTERM: the server ends its running jobs as interrupted before it exits.
      await restarting.stop()
      const cutOff = turn(page, jobId)
      await waitForStatus(page, jobId, 'failed')
      // The server is down: the turn and the line above the composer say so — not yet that it restarted.
      const indicator = page.locator('.composer-status[data-kind="offline"]')
      await indicator.waitFor({ timeout: WAIT_MS })
      expect(await cutOff.locator('.status-chip').textContent()).toBe('server unreachable')
      expect(await cutOff.textContent()).not.toMatch(/restarted/)
      expect(await cutOff.locator('.lost-note, .retry-answer, .turn-error').count()).toBe(0)
      const partial = await answerOnScreen(page, jobId)
      expect(partial.length).toBeGreaterThan(MID_ANSWER_CHARS)
      await screenshotBothLooks(page, 'restart-graceful-1-server-down')

      // Back: the line goes, and now the turn says what happened (the memory provider forgot the job).
      restarting = await startAppServer(restartEnv, port)
      await waitForStatus(page, jobId, 'lost')
      await indicator.waitFor({ state: 'detached', timeout: WAIT_MS })
      expect(await cutOff.locator('.status-chip').textContent()).toBe('interrupted')
      expect(await cutOff.locator('.lost-note').textContent()).toContain('The server restarted before this answer finished')
      expect(await answerOnScreen(page, jobId)).toBe(partial)
      await screenshot(page, 'restart-graceful-2-back')

      await page.reload()
      await waitForStatus(page, jobId, 'lost')
      expect(await cutOff.locator('.status-chip').textContent()).toBe('interrupted')
      expect(await answerOnScreen(page, jobId)).toBe(partial)
      expect(await cutOff.locator('.lost-note').textContent()).toContain('with the part of the answer that had arrived')
      expect(await cutOff.locator('.bubble-user').textContent()).toContain(LONG_PROMPT)
      await screenshot(page, 'restart-graceful-3-kept-after-reload')

      // Removing the turn forgets its text too.
      await cutOff.getByRole('button', { name: 'Remove' }).click()
      await cutOff.waitFor({ state: 'detached', timeout: WAIT_MS })
      expect(await page.evaluate(() => localStorage.getItem('background-jobs-demo:kept-answers'))).toBe('[]')
    }
    finally {
      await restarting.stop()
    }
  }, RESTART_TEST_MS)
})

describe('demo chat across a server restart (Redis, recovery.chat = continue)', () => {
  it('a job the restarted server takes over comes back: the turn is never lost and ends with the whole answer', async () => {
    // Stopped when the test ends, also when the first server fails to start (outside the try) or the test times out.
    const redis = await useTestRedisServer()
    const env = {
      ...BROWSER_BATCH_ENV,
      NUXT_BACKGROUND_JOBS_SCRIPTED_CHUNK_INTERVAL_MS: '10',
      NUXT_BACKGROUND_JOBS_PROVIDER: 'redis',
      NUXT_BACKGROUND_JOBS_REDIS_URL: redis.url,
      NUXT_BACKGROUND_JOBS_COOKIE_SECRET: 'a-secret-for-the-browser-restart-test-0123456789',
      NUXT_BACKGROUND_JOBS_RECOVERY_CHAT: 'continue',
      NUXT_BACKGROUND_JOBS_LEASE_DURATION_MS: '1500',
      NUXT_BACKGROUND_JOBS_LEASE_HEARTBEAT_MS: '300',
    }
    let restarting = await startAppServer(env)
    try {
      const { page, jobId, port } = await crashMidAnswer(demo, restarting)
      const indicator = page.locator('.composer-status[data-kind="offline"], .composer-status[data-kind="reconnecting"]')
      await indicator.waitFor({ timeout: BROKEN_STREAM_NOTICED_MS })

      // The new process finds the job in Redis, takes its expired lease and runs it on.
      restarting = await startAppServer(env, port)
      // The same prompt asked again, uninterrupted, for the comparison at the end: started now, it
      // streams alongside the job taken over instead of after it (the long answer takes seconds).
      const again = await page.evaluate(async (prompt) => {
        const created = await (await fetch('/api/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ role: 'user', content: prompt }] }) })).json()
        return created.id as string
      }, LONG_PROMPT)
      await waitForStatus(page, jobId, 'completed')
      await indicator.waitFor({ state: 'detached', timeout: WAIT_MS })
      const state = await serverState(page, jobId)
      expect(state).toMatchObject({ status: 'completed', epoch: 2 })
      expect(await answerOnScreen(page, jobId)).toBe(await renderedAnswer(page, state.content))
      expect(await page.locator('.turn[data-status="lost"], .lost-note').count()).toBe(0)
      await screenshot(page, 'restart-redis-1-came-back')
      // One coherent answer: the scripted model's words for this prompt, as an uninterrupted job gets them.
      await expect.poll(async () => (await serverState(page, again)).status, { timeout: WAIT_MS, interval: 200 }).toBe('completed')
      expect(state.content).toBe((await serverState(page, again)).content)
    }
    finally {
      await restarting.stop()
    }
  }, RESTART_TEST_MS)
})
