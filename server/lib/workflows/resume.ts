/**
 * Restart safety: when a durable provider resumes a workflow job on another instance, the runner
 * walks the graph again from the start, and every node the earlier log shows as completed is
 * skipped with its recorded output. So a node that finished never runs twice; a node that was
 * running or waiting when the instance died runs again.
 */
import type { JobState, NodeState } from '../../../shared/reducer'
import { setOwn } from '../../../shared/own-key'
import { isLeftBehind } from '../../../shared/live-nodes'
import { loopTurnsBefore } from './loop-turns'

/** An answer the earlier run stored for an input node it was cut off in (its `node-end` was not stored). */
export interface StoredAnswer {
  /** The request it answered. */
  requestId: string
  answer: unknown
  /** Nobody answered: `onTimeout` gave it (the node parses it, as it parses a timeout answer). */
  timedOut: boolean
  /** The JSON Schema the question was asked with (a deploy may have changed the node's since). */
  askedSchema?: unknown
  /** When the question was first asked, as the job's age then: asked again, it keeps that deadline. */
  askedAtJobMs?: number
}

/** Where a node's visits are in the earlier log: its first start and its latest. */
export interface StartSpan {
  first: number
  last: number
}

/**
 * Where the walk is in the earlier log: `after` is the log position of the node before it on the
 * walk (infinite once that node ran for real); `passed` the start spans of the nodes walked so far
 * (one that ran as a new visit here ends at infinity; the attempt a takeover cut off, run again,
 * at its latest start).
 */
export interface ResumeCursor {
  after: number
  /** Undefined: any record before `after` is a round behind. */
  passed?: StartSpan[]
  /**
   * A parallel node's children: `after` is the parallel node's latest start and does not move;
   * every record after it is of this round (nothing loops inside a parallel node), none before.
   */
  sameRound?: boolean
}

/** The finished nodes of an earlier run of the job. */
export interface ResumePoint {
  /**
   * The recorded output of a completed node, once, unless it is a round behind: its latest start
   * comes before the node ahead of it on the walk, and a node walked so far started both before
   * and after it with a loop going round (loop-turns.ts) between the record and that node's latest
   * start, or ran as a new visit (a loop went round since). Matched by id, not
   * position: a finished node a deploy moved behind others (the workflow's nodes reordered, in a
   * loop's body or a parallel node's branch too) is reused.
   */
  take(nodeId: string, cursor: ResumeCursor): { output: unknown, at: number } | undefined
  /**
   * The answer the earlier run stored for the node's latest visit, once, when the node was cut off
   * after it (an input node whose `node-end` was not stored): the node takes it instead of asking again.
   */
  takeAnswer(nodeId: string): StoredAnswer | undefined
  /** Where the node's latest start is in the earlier log (undefined: it never started). */
  latestStart(nodeId: string): number | undefined
  /** Where the node's first and latest starts are in the earlier log (undefined: it never started). */
  span(nodeId: string): StartSpan | undefined
  /**
   * The nodes the earlier run was in when it stopped: running, or waiting for an answer. A node an
   * earlier takeover left running that the walk went past (runsAt) is not one of them.
   */
  readonly unfinished: readonly string[]
  /**
   * Outputs of every completed node, so later nodes can read them even when reached by a new path;
   * for a node cut off while it ran again (a loop), its previous visit's output, as the live run had it.
   */
  readonly outputs: Record<string, unknown>
  /**
   * True once for a node the earlier run was cut off in (its latest visit running or waiting): run
   * again here as that visit, it is no new start — `visits` and `nodesStarted` counted it already.
   */
  takeCutOff(nodeId: string): boolean
  /** Visits started per node, as the earlier run counted them (the attempts it was cut off in included). */
  readonly visits: Record<string, number>
  /** Visits the earlier run started, the attempts it was cut off in included: they count against limits.maxNodesPerJob. */
  readonly nodesStarted: number
}

function isLive(node: NodeState | undefined): boolean {
  return node?.status === 'running' || node?.status === 'waiting'
}

/**
 * The live nodes (running or waiting) the run is at, none an owner left behind (isLeftBehind: a
 * branch a deploy took out of a parallel node run again since). The walk starts a node once the one before it
 * ended, so a live node whose latest start some ended visit follows was gone past: an earlier
 * owner was cut off in it, and the owner that took over walked another way (a deploy routed it
 * elsewhere) and never came back to it. Unless a live parallel node started at or before it holds
 * it: its branches run side by side, one ends while another waits. `startedAt`: each node's latest
 * start in the execution order.
 */
function runsAt(state: JobState, startedAt: ReadonlyMap<string, number>): string[] {
  const latestVisit = (nodeId: string, index: number) => startedAt.get(nodeId) === index
  const order = state.executionOrder
  const liveParallel = order.findIndex((nodeId, index) => latestVisit(nodeId, index) && state.nodeStates[nodeId]?.kind === 'parallel' && isLive(state.nodeStates[nodeId]))
  const lastEnded = order.findLastIndex((nodeId, index) => latestVisit(nodeId, index) && !isLive(state.nodeStates[nodeId]))
  return Object.entries(state.nodeStates).filter(([nodeId, node]) => {
    if (!isLive(node) || isLeftBehind(node, state.nodeStates)) return false
    const at = startedAt.get(nodeId)
    return at === undefined || at > lastEnded || (liveParallel !== -1 && liveParallel <= at)
  }).map(([nodeId]) => nodeId)
}

