/**
 * The logger redacts API keys by their usual prefix (`sk-…`), but matched it inside any word: a
 * tool, workflow or node whose name holds "sk-" followed by 8 characters — `risk-assessment`,
 * `ask-for-approval`, `desk-booking-flow` — was written as `ri[redacted]`, `a[redacted]`,
 * `de[redacted]`. The `job ended` line names where a job failed by such names (`toolName`,
 * `nodeId`), so an operator could not tell which tool or node it was. A key is still redacted
 * wherever it starts a word.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { emptyMetrics } from '../../shared/events'
import { logJobEnded } from '../../server/lib/job-end-log'
import { createConsoleLogger, redact } from '../../server/lib/logger'

afterEach(() => {
  vi.restoreAllMocks()
})

describe('a name with "sk-" inside a word', () => {
  it('is written whole in a log line', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    logJobEnded(createConsoleLogger(), { jobId: 'j1', type: 'workflow', instanceId: 'i1', steps: [] }, 'failed', { code: 'node-failed', message: 'm', failedDuring: 'workflow-node', nodeId: 'ask-for-approval', toolName: 'risk-assessment' }, emptyMetrics())
    expect(JSON.parse(warn.mock.calls[0]![0] as string)).toMatchObject({ message: 'job ended', nodeId: 'ask-for-approval', toolName: 'risk-assessment' })
    expect(redact('workflow "desk-booking-flow" node "task-reviewer1"')).toBe('workflow "desk-booking-flow" node "task-reviewer1"')
  })

  it('does not keep a key that starts a word from being redacted', () => {
    for (const line of ['key sk-or-v1-0123456789abcdef here', 'OPENAI_API_KEY=sk-proj-0123456789', '"sk-ant-api03-abcdefghij"', 'keys:sk-live-1234567890']) {
      expect(redact(line)).toContain('[redacted]')
      expect(redact(line)).not.toMatch(/sk-[\w-]{8,}/)
    }
  })
})
