import { afterEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { createConsoleLogger } from '../../server/lib/logger'
import { createProviderFromConfig } from '../../server/lib/providers/create-provider'
import { appendAccepted, createJob, statusEvent } from '../providers/contract-fixtures'

// The memory provider built from config (the default store) reports a listener's throw through the
// engine's logger — one JSON line, redacted and cut like every other, naming the job — not console.error's raw dump.
describe('memory provider built from config: a listener that throws', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('is logged as a redacted JSON line, not with console.error', async () => {
    const lines: string[] = []
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)))
    vi.spyOn(console, 'warn').mockImplementation((line: unknown) => void lines.push(String(line)))
    const raw = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')))
    const provider = await createProviderFromConfig(resolveConfig({}), { logger: createConsoleLogger() })
    const job = await createJob(provider)
    provider.subscribe!(job.id, () => {
      throw new Error('viewer broke with Bearer abcdefghijklmnop')
    })
    await appendAccepted(provider, job.id, [statusEvent(1)])

    const line = lines.find(text => text.includes('memory provider listener failed'))
    expect(line).toBeDefined()
    const parsed = JSON.parse(line!) as { level: string, jobId?: string, error: { message: string } }
    expect(parsed.level).toBe('error')
    // Which job's viewer broke: the line names it, as every line about a job does.
    expect(parsed.jobId).toBe(job.id)
    expect(parsed.error.message).toBe('viewer broke with [redacted]')
    expect(lines.join('\n')).not.toContain('abcdefghijklmnop')
    expect(raw.mock.calls.some(args => args[0] === '[background-jobs] memory provider listener failed')).toBe(false)
  })
})
