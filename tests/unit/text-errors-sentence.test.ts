/**
 * The AI SDK routes answer an error as its message in plain text (text-errors.ts). Only a message
 * written for the client is shown: an h3 error's (ours, or the app's own `createError`); another
 * thrown value with a `statusCode` (an app hook's plain `Error`, whose text may name internals)
 * reads as its status's phrase, as Nitro's JSON answer hides it.
 */
import { IncomingMessage, ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import { createError, createEvent } from 'h3'
import { describe, expect, it } from 'vitest'
import { sendErrorAsText } from '../../server/lib/http/text-errors'

function newEvent() {
  const request = new IncomingMessage(new Socket())
  const response = new ServerResponse(request)
  return { event: createEvent(request, response), response }
}

describe('the sentence of a text error', () => {
  it('an h3 error (ours or the app\'s createError) says its message', () => {
    const { event, response } = newEvent()
    expect(sendErrorAsText(event, createError({ statusCode: 403, message: 'Not a member of this project' }))).toBe('Not a member of this project')
    expect([response.statusCode, response.getHeader('content-type')]).toEqual([403, 'text/plain; charset=utf-8'])
  })

  it('a plain Error with a statusCode (an app hook\'s) reads as its status, not its text', () => {
    const { event, response } = newEvent()
    const thrown = Object.assign(new Error('session store at redis://10.0.0.3:6379 refused the lookup'), { statusCode: 403 })
    expect(sendErrorAsText(event, thrown)).toBe('Forbidden')
    expect(response.statusCode).toBe(403)
    const serverSide = Object.assign(new Error('pool exhausted at db-7'), { statusCode: 503 })
    expect(sendErrorAsText(newEvent().event, serverSide)).toBe('Internal error')
  })

  it('an h3 error marked unhandled reads as its status too', () => {
    const unhandled = createError({ statusCode: 500, message: 'TypeError: cannot read x of undefined' })
    unhandled.unhandled = true
    expect(sendErrorAsText(newEvent().event, unhandled)).toBe('Internal error')
  })
})
