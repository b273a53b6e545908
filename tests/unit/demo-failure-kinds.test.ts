/**
 * A failed answer in plain words (demo/app/lib/failure-kinds.ts): the turn showed the engine's
 * message ("Failed: The model stream reported an error: …") where a chat app says what happened in a
 * sentence. Every code docs/api.md lists ("Job error codes") has a sentence of its own kind; the
 * code and message stay available as details.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { failureDetails, failureSentence } from '../../demo/app/lib/failure-kinds'

/** The codes of docs/api.md's "Job error codes" table (its first column, each code in backticks). */
function documentedCodes(): string[] {
  const api = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8')
  const table = api.slice(api.indexOf('### Job error codes'), api.indexOf('## Answering input'))
  return table.split('\n').filter(line => line.startsWith('| `')).flatMap(line => [...line.split('|')[1]!.matchAll(/`([a-z-]+)`/g)].map(match => match[1]!))
}

describe('failureSentence', () => {
  it('has a sentence for every documented code, none of them naming the code or a setting', () => {
    const codes = documentedCodes()
    expect(codes).toEqual(expect.arrayContaining(['upstream-error', 'upstream-rate-limited', 'timeout', 'max-steps', 'node-failed', 'internal-error']))
    for (const code of codes.filter(code => code !== 'aborted')) {
      const sentence = failureSentence({ code })
      expect(sentence, code).not.toBe(failureSentence({ code: 'an-apps-own-code' }))
      expect(sentence, code).not.toMatch(/`|upstream|limits\.|[a-z]+-[a-z]+-?/)
      expect(sentence, code).toMatch(/^[A-Z].*\.$/)
    }
  })

  it('says what happened in plain words', () => {
    expect(failureSentence({ code: 'upstream-stream' })).toBe('The AI model’s service had a problem, so the answer stopped. Try again in a moment.')
    expect(failureSentence({ code: 'upstream-rate-limited' })).toBe('The AI model is busy right now (too many requests). Wait a little, then try again.')
    expect(failureSentence({ code: 'context-budget-exceeded' })).toBe('This message, with what it needs, is too long for the AI model. Shorten it, or start a new thread.')
  })

  it('says the partial answer is kept when one had arrived', () => {
    expect(failureSentence({ code: 'timeout' }, true)).toBe('This answer took longer than the server allows, so it was stopped. The part that had arrived is kept.')
  })

  it('has a general sentence for a code of the app\'s own', () => {
    expect(failureSentence({ code: 'billing-quota' })).toBe('Something went wrong, so this answer stopped.')
  })
})

describe('failureDetails', () => {
  it('keeps the code, the server\'s message, where it happened and the request id, in that order', () => {
    expect(failureDetails({ code: 'tool-error', message: 'deploy failed: 503', nodeId: 'ship', toolName: 'deploy-site' }, 'req-1')).toEqual([
      { label: 'Error code', value: 'tool-error' },
      { label: 'Message', value: 'deploy failed: 503' },
      { label: 'Workflow step', value: 'ship' },
      { label: 'Tool', value: 'deploy-site' },
      { label: 'Request id', value: 'req-1' },
    ])
    expect(failureDetails({ code: 'timeout', message: '' })).toEqual([{ label: 'Error code', value: 'timeout' }])
  })
})
