/**
 * POST /api/jobs/chat — the AI SDK's `DefaultChatTransport` endpoint. A new user message starts a
 * background job in the thread `id` (history from the UI messages), then ends the chat's jobs
 * the client wrote past (waiting for tool approvals, or still running after `stop()`), the answers to the same
 * user message that it replaces (regenerate, edit) and those of the later turns an edit or a
 * regeneration of an earlier message drops — their slots counted as the new job's, so a refused
 * turn (429, 503) ends none; it answers with that job's UI message stream.
 * A message with tool approvals answered resumes the job that waits for them and streams the rest;
 * the assistant's message last with nothing to answer gets a settled stream (nothing new runs), and
 * so do approvals posted again for an answer aborted after it took them. Approvals the job has
 * all answered already (the post's response was lost; another tab or their expiry answered them
 * first) get its stream from before those answers. The outputs of `runtime: 'client'` calls the
 * job waits for (the browser's `addToolOutput`) are their answers, and the job's stream goes on
 * (client-tool-answers.ts); outputs of calls whose wait ended meanwhile (expired, stopped) get the
 * job's stream from before that end (late-client-outputs.ts), also beside approvals (from before
 * the first end of either). Either post is a 400 when its message holds another tool output its
 * job never gave and does not wait for, and a 409 when it holds another output for a client call
 * answered already (client-tool-outputs.ts), before anything is answered.
 * A body with the newest `message` only (no `messages`) takes the chat's history from its jobs.
 * Closing the response never stops the job. A 429/503 says when to retry in its message.
 */
import { readChatBody } from '../../../lib/ai-sdk/chat-body'
import { readChatRequest } from '../../../lib/ai-sdk/chat-request'
import { refuseClientToolOutputs } from '../../../lib/ai-sdk/client-tool-outputs'
import { answerClientToolOutputs } from '../../../lib/ai-sdk/client-tool-answers'
import { earlierStart, lateClientToolOutputs } from '../../../lib/ai-sdk/late-client-outputs'
import { postedJob } from '../../../lib/ai-sdk/chat-job'
import { endDroppedTurns, turnsToDrop } from '../../../lib/ai-sdk/dropped-turns'
import { activeChatJobs, answerChatApprovals, chatTurnInput, nothingKnown, refuseUnknownTools } from '../../../lib/ai-sdk/chat-turn'
import { startReplacingTurn } from '../../../lib/ai-sdk/replaced-answers'
import { withRetryHint } from '../../../lib/ai-sdk/retry-hint'
import { asksApproval, sendSettledStream } from '../../../lib/ai-sdk/settled-stream'
import { answeredBeforeAbort } from '../../../lib/ai-sdk/stopped-approvals'
import { answeredAlready } from '../../../lib/ai-sdk/answered-approvals'
import { retriedTurnJob } from '../../../lib/ai-sdk/retried-turn'
import { serverHistoryTurn } from '../../../lib/ai-sdk/server-history'
import { supersededJobs } from '../../../lib/ai-sdk/superseded-jobs'
import { InputConflictError } from '../../../lib/errors'
import { defineJobsHandler } from '../../../lib/http/handler'
import { serveUiStream } from '../../../lib/http/ui-stream'
import { withStreamSlot } from '../../../lib/http/user-stream'
import { withEarlierToolOutcomes } from '../../../lib/http/earlier-tool-outcomes'

export default defineJobsHandler(context => withRetryHint(() => withStreamSlot(context, async () => {
  // The SDK posts the whole chat back every turn (tool inputs and outputs too): its own, larger limit.
  const intent = readChatRequest(await readChatBody(context.event, context.config.limits.maxChatBodyBytes))
  if (intent.kind === 'settled') {
    // A client tool's output after its wait ended (expired, stopped): the job's stream from before that end (late-client-outputs.ts).
    // One read of the message's job serves the three questions below (chat-job.ts).
    const posted = postedJob(context, intent.messageId)
    const late = await lateClientToolOutputs(context, intent.request.id, intent.message, posted)
    if (late) return serveUiStream(context, late.job.id, late.state)
    // A tool output from the client (addToolOutput) the job never had: a 400, not a silent settle (client-tool-outputs.ts).
    await refuseClientToolOutputs(context, intent.message, posted, intent.field)
    // A client tool's output its job waits for: its answer, and the job's stream goes on (client-tool-answers.ts).
    const outputs = await answerClientToolOutputs(context, intent.request.id, intent.message, posted)
    if (outputs) return serveUiStream(context, outputs.job.id, outputs.state)
    return sendSettledStream(context.event.node.res, intent.messageId, asksApproval(intent.message))
  }
  if (intent.kind === 'approvals') {
    const messageId = intent.message.id
    const posted = messageId ? postedJob(context, messageId) : null
    // Client tool outputs whose wait ended (expired with the approvals, a Stop): no 400; the approvals go as alone, and the stream starts before the first end (late-client-outputs.ts).
    const late = posted ? await lateClientToolOutputs(context, intent.request.id, intent.message, posted) : null
    // The same 400 with approvals: checked before any is answered, so a refused post answers none.
    if (posted && !late) await refuseClientToolOutputs(context, intent.message, posted, intent.field)
    // Client tool outputs posted with the approvals (the SDK posts once every call of the step is answered): taken first.
    if (posted && !late) await answerClientToolOutputs(context, intent.request.id, intent.message, posted)
    const answered = await answerChatApprovals(context, intent.request.id, intent.answers).catch(async (error: unknown) => {
      // The SDK posting again the answers of an answer stopped since: nothing new runs (stopped-approvals.ts).
      if (error instanceof InputConflictError && await answeredBeforeAbort(context, messageId, intent.answers)) return null
      // All answered already (this post's lost response, another tab, expiry): the job's stream from before them (answered-approvals.ts).
      const taken = error instanceof InputConflictError ? await answeredAlready(context, intent.request.id, messageId, intent.answers) : null
      if (taken) return taken
      throw error
    })
    if (late && earlierStart(late, answered)) return serveUiStream(context, late.job.id, late.state)
    if (!answered) return sendSettledStream(context.event.node.res, messageId!)
    return serveUiStream(context, answered.job.id, answered.state)
  }
  // Posted again with its Idempotency-Key: the key's job, before anything is checked or ended (retried-turn.ts).
  const retried = await retriedTurnJob(context, intent.request)
  if (retried) return serveUiStream(context, retried.id, nothingKnown(retried))
  // A body with the newest message only gets the chat's history from its jobs (server-history.ts).
  const turn = intent.historyFromServer
    ? await serverHistoryTurn(context, intent.request)
    : { request: intent.request, input: chatTurnInput(context, intent.request), active: null }
  refuseUnknownTools(context, turn.input)
  // Earlier answers (named by their job's id) go to the model with that job's stored tool calls and results.
  turn.input = await withEarlierToolOutcomes(context, turn.input)
  const active = turn.active ?? await activeChatJobs(context, turn.request.id)
  // Ended once the new turn has started, which takes their slots: a 429 or 503 ends none (replaced-answers.ts).
  const superseded = await supersededJobs(context, turn.request, active)
  const notSuperseded = active.filter(other => !superseded.includes(other))
  const job = await startReplacingTurn(context, turn.input, active, { superseded, toDrop: () => turnsToDrop(context, turn.request.id, turn.input.messageId, notSuperseded) })
  await endDroppedTurns(context, job, notSuperseded)
  return serveUiStream(context, job.id, nothingKnown(job))
})), { textErrors: true })
