import { describe, expect, it } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { resolveConfig } from '../../server/lib/config'
import { createModelClientFromConfig } from '../../server/lib/model/create-model-client'
import calculate from '../../demo/server/tools/calculate'
import deleteFile from '../../demo/server/tools/delete-file'
import getCurrentTime from '../../demo/server/tools/get-current-time'
import slowTask from '../../demo/server/tools/slow-task'
import { createFakeRunContext } from '../support/fake-run-context'

// The built-in scripted model (no API key) through the real client, with the demo tools: the offline demo path.
const config = { scripted: { enabled: true, chunkIntervalMs: 0, chunkChars: 50 } }
const tools = [getCurrentTime, calculate, slowTask, deleteFile]

function start(prompt: string) {
  const fake = createFakeRunContext({ model: createModelClientFromConfig(resolveConfig(config)), tools, config })
  return { ...fake, running: runChatJob(fake.context, { type: 'chat', messages: [{ role: 'user', content: prompt }] }) }
}

describe('executor with the built-in scripted model and the demo tools', () => {
  it('runs two tool steps in a row, then answers with their results', async () => {
    const { running, state, metrics } = start('What time is it? Then calculate 2+3 for me')
    await running
    expect(state().toolCalls.map(call => [call.name, call.step, call.status])).toEqual([
      ['get_current_time', 1, 'completed'],
      ['calculate', 2, 'completed'],
    ])
    expect(state().toolCalls[1]!.result).toEqual({ expression: '2+3', result: 5 })
    expect(state().content).toContain('5')
    expect(metrics.total_rounds).toBe(3)
  })

  it('asks for approval before the delete tool runs', async () => {
    const { running, state, nextInputRequest, answer } = start('Please delete my notes')
    answer(await nextInputRequest(), 'approve')
    await running
    expect(state().toolCalls[0]).toMatchObject({ name: 'delete_file', status: 'completed', result: { deleted: 'notes.txt' } })
  })
})
