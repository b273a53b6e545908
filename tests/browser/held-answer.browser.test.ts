/**
 * Answering a question on a slow network (Chromium, the page's POST /api/jobs/:id/input held until
 * the test lets it go): its buttons were `disabled` while the answer was on its way, and the
 * question went away once the answer reached the job's stream — before the POST's reply on a slow
 * network. Either way the keyboard's focus fell to the page's body; a failed answer left it there.
 * The buttons keep it now (aria-disabled, the one pressed saying what happens), a failure gives the
 * buttons back with the focus on the one pressed and the reason beside it, and a question gone
 * first hands the focus to the composer.
 */
import { describe, expect, it } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import { useDemoInBrowser, WAIT_MS } from './support/browser'
import { openChat, send, turn } from './support/chat-page'
import { holdRequest } from './support/held-request'

const demo = useDemoInBrowser()

const focused = (page: Page) => page.evaluate(() => {
  const element = document.activeElement
  return !element || element === document.body ? 'body' : element.id || element.textContent?.trim() || element.className
})

/** Holds the page's next answer (POST …/input): see held-request.ts. */
const holdAnswer = (page: Page, reachServer = false) => holdRequest(page, '**/api/jobs/*/input', { reachServer })

/** Presses `button` with the keyboard while its answer is held, then fails it: the focus stays on it throughout. */
async function pressAndFail(page: Page, prompt: Locator, button: Locator, sendingWords: string): Promise<void> {
  const hold = await holdAnswer(page)
  const words = (await button.textContent())!.trim()
  await button.focus()
  await page.keyboard.press('Enter')
  await hold.held
  expect(await button.getAttribute('aria-disabled')).toBe('true')
  expect((await button.textContent())!.trim()).toBe(sendingWords)
  expect(await focused(page)).toBe(sendingWords)
  // A second Enter while it is on its way sends nothing more (the route would let it through).
  await page.keyboard.press('Enter')
  hold.release(true)
  await prompt.getByRole('alert').waitFor({ timeout: WAIT_MS })
  expect(await prompt.getByRole('alert').textContent()).toMatch(/\S/)
  expect(await button.getAttribute('aria-disabled')).toBe('false')
  expect((await button.textContent())!.trim()).toBe(words)
  expect(await focused(page)).toBe(words)
}

describe('demo chat: answering a question on a slow network', () => {
  it('keeps the focus on Approve while the answer is on its way, and after it failed; then on to the box', async () => {
    const page = await openChat(demo)
    const jobId = await send(page, 'Please deploy my site')
    const prompt = turn(page, jobId).locator('.input-prompt[data-kind="tool-approval"]')
    await prompt.waitFor({ timeout: WAIT_MS })
    const approve = prompt.getByRole('button', { name: /^Approv/ })
    await pressAndFail(page, prompt, approve, 'Approving…')
    // Enter again: this time it goes, and the focus goes on to the box.
    await page.keyboard.press('Enter')
    await prompt.waitFor({ state: 'detached', timeout: WAIT_MS })
    await expect.poll(() => focused(page), { timeout: WAIT_MS }).toBe('composer-input')
  })

  it('hands the focus to the box when the question goes before the answer\'s reply comes back', async () => {
    const page = await openChat(demo)
    const jobId = await send(page, 'Please deploy my site')
    const prompt = turn(page, jobId).locator('.input-prompt[data-kind="tool-approval"]')
    await prompt.waitFor({ timeout: WAIT_MS })
    const hold = await holdAnswer(page, true)
    await prompt.getByRole('button', { name: 'Deny' }).focus()
    await page.keyboard.press('Enter')
    await hold.held
    // The server took the answer: the job's stream takes the question away, the reply still held.
    await prompt.waitFor({ state: 'detached', timeout: WAIT_MS })
    expect(await focused(page)).toBe('composer-input')
    hold.release()
  })

  it('keeps the focus on a workflow question\'s button while its answer is on its way, and after it failed', async () => {
    const page = await openChat(demo)
    const jobId = await send(page, '/workflow research-report cats')
    const prompt = turn(page, jobId).locator('.input-prompt')
    await prompt.waitFor({ timeout: WAIT_MS })
    await pressAndFail(page, prompt, prompt.locator('button[type="submit"]'), 'Sending…')
  })
})
