/**
 * The demo's AI SDK page (`@ai-sdk/vue` useChat + the stock DefaultChatTransport on
 * /api/jobs/chat) in Chromium with the scripted model: reloaded mid-answer it ends with the whole
 * answer, once; a tool approval answered from the page continues the job; the main chat loads the
 * page's script (the AI SDK) only once its link is pointed at. Waits are on DOM and
 * server conditions (the job's end: for as long as it streams); answers are compared with the
 * server's own state of the job.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { JobState } from '../../shared/reducer'
import { renderMarkdown } from '../../demo/app/lib/markdown'
import { failureSentence } from '../../demo/app/lib/failure-kinds'
import { waitForJobStatus } from '../support/progress-wait'
import { LONG_PROMPT, MID_ANSWER_CHARS, screenshot, useDemoInBrowser, WAIT_MS } from './support/browser'
import { openPageFromMainChat } from './support/ai-sdk-from-main-chat'
import { markdownOnScreen, openSharedChat } from './support/chat-page'

const demo = useDemoInBrowser()

/** The page in a fresh context (a new anonymous user), once it gave the chat its id in the URL. */
async function openPage(): Promise<Page> {
  const page = await (await demo.newContext()).newPage()
  await page.goto(`${demo.url}/ai-sdk`)
  await page.waitForURL(/[?&]chat=/)
  return page
}

/**
 * A new chat on the page, loaded anew, of the user the file's tests share (`openSharedChat`): for a
 * test about what the page does with its chat, not about a new user.
 */
async function openSharedPage(): Promise<Page> {
  const page = await openSharedChat(demo, {}, '/ai-sdk')
  await page.waitForURL(/[?&]chat=/)
  return page
}

async function send(page: Page, text: string): Promise<void> {
  await page.locator('#ai-sdk-input').fill(text)
  await page.locator('#ai-sdk-input').press('Enter')
}

const assistantTurns = (page: Page) => page.locator('.turn[data-role="assistant"]')

async function serverJob(page: Page, jobId: string): Promise<{ job: { status: string }, state: JobState }> {
  return page.evaluate(async id => (await fetch(`/api/jobs/${id}`)).json(), jobId)
}

/**
 * Waits until the job is completed on the server and the page shows exactly its text: the words
 * of the Markdown, rendered as the main chat renders it (compared without the whitespace between
 * blocks, as the page renders each text part of the message on its own).
 */
async function waitForFullAnswer(page: Page, jobId: string): Promise<string> {
  // (waitForFunction does not await an async predicate: poll from here.) As long as the job streams:
  // its answer takes hundreds of timer ticks, slower on a loaded machine.
  await waitForJobStatus(async () => {
    const { job, state } = await serverJob(page, jobId)
    return { status: job.status, seq: state.seq }
  }, 'completed', WAIT_MS)
  const { state } = await serverJob(page, jobId)
  await page.waitForFunction(
    (html) => {
      const words = (text: string | null) => (text ?? '').replace(/\s+/g, '')
      const expected = document.createElement('template')
      expected.innerHTML = html
      return [...document.querySelectorAll('.turn[data-role="assistant"] .answer')].map(element => words(element.textContent)).join('') === words(expected.content.textContent)
    },
    renderMarkdown(state.content),
    { timeout: WAIT_MS },
  )
  await page.waitForFunction(() => document.querySelector('[data-chat-status]')?.textContent === 'ready', undefined, { timeout: WAIT_MS })
  return state.content
}

