import { describe, expect, it } from 'vitest'
import { listQuerySchema } from '../../server/lib/http/schemas'
import { decodeListCursor, encodeListCursor } from '../../server/lib/list-cursor'

describe('the query of GET /api/jobs', () => {
  it('reads a comma-separated status list', () => {
    expect(listQuerySchema.parse({ status: 'running, waiting' })).toEqual({ status: ['running', 'waiting'] })
  })

  it('an empty status list is no filter, as without the parameter', () => {
    for (const status of ['', ',,,', ' , ']) expect(listQuerySchema.parse({ status }).status).toBeUndefined()
    expect(listQuerySchema.parse({}).status).toBeUndefined()
  })

  it('an empty thread, message or limit is no filter either (GET /api/jobs?status=&threadId=&messageId=&limit=)', () => {
    expect(listQuerySchema.parse({ status: '', threadId: '', messageId: ' ', limit: '' })).toEqual({})
    expect(listQuerySchema.parse({ threadId: 't-1', messageId: 'm-1', limit: '5' })).toEqual({ threadId: 't-1', messageId: 'm-1', limit: 5 })
  })

  it('still names a bad limit', () => {
    for (const limit of ['0', '201', 'ten']) expect(listQuerySchema.safeParse({ limit }).success).toBe(false)
  })

  it('reads a repeated parameter as one list', () => {
    expect(listQuerySchema.parse({ status: ['', 'running'] })).toEqual({ status: ['running'] })
    expect(listQuerySchema.parse({ status: ['running', 'waiting,queued'] })).toEqual({ status: ['running', 'waiting', 'queued'] })
  })

  it('names an unknown status', () => {
    const result = listQuerySchema.safeParse({ status: 'running,sleeping' })
    expect(result.success).toBe(false)
    expect(result.error?.issues[0]?.message).toContain('unknown status "sleeping"')
  })
})

describe('the `before` cursor of GET /api/jobs', () => {
  it('reads back the place a `next` cursor was made from', () => {
    const bound = { createdAt: 1_700_000_000_123, id: '0f8e2a4c-1b7d-4e59-9c3a-6d2f8b1e7a90' }
    const cursor = encodeListCursor(bound)
    expect(cursor).toMatch(/^[\w-]+$/)
    expect(cursor.length).toBeLessThan(80)
    expect(listQuerySchema.parse({ before: cursor })).toEqual({ before: bound })
    expect(listQuerySchema.parse({ before: '' })).toEqual({})
  })

  it('names `before` for a malformed or foreign cursor', () => {
    const foreign = [
      'not a cursor',
      Buffer.from('{"offset":50}').toString('base64url'),
      Buffer.from('v2:1:job').toString('base64url'),
      Buffer.from('v1:-1:job').toString('base64url'),
      Buffer.from('v1:1:').toString('base64url'),
      Buffer.from('v1:99999999999999999:job').toString('base64url'),
      `${encodeListCursor({ createdAt: 1, id: 'job' })}=`,
      Buffer.from(`v1:1:${'x'.repeat(201)}`).toString('base64url'),
    ]
    for (const before of [...foreign, ['a', 'b']]) {
      const result = listQuerySchema.safeParse({ before })
      expect(result.success, String(before)).toBe(false)
      expect(result.error?.issues[0]?.path).toEqual(['before'])
    }
    expect(decodeListCursor('djE6MTpqb2I')).toEqual({ createdAt: 1, id: 'job' })
  })
})
