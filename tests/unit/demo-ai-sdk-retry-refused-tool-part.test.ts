/**
 * /ai-sdk: a tool call of an answer that ended, put back by a refused Retry, showed as running. A
 * Stop closes the response and leaves the SDK's tool part `input-available`; when the page cannot
 * read the answer the server kept (the call ended `job aborted` there), the call says "stopped"
 * because no response writes to it. A Retry the server refused then puts the answer back with the
 * chat in `error`, which the page took for a broken stream that may still resume the call: it said
 * "running" (a spinner) until the next request. An answer that ended has no running call now; an
 * answer whose stream broke (its job may run on) still shows its call running. Page rendered by
 * tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it, vi } from 'vitest'
import { formatChunk } from '../../server/lib/ai-sdk/ui-chunks'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, buttons, textOf } from '../support/demo-client-render'
import { holdPostStreams, retryButtons, settle, usePage } from '../support/ai-sdk-page'
import { click, submitMessage, typeMessage } from '../support/ai-sdk-composer'

const page = usePage()

/** What each tool call's chip says. */
const toolChips = (root: FakeNode) => allNodes(root).filter(item => item.props.class === 'tool-call').flatMap(call => allNodes(call).filter(item => item.props.class === 'status-chip').map(textOf))

/** Sends "Run it" and streams the start of its answer, job `job-1`: a call of slow_task, its input in. */
async function sendAndCall(root: FakeNode): Promise<void> {
  await typeMessage(root, 'Run it')
  await submitMessage(root)
  page.answer([
    formatChunk({ type: 'start', messageId: 'job-1' }),
    formatChunk({ type: 'start-step' }),
    formatChunk({ type: 'tool-input-available', toolCallId: 'c1', toolName: 'slow_task', input: {} }),
  ].join(''))
  await settle()
}

describe('/ai-sdk page: a call of an answer put back by a refused Retry', () => {
  it('stays stopped, not running', async () => {
    page.abortReads = [async () => ({ jobs: [{ id: 'job-1', status: 'aborted' }] })]
    const root = page.mount()
    await settle()
    await sendAndCall(root)
    expect(toolChips(root)).toEqual(['running'])
    page.messageReads = [() => Promise.reject(new TypeError('Failed to fetch'))]
    click(buttons(root, 'Stop')[0]!)
    await settle()
    expect(toolChips(root)).toEqual(['stopped'])

    const reachable = globalThis.fetch
    vi.stubGlobal('fetch', async (url: string, init?: { method?: string }) => (init?.method === 'POST' ? new Response('', { status: 503 }) : reachable(url, init as RequestInit)))
    click(retryButtons(root)[0]!)
    await settle()
    expect(retryButtons(root)).toHaveLength(1)
    expect(toolChips(root)).toEqual(['stopped'])
    expect(textOf(root)).toContain('Stopped before it finished.')
  })

  it('of an answer whose stream broke (its job may run on) still shows running', async () => {
    const root = page.mount()
    await settle()
    const posts = holdPostStreams()
    await typeMessage(root, 'Run it')
    await submitMessage(root)
    posts.stream().enqueue(new TextEncoder().encode([
      formatChunk({ type: 'start', messageId: 'job-1' }),
      formatChunk({ type: 'start-step' }),
      formatChunk({ type: 'tool-input-available', toolCallId: 'c1', toolName: 'slow_task', input: {} }),
    ].join('')))
    await settle()
    posts.stream().error(new TypeError('terminated'))
    await settle()
    expect(toolChips(root)).toEqual(['running'])
  })
})
