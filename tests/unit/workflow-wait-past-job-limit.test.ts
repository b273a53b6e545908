/**
 * An input node that waits longer than the job may run (`timeoutMs: 3_600_000` for a manager's
 * approval, with the default `limits.jobTimeoutMs` of 10 minutes) never applies its `onTimeout`: the
 * job's time limit counts the wait and ends the job as a `timeout` first. Its input request still
 * said "expires in an hour" and the demo told the person "If nobody answers by 15:00, the draft is
 * rejected" while the job ended at 14:10. The server warned for `limits.inputTimeoutMs` (the
 * default wait) but said nothing of a node's own `timeoutMs`: it now warns at boot naming the
 * workflow, the node and both settings.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { workflowWaitWarnings } from '../../server/lib/workflows/wait-warnings'
import { defineWorkflow } from '../../server/utils/define-workflow'

const approval = (ask: Record<string, unknown>) => defineWorkflow({
  name: 'expense',
  description: 'asks a manager',
  input: z.object({}),
  nodes: {
    ask: { kind: 'input', prompt: 'Approve the expense?', schema: z.boolean(), ...ask } as never,
    done: { kind: 'output', value: '{{outputs.ask}}' },
  },
  edges: [['ask', 'done']],
})

describe('an input node waiting as long as the job may run, or longer', () => {
  it('is warned about at boot, naming the workflow, the node and both settings', () => {
    const workflows = createWorkflowRegistry([approval({ timeoutMs: 3_600_000, onTimeout: 'default', timeoutAnswer: false })])
    expect(workflowWaitWarnings(workflows.list(), resolveConfig({}))).toEqual([
      'workflow "expense" input node "ask" waits up to timeoutMs 3600000 ms for an answer, not less than backgroundJobs.limits.jobTimeoutMs (NUXT_BACKGROUND_JOBS_LIMITS_JOB_TIMEOUT_MS, 600000 ms): the job\'s time limit counts waits too, so an unanswered question ends its job as a timeout before its onTimeout "default" applies',
    ])
  })

  it('is not warned about when the job may run longer, or when the node waits the default time', () => {
    const workflows = createWorkflowRegistry([approval({ timeoutMs: 3_600_000 })])
    expect(workflowWaitWarnings(workflows.list(), resolveConfig({ limits: { jobTimeoutMs: 7_200_000 } }))).toEqual([])
    // The default wait (`limits.inputTimeoutMs`) has its own warning (config-validate.ts).
    expect(workflowWaitWarnings(createWorkflowRegistry([approval({})]).list(), resolveConfig({ limits: { inputTimeoutMs: 900_000 } }))).toEqual([])
  })

  // An explicit `fail`/`abort` next to a timeoutAnswer is a setting that contradicts itself but
  // says what it does, so it boots, with a warning naming the node (left out, it is refused:
  // workflow-validate.test.ts).
  it('warns about a timeoutAnswer that an onTimeout written out as fail or abort never uses', () => {
    const workflows = createWorkflowRegistry([approval({ onTimeout: 'abort', timeoutAnswer: false })])
    expect(workflowWaitWarnings(workflows.list(), resolveConfig({}))).toEqual([
      'workflow "expense" input node "ask" has a timeoutAnswer, which its onTimeout "abort" never uses: when nobody answers, the job is aborted; set onTimeout: \'default\' to go on with the answer, or remove it',
    ])
    const failing = createWorkflowRegistry([approval({ onTimeout: 'fail', timeoutAnswer: false })])
    expect(workflowWaitWarnings(failing.list(), resolveConfig({}))[0]).toContain('its onTimeout "fail" never uses: when nobody answers, the job fails;')
    expect(workflowWaitWarnings(createWorkflowRegistry([approval({ onTimeout: 'default', timeoutAnswer: false })]).list(), resolveConfig({}))).toEqual([])
  })
})
