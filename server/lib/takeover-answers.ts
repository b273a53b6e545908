/**
 * Answers sent while nobody owned a job (its owner dead, its lease not yet lapsed) wait in the
 * store as controls, their senders waiting for a reply. The instance that takes the job over voids
 * the lost owner's questions, and the resumed workflow asks them again under new ids. An answer
 * read at the takeover (`readControls`) to a voided question of a workflow's input node is given
 * to that node's question when it is asked again — through the same checks as any answer — and its
 * sender gets that outcome (200, or 400 for a wrong shape): not a 409 for a question it could not
 * have known was voided, with the user left to answer again. An answer sent after the takeover to
 * a voided question is still a 409 (its sender can see the question asked again).
 */
import type { PendingInput } from '../../shared/reducer'
import { InputConflictError } from './errors'
import type { ControlReply, StoredJobControl } from './providers/types'
import type { InputRequestOptions } from './run-context'

/** An answer from before the takeover, waiting for its node to ask again. */
interface WaitingAnswer {
  requestId: string
  nodeId: string
  control: StoredJobControl & { type: 'input' }
  reply: Promise<ControlReply>
  settle: (reply: ControlReply | Promise<ControlReply>) => void
}

/** What the takeover's answers need from the run. */
export interface TakeoverAnswersOptions {
  /** The questions the takeover voided. */
  voided: PendingInput[]
  /** The job's stored controls, read at the takeover. */
  controls: StoredJobControl[]
  /** The job's owner: only their answers count. */
  userId: string
  /** Gives an answer to the run's question (`answerAndStore`); resolves with the reply. */
  answer: (requestId: string, answer: unknown, answeredBy: string) => Promise<ControlReply>
}

/** The answers of a taken-over run that wait for their questions to be asked again. */
export function createTakeoverAnswers(options: TakeoverAnswersOptions) {
  const nodeOf = new Map<string, string>()
  for (const pending of options.voided) {
    if (pending.kind === 'workflow-input' && pending.nodeId) nodeOf.set(pending.requestId, pending.nodeId)
  }
  /** By control id (the same control delivered later by the subscription is skipped by its id). */
  const byControl = new Map<string, WaitingAnswer>()
  for (const control of options.controls) {
    if (control.type !== 'input' || control.userId !== options.userId) continue
    const nodeId = nodeOf.get(control.requestId)
    if (nodeId === undefined) continue
    let settle!: WaitingAnswer['settle']
    const reply = new Promise<ControlReply>((resolve) => {
      settle = resolve
    })
    byControl.set(control.id, { requestId: control.requestId, nodeId, control, reply, settle })
  }
  const waiting = new Set(byControl.values())

  return {
    /** The reply a control read at the takeover gets once its question is asked again, or null (not such a control). */
    replyTo(control: StoredJobControl): Promise<ControlReply> | null {
      return byControl.get(control.id)?.reply ?? null
    },
    /**
     * The run asked a question: the answers waiting for its node are given to it in the order they
     * were sent, each getting its own outcome — as on a live owner, one of the wrong shape is a 400
     * and the question stays open for the next, and one after the question was answered is a 409.
     */
    asked(requestId: string, request: InputRequestOptions): void {
      if (request.kind !== 'workflow-input') return
      const found = [...waiting].filter(answer => answer.nodeId === request.nodeId)
      // After the question is registered (this runs inside the asking call).
      let previous: Promise<unknown> = Promise.resolve()
      for (const answer of found) {
        waiting.delete(answer)
        const reply = previous.then(() => options.answer(requestId, answer.control.answer, answer.control.userId))
        answer.settle(reply)
        previous = reply
      }
    },
    /** The run ended before asking again (not given up to another instance): those answers are refused, as before the takeover read them. */
    end(): void {
      for (const answer of waiting) {
        const error = new InputConflictError(answer.requestId, 'is not pending for this job')
        answer.settle({ ok: false, status: error.statusCode, error: error.name, message: error.message })
      }
      waiting.clear()
    },
  }
}

/** The answers of a taken-over run. */
export type TakeoverAnswers = ReturnType<typeof createTakeoverAnswers>
