/**
 * A Stop on the /ai-sdk page closes the answer's response (`stop()`), then the abort route stops
 * its job. The job wrote on during that round trip: the page showed a few words less than the
 * server kept (and a reload showed), and the next message sent the shorter text as history. Once
 * the abort has answered, the page now takes the stopped answer as the server kept it. Page
 * rendered by tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it } from 'vitest'
import type { UIMessage } from 'ai'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, buttons, textOf } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'
import { click, sendHelloAndStream, submitMessage, typeMessage } from '../support/ai-sdk-composer'

const page = usePage()

/** The answers' Markdown as the page renders it (v-html). */
const answerHtml = (root: FakeNode) => allNodes(root).map(item => String(item.props.innerHTML ?? '')).join('')

const textOfMessage = (message: UIMessage | undefined) => message?.parts.flatMap(part => (part.type === 'text' ? [part.text] : [])).join('')

/** The chat as the server keeps it once the abort is stored (`userId`: the id the page gave "Hello"): more than the page got. */
const kept = (userId: string): UIMessage[] => [
  { id: userId, role: 'user', parts: [{ type: 'text', text: 'Hello' }] },
  { id: 'job-1', role: 'assistant', metadata: { ended: 'aborted' }, parts: [{ type: 'step-start' }, { type: 'text', text: 'Once upon a time, there was', state: 'done' }] },
]

describe('/ai-sdk page: Stop', () => {
  it('ends with the text the server kept, and sends that as the next turn\'s history', async () => {
    page.abortReads = [async () => ({ jobs: [{ id: 'job-1', status: 'aborted' }] })]
    const root = page.mount()
    await settle()
    await sendHelloAndStream(page, root)
    const hello = page.posted[0]!.messages[0]!.id
    page.loaded = kept(hello)
    click(buttons(root, 'Stop')[0]!)
    await settle()
    expect(page.aborts).toHaveLength(1)
    expect(answerHtml(root)).toContain('Once upon a time, there was')
    expect(textOf(root)).toContain('Stopped — the partial answer is kept.')
    // Nothing to resume: the stopped answer is patched in place, not followed again.
    expect(page.requests.filter(request => request.startsWith('GET'))).toHaveLength(1)

    await typeMessage(root, 'Go on')
    await submitMessage(root)
    const history = page.posted.at(-1)!.messages
    expect(history.map(message => message.id).slice(0, 2)).toEqual([hello, 'job-1'])
    expect(textOfMessage(history[1])).toBe('Once upon a time, there was')
  })

  it('keeps the text it shows when the chat cannot be read after the Stop', async () => {
    page.abortReads = [async () => ({ jobs: [{ id: 'job-1', status: 'aborted' }] })]
    const root = page.mount()
    await settle()
    await sendHelloAndStream(page, root)
    page.messageReads = [() => Promise.reject(new TypeError('Failed to fetch'))]
    click(buttons(root, 'Stop')[0]!)
    await settle()
    expect(answerHtml(root)).toContain('Once upon')
    expect(textOf(root)).toContain('Stopped — the partial answer is kept.')
    expect(textOf(root)).not.toContain('wasn’t stopped')
  })
})
