import { describe, expect, it } from 'vitest'
import { listQuerySchema } from '../../server/lib/http/schemas'

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
