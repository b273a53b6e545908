import { describe, expect, it } from 'vitest'
import { allowedMethods, corsAnswer, PREFLIGHT_MAX_AGE_SECONDS } from '../../server/lib/http/cors'

const trusted = new Set(['https://app.example.com'])
const base = { routeMethods: ['GET', 'POST'], trustedOrigins: trusted, requestMethod: undefined, requestHeaders: undefined }

describe('CORS for trusted front ends', () => {
  it('grants a trusted origin\'s preflight the route\'s methods and the headers it asks for, with credentials', () => {
    const answer = corsAnswer({ ...base, method: 'OPTIONS', origin: 'https://app.example.com', requestMethod: 'POST', requestHeaders: 'Content-Type, Idempotency-Key,  Authorization' })
    expect(answer.preflight).toBe(true)
    expect(answer.headers).toEqual({
      'allow': 'GET, POST, OPTIONS',
      'access-control-allow-origin': 'https://app.example.com',
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'content-type, idempotency-key, authorization',
      'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS),
    })
  })

  it('drops requested header names that are no tokens (no header injection through the echo)', () => {
    const answer = corsAnswer({ ...base, method: 'OPTIONS', origin: 'https://app.example.com', requestMethod: 'POST', requestHeaders: 'x-ok, bad name, x\r\nset-cookie: a' })
    expect(answer.headers['access-control-allow-headers']).toBe('x-ok')
  })

  it('lets a trusted origin read an answer and the headers it needs (Retry-After, Allow, the UI stream marker)', () => {
    const answer = corsAnswer({ ...base, method: 'GET', origin: 'https://app.example.com' })
    expect(answer.preflight).toBe(false)
    expect(answer.headers['access-control-allow-origin']).toBe('https://app.example.com')
    expect(answer.headers['access-control-allow-credentials']).toBe('true')
    expect(answer.headers['access-control-expose-headers']).toBe('retry-after, allow, x-vercel-ai-ui-message-stream, x-request-id')
  })

  it('gives any other origin, and a request with none, no CORS header; OPTIONS still learns the methods', () => {
    for (const origin of ['https://evil.example', 'https://app.example.com.evil.example', 'null', undefined]) {
      expect(corsAnswer({ ...base, method: 'POST', origin }).headers, String(origin)).toEqual({})
      expect(corsAnswer({ ...base, method: 'OPTIONS', origin, requestMethod: 'POST' }), String(origin)).toEqual({ headers: { allow: 'GET, POST, OPTIONS' }, preflight: true })
    }
  })

  it('lists OPTIONS among the allowed methods', () => {
    expect(allowedMethods(['POST'])).toBe('POST, OPTIONS')
  })
})
