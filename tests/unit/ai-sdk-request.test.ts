/**
 * Reading the body `DefaultChatTransport` posts: UI messages to plain history, a new turn versus
 * answered tool approvals, and 400s that name the problem.
 */
import { describe, expect, it } from 'vitest'
import { readChatRequest, toPlainMessages } from '../../server/lib/ai-sdk/chat-request'

const user = (text: string) => ({ id: 'u', role: 'user' as const, parts: [{ type: 'text', text }] })

describe('AI SDK chat request', () => {
  it('history: the text parts of each message, in order; files, sources and tool parts carry no text', () => {
    expect(toPlainMessages([
      { id: 's', role: 'system', parts: [{ type: 'text', text: 'sys' }] },
      { id: 'u', role: 'user', parts: [{ type: 'file', url: 'data:,x', mediaType: 'text/plain' }, { type: 'text', text: 'one' }, { type: 'text', text: 'two' }] },
      { id: 'a', role: 'assistant', parts: [{ type: 'step-start' }, { type: 'reasoning', text: 'hmm' }, { type: 'tool-calc', toolCallId: 'c', state: 'output-available', output: 1 }, { type: 'text', text: 'It is 1.' }] },
    ])).toEqual([
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'one\n\ntwo' },
      { role: 'assistant', content: 'It is 1.' },
    ])
  })

  it('a last user message is a new turn (submit or regenerate)', () => {
    expect(readChatRequest({ id: 'chat', messages: [user('hi')], trigger: 'submit-message' })).toMatchObject({ kind: 'turn', request: { id: 'chat' } })
    expect(readChatRequest({ id: 'chat', messages: [user('hi')], trigger: 'regenerate-message', messageId: 'a1' }).kind).toBe('turn')
  })

  it('a file in the message to answer is a 400 naming the part (the model gets text only); one in an earlier message is not sent', () => {
    const file = { type: 'file', mediaType: 'image/png', url: 'data:image/png;base64,AAAA' }
    const withFile = { id: 'u2', role: 'user' as const, parts: [{ type: 'text', text: 'What is on it?' }, file] }
    expect(() => readChatRequest({ id: 'chat', messages: [user('hi'), withFile], trigger: 'submit-message' }))
      .toThrow(expect.objectContaining({ statusCode: 400, message: expect.stringMatching(/^messages\.1\.parts\.1: file parts \(image\/png\) are not supported/) }))
    expect(() => readChatRequest({ id: 'chat', messages: [withFile], trigger: 'regenerate-message' })).toThrow(/messages\.0\.parts\.1: file parts/)
    // The SDK keeps a refused message in its list: the next turn goes through, the file is not sent.
    const next = readChatRequest({ id: 'chat', messages: [withFile, user('Then just say hi')] })
    expect(next.kind).toBe('turn')
    expect(toPlainMessages(next.request.messages).map(message => message.content)).toEqual(['What is on it?', 'Then just say hi'])
  })

  it('a last assistant message with answered approvals carries the answers', () => {
    const intent = readChatRequest({
      id: 'chat',
      messages: [user('delete it'), {
        id: 'job-1',
        role: 'assistant',
        parts: [
          { type: 'tool-delete_file', toolCallId: 'c1', state: 'approval-responded', input: {}, approval: { id: 'r1', approved: true } },
          { type: 'dynamic-tool', toolName: 'x', toolCallId: 'c2', state: 'approval-responded', input: {}, approval: { id: 'r2', approved: false, reason: 'no' } },
          { type: 'tool-other', toolCallId: 'c3', state: 'output-available', output: 1 },
        ],
      }],
    })
    expect(intent).toMatchObject({ kind: 'approvals', answers: [
      { approvalId: 'r1', toolCallId: 'c1', approved: true },
      { approvalId: 'r2', toolCallId: 'c2', approved: false, reason: 'no' },
    ] })
  })

  it('an approval denied with a long reason is answered (the job keeps it cut, as any approval reason), never a 400 that leaves the approval unanswerable', () => {
    const reason = 'Because '.repeat(300)
    const intent = readChatRequest({
      id: 'chat',
      messages: [user('delete it'), {
        id: 'job-1',
        role: 'assistant',
        parts: [{ type: 'tool-delete_file', toolCallId: 'c1', state: 'approval-responded', input: {}, approval: { id: 'r1', approved: false, reason } }],
      }],
    })
    expect(intent).toMatchObject({ kind: 'approvals', answers: [{ approvalId: 'r1', toolCallId: 'c1', approved: false, reason }] })
  })

  it('400s name the field', () => {
    const bad = (body: unknown) => {
      try {
        readChatRequest(body)
      }
      catch (error) {
        return { status: (error as { statusCode: number }).statusCode, message: (error as Error).message }
      }
      throw new Error('accepted')
    }
    expect(bad({ messages: [user('hi')] })).toEqual({ status: 400, message: expect.stringContaining('id:') })
    expect(bad({ id: 'a?b', messages: [user('hi')] })).toEqual({ status: 400, message: expect.stringContaining('id: must not contain "?" or "#"') })
    // Kept whole, never trimmed: the routes compare the id in the URL as it is.
    for (const id of ['my chat ', ' my chat', '   ']) expect(bad({ id, messages: [user('hi')] })).toEqual({ status: 400, message: expect.stringContaining('id: must not start or end with whitespace') })
    // The SDK refuses to resume a chat named "." or ".." (its resume URL would be a relative path).
    for (const id of ['.', '..']) expect(bad({ id, messages: [user('hi')] })).toEqual({ status: 400, message: expect.stringContaining('id: must not be "." or ".."') })
    expect(bad({ id: 'c', messages: [] })).toEqual({ status: 400, message: expect.stringContaining('messages: must hold at least one message') })
    expect(bad({ id: 'c', messages: [{ role: 'robot', parts: [] }] })).toEqual({ status: 400, message: expect.stringContaining('messages.0.role') })
    expect(bad({ id: 'c', messages: [user('hi'), { role: 'assistant', parts: [{ type: 'text', text: 'x' }] }] }))
      .toEqual({ status: 400, message: expect.stringContaining('messages.1.id: the last message must be the user\'s, or the assistant\'s with its id') })
    // The assistant's message last with nothing to answer (the SDK's automatic re-post after tool outputs): nothing new.
    expect(readChatRequest({ id: 'c', messages: [user('hi'), { id: 'a', role: 'assistant', parts: [{ type: 'tool-x', toolCallId: 't', state: 'output-available' }] }] }))
      .toMatchObject({ kind: 'settled', messageId: 'a' })
    expect(bad({ id: 'c', messages: [{ id: 'a', role: 'assistant', parts: [{ type: 'tool-x', toolCallId: 'c', state: 'approval-responded', approval: { id: 'r' } }] }] }))
      .toEqual({ status: 400, message: expect.stringContaining('messages.0.parts.0.approval') })
  })
})
