/**
 * One run of a workflow inside a job: walks the graph from the start node, runs each node under
 * its limits, records `node-start` / `node-end`, and skips nodes an earlier run already finished.
 */
import { JobFailure } from '../run-context'
import { describeFailureCause } from '../executor/tool-errors'
import { upstreamFields } from '../upstream-code'
import type { RunContext } from '../run-context'
import type { WorkflowNode, WorkflowNodeKind, WorkflowState } from './define'
import { createNodeContext } from './node-context'
import type { NodeContext } from './node-context'
import type { AuthorCode, NodeExecutor, RunNodeOptions } from './node-executor'
import { openScope, runInCallScope } from '../isolation/call-scope'
import type { NodeScope } from '../isolation/call-scope'
import { runWithNodeTimeout } from './node-timeout'
import { asRecordedOutput, checkRecordedSize } from './recorded-output'
import { runAgentNode } from './nodes/agent'
import { runBranchNode } from './nodes/branch'
import { runInputNode } from './nodes/input'
import { runOutputNode } from './nodes/output'
import { runParallelNode } from './nodes/parallel'
import { runToolNode } from './nodes/tool'
import type { CompiledWorkflow } from './registry'
import { createResumePoint } from './resume'
import { nodeTimeUsed } from './node-time-used'
import { recordedAnswerAsReadNow } from './recorded-answer'
import { setOutputAsRead } from './declared-input'
import { traceWorkflowNode } from '../telemetry/step-spans'
import { setOwn } from '../../../shared/own-key'
import type { WorkflowNodeInfo } from '../telemetry/step-spans'
import type { ResumeCursor, ResumePoint, StoredAnswer } from './resume'
import { fieldOf } from '../thrown-field'

/** Why an attempt an owner taking the job over left behind ended, once the walk comes to its node as a new visit. */
const LEFT_BEHIND = 'left behind by the owner that took the job over: this node runs again as a new visit'

/** The job's error code when the node it stopped in is gone from the workflow (a deploy since). */
export const WORKFLOW_CHANGED_CODE = 'workflow-changed'

const EXECUTORS: { [Kind in WorkflowNodeKind]: NodeExecutor<Extract<WorkflowNode, { kind: Kind }>> } = {
  agent: runAgentNode,
  tool: runToolNode,
  input: runInputNode,
  branch: runBranchNode,
  parallel: runParallelNode,
  output: runOutputNode,
}

/**
 * Kinds held to limits.nodeTimeoutMs. Input nodes wait for a human (their request has its own
 * expiry); a parallel node only waits for its branches, which are each held to the limit.
 */
const TIMED_KINDS: ReadonlySet<WorkflowNodeKind> = new Set(['agent', 'tool', 'branch', 'output'])

/** `instanceof` that a revoked Proxy cannot make throw. */
function isJobFailure(thrown: unknown): thrown is JobFailure {
  try {
    return thrown instanceof JobFailure
  }
  catch {
    return false
  }
}

/**
 * Why a node failed, as the job's failure: keeps a code the error carries, adds the node. What the
 * author's code threw may be anything (no prototype, throwing getters): read with care, so it
 * fails its node, never the engine.
 */
export function toNodeFailure(error: unknown, nodeId: string): JobFailure {
  if (isJobFailure(error)) {
    // limits.maxNodesPerJob reached before a branch node of this parallel node started: this node is
    // the one that fails (it ends `failed`, so failedNodeId names it); the job's error names it too.
    if (error.code === 'max-nodes' && error.details.nodeId !== nodeId) {
      return new JobFailure(error.code, `${error.message} (a branch of parallel node "${nodeId}")`, { ...error.details, nodeId })
    }
    if (error.details.nodeId) return error
    return new JobFailure(error.code, error.message, { failedDuring: 'workflow-node', ...error.details, nodeId })
  }
  const [codeValue, toolNameValue] = [fieldOf(error, 'code'), fieldOf(error, 'toolName')]
  const code = typeof codeValue === 'string' ? codeValue : 'node-failed'
  const toolName = typeof toolNameValue === 'string' ? toolNameValue : undefined
  return new JobFailure(code, `Node "${nodeId}" failed: ${describeFailureCause(error)}`, { failedDuring: 'workflow-node', nodeId, ...(toolName ? { toolName } : {}), ...upstreamFields(error) })
}

