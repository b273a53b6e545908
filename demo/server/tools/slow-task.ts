/**
 * Demo tool: waits the given number of seconds, and stops at once when its signal fires
 * (job aborted or tool timeout) — the pattern every long-running tool should follow.
 */
import { z } from 'zod'
import { defineTool } from '../../../server/utils/define-tool'
import { wait } from './lib/wait'

/** Longest wait this demo accepts. */
const MAX_SECONDS = 30

export default defineTool({
  name: 'slow_task',
  description: `Simulates slow work: waits the given number of seconds (at most ${MAX_SECONDS}) and reports how long it took.`,
  parameters: z.object({
    seconds: z.number().min(0).max(MAX_SECONDS).describe('How long to wait'),
  }),
  // Longer than the default 10 s limit, so the longest allowed wait can finish.
  timeoutMs: (MAX_SECONDS + 5) * 1000,
  async execute({ seconds }, { signal }) {
    const startedAt = Date.now()
    await wait(seconds * 1000, signal)
    return { waitedMs: Date.now() - startedAt }
  },
})
