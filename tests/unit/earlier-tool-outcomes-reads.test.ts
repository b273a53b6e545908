/**
 * The earlier jobs a turn names (decision 15) were read one after another: on Redis or Convex, 20
 * named answers held the new turn's start for 20 store round trips. They are read a few at a time
 * (`EARLIER_JOBS_READ_AT_ONCE`), used in the same order, within the same limits; a read that fails
 * fails the turn as before. On a memory engine whose provider counts the reads in flight.
 */
import type { H3Event } from 'h3'
import { afterEach, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { chatJobInputOf } from '../../server/lib/http/chat-job-retry'
import { EARLIER_JOBS_READ_AT_ONCE, withEarlierToolOutcomes } from '../../server/lib/http/earlier-tool-outcomes'
import type { JobProvider } from '../../server/lib/providers/types'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { createTestEngine } from '../support/engine-harness'
import { createStepModel, textStep, toolStep } from '../support/step-model'

const event = { context: {}, node: { req: { headers: {} } } } as unknown as H3Event
const flags = { enabled: true, tools: true, workflows: true }
const lookup = defineTool({ name: 'lookup', description: 'looks up', parameters: z.object({ n: z.number() }), execute: ({ n }) => ({ n }) })
const TURNS = 9

let dispose: (() => Promise<void>) | undefined
afterEach(async () => {
  await dispose?.()
  dispose = undefined
})

/** A provider whose `getState` (one per job read) is counted while `reads.counting`; `failing` throws. */
function countingReads(provider: JobProvider, reads: { counting: boolean, inFlight: number, most: number, total: number, failing?: string[] }): JobProvider {
  return new Proxy(provider, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver)
      if (name !== 'getState' || typeof value !== 'function') return value
      return async (jobId: string) => {
        if (!reads.counting) return await value.call(target, jobId)
        reads.total++
        reads.inFlight++
        reads.most = Math.max(reads.most, reads.inFlight)
        try {
          // One macrotask: every read started before it overlaps with this one.
          await new Promise(resolve => setTimeout(resolve, 0))
          if (reads.failing?.includes(jobId)) throw new Error('store unavailable')
          return await value.call(target, jobId)
        }
        finally {
          reads.inFlight--
        }
      }
    },
  })
}

/** `TURNS` ended turns of thread t1, each calling `lookup` once, and the next turn's body naming them all. */
async function longToolThread(config: BackgroundJobsConfigInput = {}) {
  const steps = Array.from({ length: TURNS }, (_, n) => [toolStep([{ id: 'call_1', name: 'lookup', args: { n } }]), textStep(`Answer ${n}.`)]).flat()
  const reads = { counting: false, inFlight: 0, most: 0, total: 0 } as { counting: boolean, inFlight: number, most: number, total: number, failing?: string[] }
  const { engine, config: resolved } = createTestEngine({ runners: { chat: runChatJob }, model: createStepModel(steps), tools: createToolRegistry([lookup]), config, wrap: provider => countingReads(provider, reads) })
  dispose = () => engine.dispose()
  const messages: Array<{ role: string, content: string, jobId?: string }> = []
  const ids: string[] = []
  for (let n = 0; n < TURNS; n++) {
    const { job } = await engine.createJob('user-1', { request: { type: 'chat', messages: [{ role: 'user', content: `look up ${n}` }] }, threadId: 't1' })
    await engine.whenSettled(job.id)
    ids.push(job.id)
    messages.push({ role: 'user', content: `look up ${n}` }, { role: 'assistant', content: `Answer ${n}.`, jobId: job.id })
  }
  messages.push({ role: 'user', content: 'and all together?' })
  reads.counting = true
  const next = () => withEarlierToolOutcomes({ event, engine, config: resolved, userId: 'user-1', flags }, chatJobInputOf({ threadId: 't1', messages }, resolved, flags, null))
  return { reads, ids, next }
}

it(`reads the named jobs ${EARLIER_JOBS_READ_AT_ONCE} at a time, and puts each job's rounds before its own answer`, async () => {
  const { reads, next } = await longToolThread()
  const input = await next()
  expect([reads.total, reads.most]).toEqual([TURNS, EARLIER_JOBS_READ_AT_ONCE])
  if (input.request.type !== 'chat') throw new Error('not a chat job')
  const sent = input.request.messages
  for (let n = 0; n < TURNS; n++) {
    const answer = sent.findIndex(message => message.content === `Answer ${n}.`)
    expect(sent.slice(answer - 2, answer + 1)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: n === 0 ? 'call_1' : `call_1_${n + 1}`, type: 'function', function: { name: 'lookup', arguments: `{"n":${n}}` } }] },
      { role: 'tool', tool_call_id: n === 0 ? 'call_1' : `call_1_${n + 1}`, name: 'lookup', content: `{"n":${n}}` },
      { role: 'assistant', content: `Answer ${n}.` },
    ])
  }
  expect(sent).toHaveLength(TURNS * 4 + 1)
})

it('a read that fails (not a job gone) fails the turn, as when they were read one by one; one read ahead and never used is no unhandled rejection', async () => {
  const { reads, ids, next } = await longToolThread()
  // Newest first: ids[2] is the seventh read, ids[1] (read ahead with it) is never reached.
  reads.failing = [ids[2]!, ids[1]!]
  await expect(next()).rejects.toThrow('store unavailable')
  await vi.waitFor(() => expect(reads.inFlight).toBe(0))
})

it('a read for an answer whose turn gave way to newer rounds is not waited for: its failure does not fail the turn', async () => {
  // Two messages of room: each newer answer's round takes the oldest turn's place, down to turn 4.
  const { reads, ids, next } = await longToolThread({ limits: { maxMessages: TURNS * 2 + 3 } })
  reads.failing = [ids[3]!]
  const input = await next()
  if (input.request.type !== 'chat') throw new Error('not a chat job')
  expect(input.request.messages[0]).toEqual({ role: 'user', content: 'look up 4' })
  expect(input.request.messages.filter(message => message.role === 'tool')).toHaveLength(5)
  await vi.waitFor(() => expect(reads.inFlight).toBe(0))
})
