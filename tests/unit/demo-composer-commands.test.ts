/**
 * The composer's slash command (demo/app/lib/commands.ts): `/workflow` or `/wf` is a command only
 * as a whole word. A chat message that merely starts with those letters (`/wfh`, `/workflows`) is
 * sent as chat, not refused with "Name a workflow".
 */
import { describe, expect, it } from 'vitest'
import type { CatalogWorkflow } from '../../app/lib/api-types'
import { parseComposerInput } from '../../demo/app/lib/commands'

const workflows: CatalogWorkflow[] = [{
  name: 'research-report',
  description: '',
  inputSchema: { type: 'object', properties: { topic: { type: 'string' } }, required: ['topic'] },
  questions: [],
}]

describe('the /workflow command is a whole word', () => {
  it('sends a message that only starts with its letters as chat', () => {
    expect(parseComposerInput('/wfh tips for a small flat?', workflows)).toEqual({ kind: 'chat', prompt: '/wfh tips for a small flat?' })
    expect(parseComposerInput('/workflows: what are they?', workflows)).toEqual({ kind: 'chat', prompt: '/workflows: what are they?' })
  })

  it('still reads the command itself, alone or with a name', () => {
    expect(parseComposerInput('/wf', workflows)).toMatchObject({ kind: 'invalid', message: expect.stringContaining('research-report') })
    expect(parseComposerInput('/wf research-report sails', workflows)).toMatchObject({ kind: 'workflow', workflow: 'research-report', input: { topic: 'sails' } })
    expect(parseComposerInput('/workflow\nresearch-report sails', workflows)).toMatchObject({ kind: 'workflow', workflow: 'research-report' })
  })
})
