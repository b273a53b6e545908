/**
 * The Convex client logs on its own — a dropped WebSocket and each reconnect attempt, a failed
 * call's server message (several lines), the functions' `console.log` lines — and the provider
 * passed those straight to the console: plain text, an Error with its stack, among the layer's
 * JSON lines (docs/logs.md: one JSON line per event). A JSON log pipeline broke on them
 * exactly during a Convex outage. They now go through the server's logger: one redacted JSON line
 * each, `convex client: …`, the secret scrubbed as before. (Since the boot check, such a provider
 * fails its boot once its call has had no answer for `convexTimeoutMs`: the lines come before.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { StoreUnreachableError } from '../../server/lib/errors'
import { createConsoleLogger } from '../../server/lib/logger'
import { createProviderFromConfig } from '../../server/lib/providers/create-provider'
import { redactingLogger } from '../../server/lib/providers/convex-facade'
import { resolveConfig } from '../../server/lib/config'
import { freePort } from '../support/server-process'

const SECRET = 'convex-server-secret-0123456789abcdef'

/** Every line written to the console while `run` runs. */
function captureConsole(): string[][] {
  const printed: string[][] = []
  for (const method of ['log', 'info', 'warn', 'error'] as const) {
    vi.spyOn(console, method).mockImplementation((...parts: unknown[]) => void printed.push(parts.map(part => (part instanceof Error ? `${part.name}: ${part.message}\n${part.stack}` : String(part)))))
  }
  return printed
}

/** True for one line of JSON from the layer's logger. */
function isJsonLine(parts: string[]): boolean {
  if (parts.length !== 1 || parts[0]!.includes('\n')) return false
  try {
    return JSON.parse(parts[0]!).scope === 'background-jobs'
  }
  catch {
    return false
  }
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('the Convex client\'s own log lines', () => {
  it('are one JSON line each, by level, with the secret scrubbed and no stack', () => {
    const printed = captureConsole()
    const logger = redactingLogger(SECRET, createConsoleLogger())
    logger.error(`[CONVEX M(events:append)] [Request ID: 1a2b] Server Error\nArgumentValidationError: Object: {secret: "${SECRET}"}`)
    logger.warn('Attempting reconnect failed:', new Error(`failed with {secret: "${SECRET}"}`))
    logger.log('%c[CONVEX Q(jobs:get)] [LOG]', 'color:rgb(0, 145, 255)', '\'hello\'')
    logger.logVerbose()
    expect(printed.filter(parts => !isJsonLine(parts))).toEqual([])
    const lines = printed.map(parts => JSON.parse(parts[0]!) as { level: string, message: string })
    expect(lines.map(line => [line.level, line.message])).toEqual([
      ['error', `convex client: [CONVEX M(events:append)] [Request ID: 1a2b] Server Error\nArgumentValidationError: Object: {secret: "[redacted]"}`],
      ['warn', 'convex client: Attempting reconnect failed:'],
      ['info', 'convex client: [CONVEX Q(jobs:get)] [LOG] \'hello\''],
    ])
    expect(JSON.stringify(lines)).not.toContain(SECRET)
    expect(JSON.stringify(lines)).not.toContain('at ')
  })

  it('a provider whose deployment cannot be reached logs its reconnects as JSON lines', async () => {
    const printed = captureConsole()
    const port = await freePort()
    const config = resolveConfig({ provider: 'convex', convexUrl: `http://127.0.0.1:${port}`, convexSecret: SECRET, cookieSecret: 'x'.repeat(32), convexTimeoutMs: 5_000 })
    const boot = createProviderFromConfig(config, { logger: createConsoleLogger() }).then(provider => provider, (error: unknown) => error)
    // The client connects when it is created (ready) and logs the refused socket and its next attempt.
    await vi.waitFor(() => expect(printed.length).toBeGreaterThan(0), { timeout: 10_000 })
    expect(printed.filter(parts => !isJsonLine(parts))).toEqual([])
    expect(printed.map(parts => JSON.parse(parts[0]!).message as string).join('\n')).toContain('convex client: ')
    // The boot check gets no answer: the boot fails naming the URL (tried again by the engine), its client closed.
    const outcome = await boot
    if (!(outcome instanceof Error)) await (outcome as { dispose?: () => Promise<void> }).dispose?.()
    expect(outcome).toBeInstanceOf(StoreUnreachableError)
    expect((outcome as Error).message).toContain('(NUXT_BACKGROUND_JOBS_CONVEX_URL) did not answer')
  })
})