/** A workflow being run. */
export class WorkflowRun {
  readonly state: WorkflowState
  private readonly resume: ResumePoint
  private nodesStarted: number

  constructor(private readonly context: RunContext, private readonly workflow: CompiledWorkflow, input: unknown) {
    // A node whose kind changed in a deploy since is another node under that id: it runs (resume.ts).
    // The branches of its parallel nodes start side by side, in any order: no loop goes round between them (loop-turns.ts).
    const inParallel = new Set([...workflow.graph.nodes.values()].flatMap(node => (node.kind === 'parallel' ? node.branches.flat() : [])))
    this.resume = createResumePoint(context.resumedFrom, nodeId => workflow.graph.nodes.get(nodeId)?.kind, nodeId => inParallel.has(nodeId))
    // Every node's count, 0 until it runs: `{{visits.review}}` (accepted at boot: the node exists)
    // and `state.visits.review` read 0 before the first review, not a missing key.
    const unvisited = Object.fromEntries([...workflow.graph.nodes.keys()].map(nodeId => [nodeId, 0]))
    const outputs: Record<string, unknown> = {}
    for (const [nodeId, output] of Object.entries(this.resume.outputs)) setOutputAsRead(outputs, nodeId, workflow.graph.nodes.get(nodeId), output)
    this.state = { input, outputs, visits: { ...unvisited, ...this.resume.visits } }
    this.nodesStarted = this.resume.nodesStarted
  }

  /** Runs from the start node until a node without a next one has finished. */
  async run(): Promise<void> {
    this.checkUnfinishedNodes()
    let nodeId: string | null = this.workflow.graph.start
    const cursor: ResumeCursor = { after: -1, passed: [] }
    while (nodeId !== null) {
      const output = await this.runNode(nodeId, this.context.signal, { holdText: false, cursor })
      nodeId = this.nextNode(nodeId, output)
    }
  }

  /**
   * The node the earlier run was in when it stopped (waiting for an answer, or running) must still
   * exist: a deploy that removed or renamed it leaves no place for the job to go on from, and
   * walking on would skip it silently (a question nobody answered, a step half done). The job ends
   * `workflow-changed`, naming the node, before any node runs; its finished nodes are kept.
   */
  private checkUnfinishedNodes(): void {
    const { nodes } = this.workflow.graph
    const gone = this.resume.unfinished.find(nodeId => !nodes.has(nodeId))
    if (gone === undefined) return
    // A question, or a tool call's approval asked in that visit (the takeover voided it: the node reads `running` since).
    const state = this.context.resumedFrom
    const node = state?.nodeStates[gone]
    const asked = node !== undefined && (node.kind === 'input' || [...state!.pendingInputs, ...state!.answeredInputs].some(input => input.nodeId === gone && input.requestedAt >= node.startedAt))
    const waiting = asked ? 'waited for an answer at' : 'was running'
    throw new JobFailure(WORKFLOW_CHANGED_CODE, `Workflow "${this.workflow.name}" changed while this job ${waiting} node "${gone}": the version on this server has no node "${gone}" (removed or renamed), so the job cannot go on from where it stopped. Its finished nodes are kept; start the workflow again`, { failedDuring: 'workflow-node', nodeId: gone })
  }

  private nextNode(nodeId: string, output: unknown): string | null {
    const { nodes, successors } = this.workflow.graph
    if (nodes.get(nodeId)!.kind === 'branch') return output as string
    return successors.get(nodeId)?.[0] ?? null
  }

