/**
 * Stray errors of a workflow node's own code (a throw in a timer its `choose`, `args`, `prompt` or
 * `value` function started; a promise it rejected and left unhandled) are taken by the same trap
 * as a tool's: logged naming the workflow, the node and the job, counted in
 * `workflow_stray_errors_total`, never a crash. While the node runs, the node fails with the error.
 * Without the node's scope the trap does not see them (Vitest reports them as unhandled errors,
 * and no line names the node).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { Logger } from '../../server/lib/logger'
import { createMetrics } from '../../server/lib/metrics'
import { JobFailure } from '../../server/lib/run-context'
import { trapToolStrayErrors } from '../../server/lib/tools/stray-errors'
import { defineTool } from '../../server/utils/define-tool'
import { startWorkflow } from '../support/workflow-fake-context'

const stops: Array<() => void> = []

afterEach(() => {
  for (const stop of stops.splice(0).reverse()) stop()
})

function trap() {
  const logged: Array<{ message: string, fields?: Record<string, unknown> }> = []
  let onLogged = () => {}
  const logger: Logger = {
    info() {},
    warn() {},
    error: (message, fields) => {
      logged.push({ message, fields })
      onLogged()
    },
  }
  /** Resolves once an error line is logged (at once if one is). */
  const firstLine = () => new Promise<void>((resolve) => {
    if (logged.length) resolve()
    else onLogged = resolve
  })
  const metrics = createMetrics()
  const captured: Array<{ kind: string, source: string }> = []
  stops.push(trapToolStrayErrors({ logger, metrics, capture: (_error, kind, source) => captured.push({ kind, source }) }))
  return { logged, metrics, captured, firstLine }
}

/** Leaves an error behind: a throw in a timer, or a rejected promise nobody handles. */
function leaveStray(how: 'throw' | 'reject', message: string): void {
  if (how === 'throw') {
    setTimeout(() => {
      throw new Error(message)
    }, 0)
  }
  else {
    void Promise.reject(new Error(message))
  }
}

/** A tool whose call waits until the test opens its gate (its signal ends it too). */
function gatedTool() {
  let open = () => {}
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  let aborted = false
  const tool = defineTool({
    name: 'gate',
    description: 'waits for the test',
    parameters: z.object({}).passthrough(),
    execute: async (_args, context) => {
      context.signal.addEventListener('abort', () => {
        aborted = true
        open()
      })
      await opened
      return 'opened'
    },
  })
  return { tool, open: () => open(), aborted: () => aborted }
}

const KIND = { throw: 'uncaughtException', reject: 'unhandledRejection' } as const

describe('stray errors of a workflow node', () => {
  it.each(['throw', 'reject'] as const)('a stray %s while the node runs fails that node at once, named in the log and counted', async (how) => {
    const trapped = trap()
    const gate = gatedTool()
    const definition = {
      name: 'stray-flow',
      description: 't',
      input: z.object({}),
      nodes: {
        call: {
          kind: 'tool',
          tool: 'gate',
          args: () => {
            leaveStray(how, 'left behind by args')
            return {}
          },
        },
        done: { kind: 'output', value: 'never' },
      },
      edges: [['call', 'done']],
    }
    const job = startWorkflow(definition, {}, { tools: [gate.tool] })
    await job.done
    const error = job.error()
    expect(error).toBeInstanceOf(JobFailure)
    expect(error).toMatchObject({ code: 'node-failed', message: 'Node "call" failed: left behind by args', details: { nodeId: 'call' } })
    expect(job.nodeLog()).toEqual(['start:call', 'failed:call'])
    // The node's work is stopped with it (its tool call's signal fired).
    expect(gate.aborted()).toBe(true)
    expect(trapped.logged).toEqual([{
      message: 'workflow "stray-flow" node "call" raised an error from a callback or a promise left unhandled while the node ran; the node failed with it',
      fields: { workflow: 'stray-flow', nodeId: 'call', jobId: 'job-1', kind: KIND[how], error: 'left behind by args' },
    }])
    expect(trapped.metrics.snapshot().counters).toMatchObject({ [`workflow_stray_errors_total{kind="${KIND[how]}",node="call",workflow="stray-flow"}`]: 1 })
    expect(trapped.captured).toEqual([{ kind: KIND[how], source: 'workflow' }])
  })

  it.each(['throw', 'reject'] as const)('a stray %s after the node ended is logged naming it and ignored; the job goes on', async (how) => {
    const trapped = trap()
    const definition = {
      name: 'stray-flow',
      description: 't',
      input: z.object({}),
      nodes: {
        pick: {
          kind: 'branch',
          choose: () => {
            leaveStray(how, 'left behind by choose')
            return 'ask'
          },
        },
        ask: { kind: 'input', prompt: 'Go on?', schema: z.boolean() },
        done: { kind: 'output', value: 'finished' },
      },
      edges: [['pick', 'ask'], ['ask', 'done']],
    }
    const job = startWorkflow(definition, {})
    await job.nextInput()
    // The stray error comes while the job waits for the answer.
    await trapped.firstLine()
    expect(trapped.logged).toEqual([{
      message: 'workflow "stray-flow" node "pick" raised an error from a callback or a promise left unhandled after the node had ended; it was ignored',
      fields: { workflow: 'stray-flow', nodeId: 'pick', jobId: 'job-1', kind: KIND[how], error: 'left behind by choose' },
    }])
    expect(trapped.metrics.snapshot().counters[`workflow_stray_errors_total{kind="${KIND[how]}",node="pick",workflow="stray-flow"}`]).toBe(1)
    job.answer(true)
    await job.done
    expect(job.error()).toBeUndefined()
    expect(job.nodeLog()).toEqual(['start:pick', 'completed:pick', 'start:ask', 'completed:ask', 'start:done', 'completed:done'])
    expect(job.state().content).toBe('finished')
  })
})
