/**
 * Answers sent while nobody owned a job (its owner dead, its lease not yet lapsed) wait in the
 * store as controls, their senders waiting for a reply. The instance that takes the job over voids
 * the lost owner's questions, and the resumed workflow asks them again under new ids. An answer
 * read at the takeover (`readControls`) to a voided question of a workflow's input node is given
 * to that node's question when it is asked again — through the same checks as any answer — and its
 * sender gets that outcome (200, or 400 for a wrong shape): not a 409 for a question it could not
 * have known was voided, with the user left to answer again. So is one stored after that read but
 * before the voids were: the run reads the controls again once its voids are stored (`readAgain`),
 * and a control to a voided question waits for that read before it is answered. An answer sent
 * after the voids were stored to a voided question is still a 409 (its sender can see the
 * question asked again).
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
  const waiting = new Set<WaitingAnswer>()
  /** The question asked again for each node, and the answers given to it so far (in the order sent). */
  const askedAgain = new Map<string, { requestId: string, previous: Promise<unknown> }>()
  /** The controls' second read, after the voids were stored (null: none under way). */
  let secondRead: Promise<void> | null = null
  let ended = false

  /** Gives an answer to its node's question asked again, after the answers given to it before. */
  function give(answer: WaitingAnswer, asked: { requestId: string, previous: Promise<unknown> }): void {
    const reply = asked.previous.then(() => options.answer(asked.requestId, answer.control.answer, answer.control.userId))
    answer.settle(reply)
    asked.previous = reply
  }

  /** Refuses an answer its question will not take (the run ended first), as before the takeover read it. */
  function refuse(answer: WaitingAnswer): void {
    const error = new InputConflictError(answer.requestId, 'is not pending for this job')
    answer.settle({ ok: false, status: error.statusCode, error: error.name, message: error.message })
  }

  /** True for an answer of the job's owner to a question the takeover voided. */
  function toVoided(control: StoredJobControl): control is StoredJobControl & { type: 'input' } {
    return control.type === 'input' && control.userId === options.userId && nodeOf.has(control.requestId)
  }

  /** Keeps the answers among `controls` to the voided questions, each once. */
  function add(controls: StoredJobControl[]): void {
    for (const control of controls) {
      if (!toVoided(control) || byControl.has(control.id)) continue
      let settle!: WaitingAnswer['settle']
      const reply = new Promise<ControlReply>((resolve) => {
        settle = resolve
      })
      const answer: WaitingAnswer = { requestId: control.requestId, nodeId: nodeOf.get(control.requestId)!, control, reply, settle }
      byControl.set(control.id, answer)
      const asked = askedAgain.get(answer.nodeId)
      if (ended) refuse(answer)
      else if (asked) give(answer, asked)
      else waiting.add(answer)
    }
  }
  add(options.controls)

  return {
    /**
     * The reply a control read at the takeover gets once its question is asked again; for another
     * answer to a voided question while the controls are read again, the same once that read is
     * done (null then: it was sent after the voids were stored); null for any other control.
     */
    replyTo(control: StoredJobControl): Promise<ControlReply | null> | null {
      const found = byControl.get(control.id)
      if (found) return found.reply
      if (!secondRead || !toVoided(control)) return null
      return secondRead.then(() => byControl.get(control.id)?.reply ?? null)
    },
    /**
     * Reads the controls again once the voids are stored (`read`, null when they were not): an
     * answer stored between the takeover's read and the voids is one its sender sent to a
     * question it saw pending, and waits for its node as those read at the takeover do.
     */
    readAgain(read: () => Promise<StoredJobControl[] | null>): void {
      if (nodeOf.size === 0) return
      secondRead = read().then(controls => add(controls ?? []), () => undefined)
    },
    /**
     * The run asked a question: the answers waiting for its node are given to it in the order they
     * were sent, each getting its own outcome — as on a live owner, one of the wrong shape is a 400
     * and the question stays open for the next, and one after the question was answered is a 409.
     */
    asked(requestId: string, request: InputRequestOptions): void {
      if (request.kind !== 'workflow-input' || request.nodeId === undefined) return
      // After the question is registered (this runs inside the asking call).
      const asked = { requestId, previous: Promise.resolve() as Promise<unknown> }
      askedAgain.set(request.nodeId, asked)
      for (const answer of [...waiting].filter(answer => answer.nodeId === request.nodeId)) {
        waiting.delete(answer)
        give(answer, asked)
      }
    },
    /** The run ended before asking again (not given up to another instance): those answers are refused, as before the takeover read them. */
    end(): void {
      ended = true
      for (const answer of waiting) refuse(answer)
      waiting.clear()
    },
  }
}

/** The answers of a taken-over run. */
export type TakeoverAnswers = ReturnType<typeof createTakeoverAnswers>