  /** Runs one node (or reuses its recorded output) and returns its output. */
  readonly runNode = async (nodeId: string, parentSignal: AbortSignal, options: RunNodeOptions): Promise<unknown> => {
    const { context, state, workflow } = this
    const node = workflow.graph.nodes.get(nodeId)!
    const cursor = options.cursor ?? { after: Number.POSITIVE_INFINITY }
    const reused = this.resume.take(nodeId, cursor)
    // A branch's recorded choice that is no longer one of its targets (the workflow changed in a
    // deploy while the job waited) would lead nowhere: the branch chooses again.
    if (reused && !(node.kind === 'branch' && !workflow.graph.successors.get(nodeId)?.includes(reused.output as string))) {
      // An answer read as the node's schema reads it now (a default a deploy added since: recorded-answer.ts).
      const output = recordedAnswerAsReadNow(node, reused.output)
      setOutputAsRead(state.outputs, nodeId, node, output)
      if (!cursor.sameRound) {
        cursor.after = reused.at
        cursor.passed?.push(this.resume.span(nodeId)!)
      }
      return output
    }
    // Runs for real: what the earlier log recorded after it on this path is a round behind; only
    // the children of a node cut off in this same round (a parallel node) may still reuse theirs.
    // A node the earlier log never started (one a deploy added while the job waited) came before
    // none of it: the nodes after it still reuse what this round finished.
    const latest = this.resume.latestStart(nodeId)
    const resumeAfter = latest !== undefined && latest > cursor.after ? latest : Number.POSITIVE_INFINITY
    if (latest !== undefined && !cursor.sameRound) {
      cursor.after = Number.POSITIVE_INFINITY
      // The attempt a takeover cut off, run again, is where its round was; a new visit is a round on.
      cursor.passed?.push({ first: this.resume.span(nodeId)!.first, last: resumeAfter })
    }
    // Own keys only: a node may be named `constructor` or `valueOf`, which every object inherits.
    const visits = Object.hasOwn(state.visits, nodeId) ? state.visits[nodeId]! : 0
    // The attempt a takeover cut off, run again, is the visit it was: the resume point counted it
    // (against limits.maxNodesPerJob too), as the reducer lists it once.
    const cutOff = this.resume.takeCutOff(nodeId)
    const again = cutOff && resumeAfter !== Number.POSITIVE_INFINITY
    // One an owner left behind, walked to as a new visit: it ends first, so the reducer lists the
    // new visit (a node-start of a node still running is read as its attempt run again).
    if (cutOff && !again) context.emit({ type: 'node-end', nodeId, status: 'skipped', error: LEFT_BEHIND })
    if (!again) {
      const { maxNodesPerJob } = context.config.limits
      if (this.nodesStarted >= maxNodesPerJob) {
        throw new JobFailure('max-nodes', `Workflow "${workflow.name}" reached limits.maxNodesPerJob (${maxNodesPerJob}) before node "${nodeId}"`, { failedDuring: 'workflow-node', nodeId })
      }
      this.nodesStarted++
    }
    const visit = again ? visits : setOwn(state.visits, nodeId, visits + 1)
    const info: WorkflowNodeInfo = { nodeId, kind: node.kind, workflow: workflow.name, visit, parentSignal }
    // The visit the earlier run was cut off in runs again: an answer it already had stored stands.
    const storedAnswer = resumeAfter === Number.POSITIVE_INFINITY ? undefined : this.resume.takeAnswer(nodeId)
    return traceWorkflowNode(context, info, () => this.executeNode(node, nodeId, parentSignal, { holdText: options.holdText, resumeAfter, storedAnswer, newVisit: !again, onFailed: options.onFailed, onEnded: (status) => { info.ended = status } }))
  }