/**
 * Reads the resume point from the job's earlier state (null: a fresh run). `kindOf` gives a node's
 * kind in the workflow as registered here: a node whose kind changed in a deploy since (a tool
 * check made a human's question) is another node under the same id, read as one the earlier log
 * never started — it runs, its old output is nobody's (a question would be answered by a tool's
 * text), and the nodes after it still reuse what they finished.
 */
export function createResumePoint(state: JobState | null, kindOf: (nodeId: string) => string | undefined = () => undefined, inParallel: (nodeId: string) => boolean = () => false): ResumePoint {
  const completed = new Map<string, unknown>()
  const visits: Record<string, number> = {}
  // Own keys only: a node may be named `constructor` or `valueOf`, which every object inherits.
  const visitsOf = (nodeId: string): number | undefined => (Object.hasOwn(visits, nodeId) ? visits[nodeId] : undefined)
  const startedAt = new Map<string, number>()
  const firstStartedAt = new Map<string, number>()
  const unfinished: string[] = []
  const answers = new Map<string, StoredAnswer>()
  // Attempts the earlier run was cut off in (running or waiting, one left behind too).
  const cutOff = new Set<string>()
  const previousOutputs = new Map<string, unknown>()
  // Where a loop went round, up to each position of the execution order (loop-turns.ts).
  let turnsBefore: number[] = [0]
  // Starts of nodes whose kind changed: they count against limits.maxNodesPerJob all the same.
  let changedStarts = 0
  if (state) {
    const changed = new Set(Object.entries(state.nodeStates).filter(([nodeId, node]) => {
      const kind = kindOf(nodeId)
      return kind !== undefined && kind !== node.kind
    }).map(([nodeId]) => nodeId))
    if (changed.size > 0) {
      changedStarts = state.executionOrder.filter(nodeId => changed.has(nodeId)).length
      state = {
        ...state,
        executionOrder: state.executionOrder.filter(nodeId => !changed.has(nodeId)),
        nodeStates: Object.fromEntries(Object.entries(state.nodeStates).filter(([nodeId]) => !changed.has(nodeId))),
        answeredInputs: state.answeredInputs.filter(input => input.nodeId === undefined || !changed.has(input.nodeId)),
      }
    }
    state.executionOrder.forEach((nodeId, index) => {
      startedAt.set(nodeId, index)
      if (!firstStartedAt.has(nodeId)) firstStartedAt.set(nodeId, index)
    })
    turnsBefore = loopTurnsBefore(state.executionOrder, inParallel)
    unfinished.push(...runsAt(state, startedAt))
    for (const [nodeId, node] of Object.entries(state.nodeStates)) {
      if (node.status === 'completed') completed.set(nodeId, node.output)
      // Cut off while it ran again: it re-runs reading its previous output, as the live run did
      // (a loop node revising its own draft). Read, never reused as this visit's output.
      else if (node.previousOutput !== undefined) previousOutputs.set(nodeId, node.previousOutput)
    }
    // Every visit started counts, the attempts a takeover cut off too: one run again here is that
    // visit (takeCutOff), and one an owner left behind (a branch a deploy took out) never runs again
    // but ran all the same. The reducer lists such an attempt once however often it was run.
    for (const nodeId of state.executionOrder) setOwn(visits, nodeId, (visitsOf(nodeId) ?? 0) + 1)
    for (const [nodeId, node] of Object.entries(state.nodeStates)) {
      if (isLive(node)) cutOff.add(nodeId)
    }
    // `POST …/input` answers once the answer is stored (stored-answer.ts); the node's end follows
    // in a later write. An answer asked for in the node's latest visit (not one withdrawn by the
    // system: a cancelled branch, a lost owner) stands: the question is not asked twice.
    for (const input of state.answeredInputs) {
      const node = input.nodeId === undefined ? undefined : state.nodeStates[input.nodeId]
      if (input.kind !== 'workflow-input' || node?.status !== 'running' || input.requestedAt < node.startedAt || input.answeredBy.startsWith('system:')) continue
      answers.set(input.nodeId!, { requestId: input.requestId, answer: input.answer, timedOut: input.answeredBy === 'timeout', ...(input.schema !== undefined ? { askedSchema: input.schema } : {}), ...(input.askedAtJobMs !== undefined ? { askedAtJobMs: input.askedAtJobMs } : {}) })
    }
  }
  return {
    take(nodeId, { after, passed, sameRound }) {
      const at = startedAt.get(nodeId)
      if (!completed.has(nodeId) || at === undefined) return undefined
      // A loop went round between the record and the latest start of a node walked before it (not
      // only a node started again: a deploy may have put the node the job waited at ahead of a
      // step its round finished).
      const roundSince = ({ first, last }: StartSpan) => first < at && at < last && (last === Number.POSITIVE_INFINITY || turnsBefore[last + 1]! > turnsBefore[at + 1]!)
      if (sameRound ? at <= after : at <= after && (passed === undefined || passed.some(roundSince))) return undefined
      const output = completed.get(nodeId)
      completed.delete(nodeId)
      return { output, at }
    },
    takeCutOff: nodeId => cutOff.delete(nodeId),
    takeAnswer(nodeId) {
      const answer = answers.get(nodeId)
      answers.delete(nodeId)
      return answer
    },
    latestStart: nodeId => startedAt.get(nodeId),
    span(nodeId) {
      const [first, last] = [firstStartedAt.get(nodeId), startedAt.get(nodeId)]
      return first === undefined || last === undefined ? undefined : { first, last }
    },
    unfinished,
    outputs: Object.fromEntries([...previousOutputs, ...completed]),
    visits,
    // An attempt that was cut off counts here, not again when it runs again: a node is one start, not two.
    nodesStarted: Object.values(visits).reduce((sum, count) => sum + count, changedStarts),
  }
}
