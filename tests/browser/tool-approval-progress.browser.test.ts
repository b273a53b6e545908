/**
 * A tool call that needs the user's approval and then reports its progress (Chromium): the demo's
 * deploy_site, which the scripted model calls when asked to deploy. No browser test had both: the
 * approval prompt, then — once approved — the tool row's progress message and bar while it runs,
 * then the call done and its result in the answer. Every wait is on the page, never a sleep.
 */
import { describe, expect, it } from 'vitest'
import { screenshot, useDemoInBrowser, WAIT_MS } from './support/browser'
import { openChat, send, serverState, turn, waitForStatus } from './support/chat-page'

const demo = useDemoInBrowser()

describe('demo chat: a tool call that needs approval and reports its progress', () => {
  it('asks first; once approved, shows its progress while it runs, then its result', async () => {
    const page = await openChat(demo)
    const jobId = await send(page, 'Please deploy my site')
    const prompt = turn(page, jobId).locator('.input-prompt[data-kind="tool-approval"]')
    await prompt.waitFor({ timeout: WAIT_MS })
    const call = turn(page, jobId).locator('.tool-call[data-tool="deploy_site"]')
    expect(await call.getAttribute('data-status')).toBe('waiting-approval')
    // Nothing runs before the approval: no progress yet.
    expect(await call.locator('.tool-progress').count()).toBe(0)
    await screenshot(page, 'deploy-1-approval')

    await prompt.getByRole('button', { name: 'Approve' }).click()
    // Its progress, file by file, while it runs: the message and a bar with the fraction.
    const message = call.locator('.tool-progress-message')
    await page.waitForFunction(() => /^Uploaded [1-4] of 5 files$/.test(document.querySelector('.tool-call[data-tool="deploy_site"] .tool-progress-message')?.textContent?.trim() ?? ''), null, { timeout: WAIT_MS })
    expect(await call.getAttribute('data-status')).toBe('running')
    expect(await call.locator('progress.tool-progress-bar').getAttribute('aria-label')).toMatch(/^deploy_site: \d+%$/)
    await screenshot(page, 'deploy-2-progress')

    // Then done: the progress gives way to the result, and the answer quotes it.
    await waitForStatus(page, jobId, 'completed')
    expect(await call.getAttribute('data-status')).toBe('completed')
    expect(await message.count()).toBe(0)
    expect(await turn(page, jobId).locator('.answer').textContent()).toContain('deployed: example-site')
    const state = await serverState(page, jobId)
    expect(state.answeredInputs).toHaveLength(1)
    expect(state.toolCalls[0]).toMatchObject({ name: 'deploy_site', status: 'completed', result: { deployed: 'example-site', files: 5 } })
    await screenshot(page, 'deploy-3-done')
  })
})