  /** Runs a node that no earlier run finished: `node-start`, the executor under its limits, `node-end`. */
  private async executeNode(node: WorkflowNode, nodeId: string, parentSignal: AbortSignal, options: { holdText: boolean, resumeAfter: number, storedAnswer?: StoredAnswer, newVisit: boolean, onFailed?: (failure: JobFailure) => void, onEnded?: (status: 'failed' | 'skipped') => void }): Promise<unknown> {
    const { context, state, workflow } = this
    const { nodeTimeoutMs } = context.config.limits
    // An owner back from a pause past its lease starts no node before the store confirms the lease.
    const confirming = context.confirmLease?.()
    if (confirming) await confirming
    const jobAgeMs = context.jobAgeMs?.()
    const startedAtJobMs = jobAgeMs === undefined ? {} : { startedAtJobMs: Math.round(jobAgeMs) }
    // The attempt a takeover cut off, run again: its node time goes on from what it used (node-time-used.ts).
    const timed = TIMED_KINDS.has(node.kind)
    const usedMs = timed && jobAgeMs !== undefined && options.resumeAfter !== Number.POSITIVE_INFINITY ? Math.round(nodeTimeUsed(context.resumedFrom, nodeId, jobAgeMs)) : 0
    context.emit({ type: 'node-start', nodeId, kind: node.kind, ...startedAtJobMs, ...(usedMs > 0 ? { usedMs } : {}) })
    // A visit counts as it starts; the one a takeover cut off, run again, is counted in the stored
    // state this run's metrics start from (job-run.ts metricsSoFar), as in limits.maxNodesPerJob.
    if (options.newVisit) context.addMetrics({ nodes_executed: 1 })
    const timeoutError = () => new JobFailure('node-timeout', `Node "${nodeId}" ran longer than limits.nodeTimeoutMs (${nodeTimeoutMs} ms${usedMs > 0 ? ', counted across the instances that ran it' : ''})`, { failedDuring: 'workflow-node', nodeId })

    let nodeContext: NodeContext | undefined
    // The author's functions run as code of this node: an error they leave behind fails it (while
    // it runs) and is logged naming the workflow, the node and the job (tools/stray-errors.ts).
    const author = openScope<NodeScope>({ workflow: workflow.name, nodeId, jobId: context.jobId })
    const authorCode: AuthorCode = run => runInCallScope(author.scope, run)
    try {
      // Used up before the takeover: it fails as it would have, nothing of it run again.
      if (timed && usedMs >= nodeTimeoutMs) throw timeoutError()
      const result = await runWithNodeTimeout((signal, deadline) => {
        nodeContext = createNodeContext(context, { nodeId, signal, holdText: options.holdText, pauseDeadline: deadline.pause, timeLeftMs: deadline.timeLeftMs })
        const execute = EXECUTORS[node.kind] as NodeExecutor
        return execute({ nodeId, node, context: nodeContext, state, graph: workflow.graph, workflowName: workflow.name, runChild: this.runNode, resumeAfter: options.resumeAfter, holdText: options.holdText, storedAnswer: options.storedAnswer, authorCode })
      }, {
        stop: author.failed,
        parentSignal,
        timers: context.timers,
        timeoutMs: timed ? nodeTimeoutMs - usedMs : null,
        timeoutError,
      })
      nodeContext?.flushHeldText()
      // Kept as the log keeps it: a later node, and a run resumed from the log, read the same value.
      const output = asRecordedOutput(result)
      checkRecordedSize(nodeId, output, context.maxEventBytes)
      setOutputAsRead(state.outputs, nodeId, node, output)
      context.emit({ type: 'node-end', nodeId, status: 'completed', output })
      return output
    }
    catch (error) {
      // Job abort, timeout or shutdown: the engine ends the job; the node stays as the log shows it.
      if (context.signal.aborted) throw error
      nodeContext?.flushHeldText()
      if (parentSignal.aborted) {
        options.onEnded?.('skipped')
        context.emit({ type: 'node-end', nodeId, status: 'skipped', error: 'cancelled: another branch of the parallel node failed' })
        throw error
      }
      const failure = toNodeFailure(error, nodeId)
      options.onEnded?.('failed')
      context.emit({ type: 'node-end', nodeId, status: 'failed', error: failure.message })
      options.onFailed?.(failure)
      throw failure
    }
    finally {
      author.end()
    }
  }
}
