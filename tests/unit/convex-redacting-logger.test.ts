import { afterEach, describe, expect, it, vi } from 'vitest'
import { redactingLogger } from '../../server/lib/providers/convex-facade'

const SECRET = 'convex-server-secret-0123456789abcdef'

afterEach(() => {
  vi.restoreAllMocks()
})

describe('the Convex client logger', () => {
  it('never prints the server secret: scrubbed from text and from errors the client logs', () => {
    const printed: unknown[][] = []
    for (const method of ['log', 'info', 'warn', 'error'] as const) vi.spyOn(console, method).mockImplementation((...parts: unknown[]) => void printed.push(parts))
    const logger = redactingLogger(SECRET)
    // What the client prints for a failed mutation: the server's message quoting the arguments.
    logger.error(`[CONVEX M(events:append)] ArgumentValidationError: Value does not match validator. Object: {secret: "${SECRET}", jobId: "j1"}`)
    logger.warn('retrying', new Error(`failed with {secret: "${SECRET}"}`))
    logger.log('plain line')
    logger.logVerbose()
    const text = printed.map(parts => parts.map(part => (part instanceof Error ? `${part.message} ${part.stack}` : String(part))).join(' ')).join('\n')
    expect(text).not.toContain(SECRET)
    expect(text).toContain('[redacted]')
    expect(text).toContain('plain line')
    expect(printed).toHaveLength(3)
  })
})
