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
