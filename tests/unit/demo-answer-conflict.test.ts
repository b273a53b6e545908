/**
 * The demo's answer box (InputPrompt.vue) answered every 409 with its own sentence, "This request
 * was already answered or has expired.", though the server says what happened: answered (when),
 * expired with its timeout answer taken, withdrawn, asked again under a new id after a takeover
 * (so answer the new one), its job ended, or the answer not saved. It shows the server's reason
 * now, in plain words with the time in local time and no request id; a 409 without the server's
 * words (a proxy's) keeps the old sentence.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as vue from 'vue'
import type { Component } from 'vue'
import type { PendingInput } from '../../shared/reducer'
import { allNodes, buttons, mountClient, stubDocument, textOf, withClientTemplate } from '../support/demo-client-render'
import InputPromptSsr from '../../demo/app/components/InputPrompt.vue'
import { ANSWER_GONE_TEXT, answerConflictText } from '../../demo/app/lib/input-conflict'

const InputPrompt = withClientTemplate(InputPromptSsr, 'demo/app/components/InputPrompt.vue')

const AT = '2026-12-02T14:04:05.000Z'
const at = (date: Date) => `<${date.toISOString()}>`
const conflict = (reason: string) => `Input request 3f2a9c1e-0000-4000-8000-000000000000 ${reason}`

describe('a 409 to an answer, in the user\'s words', () => {
  it.each([
    [`was already answered (at ${AT}): read the job again for the answer taken`, `This question was already answered at <${AT}> — the job goes on with that answer.`],
    [`expired (at ${AT}): nobody answered in time, so its timeout answer was taken`, `This question expired at <${AT}>: nobody answered in time, so its default answer was taken.`],
    [`was withdrawn (at ${AT}): what asked it no longer waits for an answer`, `This question was withdrawn at <${AT}>: the job no longer waits for an answer to it.`],
    [`was asked again under a new id (at ${AT}), after another server took the job over: read the job again and answer the new request`, `This question was asked again at <${AT}>, after another server took the job over — answer the new one.`],
    ['belongs to a job that has ended', 'The job has ended — it no longer takes answers.'],
    ['is not pending: its job has ended', 'The job has ended — it no longer takes answers.'],
    ['was not stored: the job stopped on this server before its answer was saved; it asks its question again, answer that', 'Your answer wasn’t saved: the job stopped on its server first. It asks again — answer the new question.'],
    ['is not pending for this job', 'This question is not pending for this job.'],
  ])('%s', (reason, text) => {
    expect(answerConflictText(conflict(reason), 'workflow-input', at)).toBe(text)
  })

  it('names an approval as one, and keeps the old sentence for a 409 without the server\'s words', () => {
    expect(answerConflictText(conflict(`was already answered (at ${AT}): read the job again for the answer taken`), 'tool-approval', at)).toMatch(/^This approval was already answered at /)
    expect(answerConflictText('[POST] "/api/jobs/j1/input": 409 Conflict', 'workflow-input', at)).toBe(ANSWER_GONE_TEXT)
  })
})

describe('the answer box', () => {
  let mounted: { unmount: () => void } | null = null
  beforeEach(() => {
    stubDocument()
    for (const name of ['ref', 'reactive', 'computed', 'inject', 'nextTick', 'onMounted', 'onBeforeUnmount'] as const) vi.stubGlobal(name, vue[name])
  })
  afterEach(() => {
    mounted?.unmount()
    mounted = null
    vi.unstubAllGlobals()
  })

  it('shows the server\'s reason for a 409, not its own sentence', async () => {
    const input: PendingInput = { requestId: 'r1', kind: 'tool-approval', prompt: 'Allow?', tool: 'send_email', args: { to: 'a@b.c' }, expiresAt: Date.parse(AT) + 60_000, onTimeout: 'deny', requestedAt: Date.parse(AT) }
    const answer = async () => ({ ok: false as const, status: 409, message: conflict(`expired (at ${AT}): nobody answered in time, so its timeout answer was taken`) })
    mounted = mountClient(vue.defineComponent({ setup: () => () => vue.h(InputPrompt as Component, { input, answer }) }))
    const root = (mounted as unknown as { container: Parameters<typeof allNodes>[0] }).container
    // The fake elements have no `contains` (the box asks where the focus is): nothing has it here.
    for (const item of allNodes(root)) Object.assign(item, { contains: () => false })
    ;(buttons(root, 'Approve')[0]!.props.onClick as () => void)()
    await vue.nextTick()
    await vue.nextTick()
    const alert = allNodes(root).find(item => item.props.role === 'alert')
    expect(textOf(alert!)).toMatch(/^This approval expired at .+: nobody answered in time, so its default answer was taken\.$/)
  })

  it('shows a client tool\'s call as waiting for the browser, with no form to answer it', () => {
    const input: PendingInput = { requestId: 'r2', kind: 'tool-output', prompt: 'Run the tool "get_location" in the browser with {}', toolCallId: 'c1', tool: 'get_location', args: {}, expiresAt: Date.parse(AT) + 60_000, onTimeout: 'deny', requestedAt: Date.parse(AT) }
    mounted = mountClient(vue.defineComponent({ setup: () => () => vue.h(InputPrompt as Component, { input, answer: async () => ({ ok: true as const }) }) }))
    const root = (mounted as unknown as { container: Parameters<typeof allNodes>[0] }).container
    for (const item of allNodes(root)) Object.assign(item, { contains: () => false })
    expect(textOf(allNodes(root).find(item => item.tag === 'h3')!)).toBe('Waiting for the browser')
    expect(textOf(root as never)).toContain('get_location runs in the browser: the job waits for its output')
    expect(allNodes(root).some(item => item.tag === 'form' || item.tag === 'textarea')).toBe(false)
  })
})