describe('AI SDK page in Chromium', () => {
  it('reloaded mid-answer, it ends with the full answer, once', async () => {
    const page = await openPage()
    await send(page, LONG_PROMPT)
    await page.waitForFunction(
      min => (document.querySelector('.turn[data-role="assistant"] .answer')?.textContent?.length ?? 0) >= min,
      MID_ANSWER_CHARS,
      { timeout: WAIT_MS },
    )
    const jobId = (await assistantTurns(page).getAttribute('data-message-id'))!
    expect((await serverJob(page, jobId)).job.status).toBe('running')

    await page.reload()
    await assistantTurns(page).waitFor({ timeout: WAIT_MS })
    await screenshot(page, 'ai-sdk-1-after-reload')
    const answer = await waitForFullAnswer(page, jobId)
    expect(answer.length).toBeGreaterThan(2_000)
    await expect(assistantTurns(page).count()).resolves.toBe(1)
    await expect(page.locator('.turn[data-role="user"] .user-text').allTextContents()).resolves.toEqual([LONG_PROMPT])
    expect(await assistantTurns(page).getAttribute('data-message-id')).toBe(jobId)
    // The view followed the answer down, as chat apps do (it is longer than the window).
    const view = await page.locator('.conversation').evaluate(element => ({ overflows: element.scrollHeight > element.clientHeight, fromBottom: element.scrollHeight - element.scrollTop - element.clientHeight }))
    expect(view.overflows).toBe(true)
    expect(view.fromBottom).toBeLessThan(80)
    await screenshot(page, 'ai-sdk-2-completed')
  })

  it('keeps a message sent while the chat\'s messages are still loading (a late, older list does not wipe it)', async () => {
    const page = await (await demo.newContext()).newPage()
    // The page's first read of the chat's messages is answered by the server at once (no messages
    // yet) but arrives late, once the answer to the first send is streaming (a slow network).
    let release!: () => void
    const streaming = new Promise<void>((resolve) => { release = resolve })
    await page.route('**/api/jobs/chat/*/messages', async (route) => {
      const response = await route.fetch()
      await streaming
      await route.fulfill({ response })
    })
    await page.goto(`${demo.url}/ai-sdk`)
    await page.waitForURL(/[?&]chat=/)
    await send(page, 'Show me some markdown')
    await assistantTurns(page).locator('.answer').waitFor({ timeout: WAIT_MS })
    release()
    const jobId = (await assistantTurns(page).getAttribute('data-message-id'))!
    await waitForFullAnswer(page, jobId)
    await expect(page.locator('.turn[data-role="user"] .user-text').allTextContents()).resolves.toEqual(['Show me some markdown'])
    await expect(assistantTurns(page).count()).resolves.toBe(1)
    await page.unroute('**/api/jobs/chat/*/messages')
  })

  it('a chat whose messages could not be read says so and reads them again on Retry (not an empty new chat)', async () => {
    const page = await openPage()
    await send(page, 'Show me some markdown')
    const jobId = (await assistantTurns(page).getAttribute('data-message-id', { timeout: WAIT_MS }))!
    await waitForFullAnswer(page, jobId)
    // The server is unreachable for the reload's read of the messages, then back.
    await page.route('**/api/jobs/chat/*/messages', route => route.abort('connectionrefused'))
    await page.reload()
    const alert = page.locator('[data-load-error]')
    await alert.waitFor({ timeout: WAIT_MS })
    await expect(alert.textContent()).resolves.toContain('the earlier messages weren’t loaded')
    await expect(page.locator('.empty-state').count()).resolves.toBe(0)
    await page.unroute('**/api/jobs/chat/*/messages')
    await alert.getByRole('button', { name: 'Retry' }).click()
    await page.locator('.turn[data-role="user"]').waitFor({ timeout: WAIT_MS })
    await expect(page.locator('.turn[data-role="user"] .user-text').allTextContents()).resolves.toEqual(['Show me some markdown'])
    await expect(assistantTurns(page).count()).resolves.toBe(1)
    await expect(alert.count()).resolves.toBe(0)
  })

  it('renders answers as Markdown, as the main chat does (the page opened from the main chat\'s link, which loads the AI SDK only when pointed at)', async () => {
    const page = await openPageFromMainChat(demo)
    await send(page, 'Show me some markdown')
    const answer = assistantTurns(page).locator('.answer')
    await answer.locator('table').waitFor({ timeout: WAIT_MS })
    const jobId = (await assistantTurns(page).getAttribute('data-message-id'))!
    const content = await waitForFullAnswer(page, jobId)
    expect(await answer.locator('table th').allTextContents()).toEqual(['Provider', 'Survives a restart', 'Many instances'])
    expect(await answer.locator('.code-block .hljs-keyword').count()).toBeGreaterThan(0)
    expect(await answer.textContent()).not.toContain('```')
    // The same HTML as the main chat renders from the same text.
    expect(await markdownOnScreen(answer)).toBe(await page.evaluate((html) => {
      const template = document.createElement('template')
      template.innerHTML = html
      return template.innerHTML
    }, renderMarkdown(content)))
    await screenshot(page, 'ai-sdk-4-markdown')
  })

  it('after Stop nothing looks still at work: no writing cursor, a cut-off tool call says stopped, not running', async () => {
    const page = await openPage()
    const stop = page.locator('.composer').getByRole('button', { name: 'Stop' })
    const chip = page.locator('[data-chat-status]')
    await send(page, LONG_PROMPT)
    await page.waitForFunction(
      min => (document.querySelector('.turn[data-role="assistant"] .answer')?.textContent?.length ?? 0) >= min,
      MID_ANSWER_CHARS,
      { timeout: WAIT_MS },
    )
    await stop.click()
    await page.locator('.composer').getByRole('button', { name: 'Send' }).waitFor({ timeout: WAIT_MS })
    expect([await chip.textContent(), await page.locator('.turn .cursor').count()]).toEqual(['ready', 0])
    // Says it was stopped, here and after a reload (the stream's own end never reached this tab).
    const stoppedNote = page.locator('.turn[data-role="assistant"] [data-answer-end="stopped"]')
    await stoppedNote.waitFor({ timeout: WAIT_MS })
    // Stop went away under the focus: it is back in the box, for the next message (not on the page).
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('ai-sdk-input')

    await send(page, 'Please ask for something slow')
    const tool = page.locator('.tool-call[data-tool="slow_task"]')
    await tool.waitFor({ timeout: WAIT_MS })
    await stop.click()
    await page.locator('.composer').getByRole('button', { name: 'Send' }).waitFor({ timeout: WAIT_MS })
    expect(await tool.locator('.status-chip').textContent()).toBe('stopped')
    await screenshot(page, 'ai-sdk-5-stopped')
  })

  it('a failed answer still says it failed, and why, after a reload (not a finished answer cut mid-sentence)', async () => {
    const page = await openSharedPage()
    await send(page, 'Please fail')
    // In a sentence for its kind (the stream's error chunk), as on the main chat's page; the job's words under Details.
    const failure = page.getByRole('alert').filter({ hasText: failureSentence({ code: 'upstream-stream' }, true) })
    await failure.waitFor({ timeout: WAIT_MS })
    await page.locator('.composer').getByRole('button', { name: 'Send' }).waitFor({ timeout: WAIT_MS })
    // Said once (the answer's note, not again by the chat's error under it).
    await expect(page.getByRole('alert').count()).resolves.toBe(1)
    await page.reload()
    // The SDK's error went with the page: the answer itself says it failed, under its partial text.
    await failure.waitFor({ timeout: WAIT_MS })
    const note = page.locator('.turn[data-role="assistant"] [data-answer-end="failed"]')
    expect(await note.locator('.failure-details dd').allTextContents()).toEqual(['upstream-stream', 'The model stream reported an error: Scripted failure: the prompt asked the model to fail.'])
  })

  it('a tool approval answered on the page continues the job', async () => {
    const page = await openSharedPage()
    await send(page, 'Please delete notes.txt')
    const tool = page.locator('.tool-call[data-tool="delete_file"]')
    await page.locator('.tool-call[data-state="approval-requested"]').waitFor({ timeout: WAIT_MS })
    // The response that asked has ended (Send is back): the chip says the chat waits for the user, not "ready".
    await page.locator('.composer').getByRole('button', { name: 'Send' }).waitFor({ timeout: WAIT_MS })
    const chip = page.locator('[data-chat-status]')
    expect([await chip.textContent(), await chip.getAttribute('data-status')]).toEqual(['waiting for you', 'waiting'])
    await screenshot(page, 'ai-sdk-3-approval')
    // It asks with what the tool would run with (the schema's default included), as the main chat
    // does — not the model's raw arguments.
    expect(await tool.locator('.tool-args').textContent()).toBe('path: "notes.txt", recursive: false')
    const posted = page.waitForRequest(request => request.method() === 'POST' && new URL(request.url()).pathname === '/api/jobs/chat', { timeout: WAIT_MS })
    await tool.getByRole('button', { name: 'Approve' }).click()
    // What goes back to the model is unchanged: the call's own input.
    const { messages } = (await posted).postDataJSON() as { messages: Array<{ parts: Array<{ type: string, input?: unknown }> }> }
    expect(messages.at(-1)!.parts.find(part => part.type === 'tool-delete_file')?.input).toEqual({ path: 'notes.txt' })
    await page.locator('.tool-call[data-state="output-available"]').waitFor({ timeout: WAIT_MS })
    const jobId = (await assistantTurns(page).getAttribute('data-message-id'))!
    await waitForFullAnswer(page, jobId)
    await expect(assistantTurns(page).count()).resolves.toBe(1)
  })

  it('an approval the answer was stopped at is not offered again after a reload: the call says stopped', async () => {
    const page = await openSharedPage()
    await send(page, 'Please delete notes.txt')
    await page.locator('.tool-call[data-state="approval-requested"]').waitFor({ timeout: WAIT_MS })
    // Stopped elsewhere (another tab, the main chat): the abort route ends the waiting job.
    const chatId = new URL(page.url()).searchParams.get('chat')!
    expect(await page.evaluate(async id => (await fetch(`/api/jobs/chat/${encodeURIComponent(id)}/abort`, { method: 'POST' })).status, chatId)).toBe(200)
    await page.reload()
    const tool = page.locator('.tool-call[data-tool="delete_file"]')
    await tool.locator('.status-chip[data-status="stopped"]').waitFor({ timeout: WAIT_MS })
    expect([await tool.getAttribute('data-state'), await tool.getByRole('button').count()]).toEqual(['output-denied', 0])
    expect(await tool.locator('.tool-note').textContent()).toBe('Stopped while it waited for approval; it did not run.')
  })

  it('Stop also stops an answer that waits for a tool approval, as in the main chat (not only Deny)', async () => {
    const page = await openSharedPage()
    await send(page, 'Please delete notes.txt')
    const tool = page.locator('.tool-call[data-tool="delete_file"]')
    await page.locator('.tool-call[data-state="approval-requested"]').waitFor({ timeout: WAIT_MS })
    await page.locator('.composer').getByRole('button', { name: 'Send' }).waitFor({ timeout: WAIT_MS })
    await page.locator('.composer').getByRole('button', { name: 'Stop' }).click({ timeout: WAIT_MS })
    await page.locator('.turn[data-role="assistant"] [data-answer-end="stopped"]').waitFor({ timeout: WAIT_MS })
    const jobId = (await assistantTurns(page).getAttribute('data-message-id'))!
    expect((await serverJob(page, jobId)).job.status).toBe('aborted')
    // Nothing offers the approval any more, the call says stopped, and the chat no longer waits.
    expect([
      await tool.getByRole('button').count(),
      await tool.locator('.status-chip').textContent(),
      await page.locator('[data-chat-status]').textContent(),
      await page.locator('.composer').getByRole('button', { name: 'Stop' }).count(),
    ]).toEqual([0, 'stopped', 'ready', 0])
    // It never started: said so, not "Stopped before it finished.".
    expect(await tool.locator('.tool-note').textContent()).toBe('Stopped while it waited for approval; it did not run.')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('ai-sdk-input')
  })

  it('Stop after Approve, before the answer went on: the approved call says stopped, not "answered"', async () => {
    const page = await openSharedPage()
    await send(page, 'Please delete notes.txt')
    const tool = page.locator('.tool-call[data-tool="delete_file"]')
    await page.locator('.tool-call[data-state="approval-requested"]').waitFor({ timeout: WAIT_MS })
    // The post that carries the approval is held (a slow network, a slow tool): the user stops meanwhile.
    await page.route('**/api/jobs/chat', () => {})
    await tool.getByRole('button', { name: 'Approve' }).click()
    await page.locator('.tool-call[data-state="approval-responded"]').waitFor({ timeout: WAIT_MS })
    await page.locator('.composer').getByRole('button', { name: 'Stop' }).click({ timeout: WAIT_MS })
    await page.locator('.turn[data-role="assistant"] [data-answer-end="stopped"]').waitFor({ timeout: WAIT_MS })
    const jobId = (await assistantTurns(page).getAttribute('data-message-id'))!
    expect((await serverJob(page, jobId)).job.status).toBe('aborted')
    // The call will get no outcome on this page: stopped, as every call the Stop cut off says.
    expect([await tool.locator('.status-chip').getAttribute('data-status'), await tool.locator('.status-chip').textContent(), await tool.locator('.tool-note').count()]).toEqual(['stopped', 'stopped', 1])
    await page.unroute('**/api/jobs/chat')
  })

  it('a Stop whose abort failed says the answer was not stopped (the job goes on), as the main chat does', async () => {
    const page = await openPage()
    await send(page, LONG_PROMPT)
    await page.locator('.turn[data-role="assistant"] .answer').waitFor({ timeout: WAIT_MS })
    const jobId = (await assistantTurns(page).getAttribute('data-message-id'))!
    // The abort route cannot answer (the store is down, the network is gone): a 503.
    await page.route('**/api/jobs/chat/*/abort', route => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: true, statusCode: 503, message: '' }) }))
    await page.locator('.composer').getByRole('button', { name: 'Stop' }).click({ timeout: WAIT_MS })
    const said = page.locator('[data-stop-error]')
    await said.waitFor({ timeout: WAIT_MS })
    expect([await said.textContent(), await said.getAttribute('role')]).toEqual(['The server had a problem — the answer wasn’t stopped. Try again.', 'alert'])
    expect((await serverJob(page, jobId)).job.status).toBe('running')
    await page.unroute('**/api/jobs/chat/*/abort')
    const chatId = new URL(page.url()).searchParams.get('chat')!
    expect(await page.evaluate(async id => (await fetch(`/api/jobs/chat/${encodeURIComponent(id)}/abort`, { method: 'POST' })).status, chatId)).toBe(200)
  })

  it('an approval answered in another tab meanwhile shows what really happened to the call, in words', async () => {
    const page = await openPage()
    await send(page, 'Please delete notes.txt')
    const waiting = '.tool-call[data-tool="delete_file"][data-state="approval-requested"]'
    await page.locator(waiting).waitFor({ timeout: WAIT_MS })
    const other = await page.context().newPage()
    await other.goto(page.url())
    await other.locator(waiting).getByRole('button', { name: 'Deny' }).waitFor({ timeout: WAIT_MS })
    // Loaded from the messages route: its approval carries the checked arguments too.
    expect(await other.locator(waiting).locator('.tool-args').textContent()).toBe('path: "notes.txt", recursive: false')
    await page.locator(waiting).getByRole('button', { name: 'Approve' }).click()
    await page.locator('.tool-call[data-state="output-available"]').waitFor({ timeout: WAIT_MS })
    await other.locator(waiting).getByRole('button', { name: 'Deny' }).click()
    // Not left "answered" (this tab's Deny, which the server refused): done, as the other tab approved it.
    await other.locator('.tool-call[data-tool="delete_file"][data-state="output-available"]').waitFor({ timeout: WAIT_MS })
    expect((await other.locator('[data-approval-gone]').textContent())!.trim()).toBe('This approval was already answered or has expired.')
  })

  it('a refused message says why in words (not with the response body the SDK puts in its error) and goes back to the box', async () => {
    const page = await openPage()
    await send(page, 'x'.repeat(100_001))
    const error = page.locator('.turn-error')
    await error.waitFor({ timeout: WAIT_MS })
    const text = (await error.textContent())!.trim()
    expect(text).toContain('must be at most 100000 characters')
    expect(text).not.toMatch(/^\{|"statusCode"/)
    // The chip says it in the failure colour, not in the finished answer's green.
    const chip = page.locator('[data-chat-status]')
    expect([await chip.textContent(), await chip.getAttribute('data-status')]).toEqual(['error', 'failed'])
    // Not sent, so not part of the chat (every later request would carry it, and be refused too):
    // its text is back in the box, and the next message gets its answer.
    expect([await page.locator('.turn').count(), (await page.locator('#ai-sdk-input').inputValue()).length]).toEqual([0, 100_001])
    await send(page, 'Hello')
    await page.locator('.turn[data-role="assistant"] .answer').waitFor({ timeout: WAIT_MS })
    await expect(page.locator('.turn[data-role="user"] .user-text').allTextContents()).resolves.toEqual(['Hello'])
  })

  it('an approval a new message passed by offers no Approve or Deny (the server declined it)', async () => {
    const page = await openPage()
    await send(page, 'Please delete notes.txt')
    const tool = page.locator('.tool-call[data-tool="delete_file"]')
    await page.locator('.tool-call[data-tool="delete_file"][data-state="approval-requested"]').waitFor({ timeout: WAIT_MS })
    await page.locator('.composer').getByRole('button', { name: 'Send' }).waitFor({ timeout: WAIT_MS })
    await send(page, 'Hello again')
    await page.locator('.turn[data-role="user"]').nth(1).waitFor({ timeout: WAIT_MS })
    expect([await tool.getByRole('button').count(), await tool.locator('.status-chip').textContent()]).toEqual([0, 'not approved'])
  })

  it('a chat deleted from the thread list leaves the page, here and in another tab: the next message does not carry it', async () => {
    const page = await openPage()
    await send(page, 'Hello there, my secret is 42')
    await page.locator('.turn[data-role="assistant"] .answer').waitFor({ timeout: WAIT_MS })
    await page.waitForFunction(() => document.querySelector('[data-chat-status]')?.textContent === 'ready', undefined, { timeout: WAIT_MS })
    const chat = new URL(page.url()).searchParams.get('chat')!
    const other = await page.context().newPage()
    await other.goto(page.url())
    await other.locator('.turn[data-role="assistant"] .answer').waitFor({ timeout: WAIT_MS })
    // The thread list's reads after the delete are held until the message is posted: on a loaded
    // machine that read was slow, and the confirmation dialog, left open over the page until it
    // ended, kept the new chat from taking any typing (no POST, about one full CI run in three).
    let releaseListReads!: () => void
    const listReadsHeld = new Promise<void>((resolve) => {
      releaseListReads = resolve
    })
    await page.route(url => url.pathname === '/api/jobs/threads', async (route) => {
      await listReadsHeld
      await route.continue()
    })
    try {
      await page.locator(`button[data-delete-thread="${chat}"]`).click()
      await page.locator('[data-confirm-delete]').click()
      // Both tabs open a new chat; the other one says why.
      for (const tab of [page, other]) {
        await tab.waitForURL(url => url.searchParams.has('chat') && url.searchParams.get('chat') !== chat, { timeout: WAIT_MS })
        expect(await tab.locator('.turn').count()).toBe(0)
      }
      await other.locator('.toast', { hasText: 'This conversation was deleted in another tab.' }).waitFor({ timeout: WAIT_MS })
      // Typed (the box takes it: no dialog left over the page), then sent once the page offers Send.
      await page.locator('#ai-sdk-input').fill('What is my secret?')
      await expect(page.locator('#ai-sdk-input').inputValue()).resolves.toBe('What is my secret?')
      await page.locator('button.composer-send:enabled').waitFor({ timeout: WAIT_MS })
      const posted = page.waitForRequest(request => request.method() === 'POST' && new URL(request.url()).pathname === '/api/jobs/chat', { timeout: WAIT_MS })
      await page.locator('#ai-sdk-input').press('Enter')
      const { messages } = (await posted).postDataJSON() as { messages: Array<{ role: string }> }
      expect(messages.map(message => message.role)).toEqual(['user'])
    }
    finally {
      releaseListReads()
    }
  })
})
