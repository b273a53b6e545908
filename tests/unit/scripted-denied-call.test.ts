/**
 * The scripted model's answer after the user denied a tool call read the denial as a result:
 * "deploy_site — error: The user denied the call to tool "deploy_site". Do not retry it; tell the
 * user it was not done", then "That is everything you asked for." — the advice meant for the model
 * shown to the user, and a claim the answer had done it. As a real model given that advice would, it
 * now says the call was not done because the user denied it (with the reason given, if any), and
 * does not say everything asked for was done.
 */
import { describe, expect, it } from 'vitest'
import { ToolDeniedError } from '../../server/lib/executor/tool-errors'
import { planScriptedTurn } from '../../server/lib/model/scripted-script'
import type { ChatMessage } from '../../server/lib/providers/types'

/** The deploy prompt, its call, and the tool message the executor sends for `content`. */
function afterDeploy(content: string): ChatMessage[] {
  return [
    { role: 'user', content: 'Please deploy the site' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'deploy_site', arguments: '{}' } }] },
    { role: 'tool', tool_call_id: 'c1', content },
  ]
}

describe('the scripted model after a denied call', () => {
  it('says the call was not done because the user denied it, without the advice meant for the model', () => {
    const { text } = planScriptedTurn({ messages: afterDeploy(JSON.stringify({ error: new ToolDeniedError('deploy_site').message })) })
    expect(text).toContain('- **deploy_site** — not done: you denied it.')
    expect(text).not.toMatch(/Do not retry|That is everything you asked for/)
  })

  it('gives the reason the user gave', () => {
    const { text } = planScriptedTurn({ messages: afterDeploy(JSON.stringify({ error: new ToolDeniedError('deploy_site', 'not today').message })) })
    expect(text).toContain('- **deploy_site** — not done: you denied it (not today).')
  })

  it('still sums up a call that ran as before', () => {
    const { text } = planScriptedTurn({ messages: afterDeploy(JSON.stringify({ deployed: 'example-site', files: 5 })) })
    expect(text).toContain('- **deploy_site** — deployed: example-site, files: 5')
    expect(text).toContain('That is everything you asked for.')
  })
})
