/**
 * Input nodes whose timeout settings cannot do what they say, warned about at boot. A
 * `timeoutAnswer` next to an `onTimeout` written out as `fail` or `abort` is never used (left out,
 * `onTimeout` defaults to `fail` and that is refused: validate-node.ts). And nodes that wait as long
 * as a job may run, or longer: the job's time limit
 * (`limits.jobTimeoutMs`) counts waits too, so such a question's `onTimeout` never applies — the job
 * ends as a `timeout` first (its input request says so: input-requests.ts). Warned about at boot,
 * as `limits.inputTimeoutMs` is for the default wait (config-validate.ts).
 */
import type { BackgroundJobsConfig } from '../config'
import { envNameOf } from '../config'
import { isCompiledWorkflow } from './registry'
import type { RegisteredWorkflow } from './types'

/** One warning per input node whose `timeoutAnswer` its written-out `onTimeout` never uses, and per one whose own `timeoutMs` is not shorter than `limits.jobTimeoutMs`. */
export function workflowWaitWarnings(workflows: readonly RegisteredWorkflow[], config: BackgroundJobsConfig): string[] {
  const { jobTimeoutMs } = config.limits
  const warnings: string[] = []
  for (const workflow of workflows) {
    if (!isCompiledWorkflow(workflow)) continue
    for (const [nodeId, node] of workflow.graph.nodes) {
      if (node.kind !== 'input') continue
      if (node.timeoutAnswer !== undefined && (node.onTimeout === 'fail' || node.onTimeout === 'abort')) {
        warnings.push(`workflow "${workflow.name}" input node "${nodeId}" has a timeoutAnswer, which its onTimeout "${node.onTimeout}" never uses: when nobody answers, the job ${node.onTimeout === 'fail' ? 'fails' : 'is aborted'}; set onTimeout: 'default' to go on with the answer, or remove it`)
      }
      if (node.timeoutMs === undefined || node.timeoutMs < jobTimeoutMs) continue
      warnings.push(`workflow "${workflow.name}" input node "${nodeId}" waits up to timeoutMs ${node.timeoutMs} ms for an answer, not less than backgroundJobs.limits.jobTimeoutMs (${envNameOf('limits.jobTimeoutMs')}, ${jobTimeoutMs} ms): the job's time limit counts waits too, so an unanswered question ends its job as a timeout before its onTimeout "${node.onTimeout ?? 'fail'}" applies`)
    }
  }
  return warnings
}
