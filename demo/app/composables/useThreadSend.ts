/**
 * Sending the thread's next turn from the composer (or again, for a turn's Retry or Regenerate):
 * the composer's text read as a chat message or a workflow command, checked against the server's
 * limits, sent with the thread's finished turns as history, and shown at once as a local turn.
 * A new message shows (`pendingPrompt`) from the moment it is sent until its turn is started, as
 * chat apps show it, rather than only once the server answered the start (a slow network).
 * While a turn is unfinished (`hold`) or a send is under way nothing is sent: the message would go
 * with half an answer, or none, as history.
 */
import type { Ref } from 'vue'
import { DEFAULT_CATALOG_LIMITS } from '../../../app/lib/catalog-limits'
import type { JobCatalog, StartedJob, StartJobRequest } from '../../../app/lib/api-types'
import { promptOf } from '../../../app/lib/prompt-cache'
import { cutText } from '../../../shared/cut-text'
import { TITLE_MAX_CHARS, workflowTitle } from '../../../shared/job-title'
import type { ComposerIntent } from '../lib/commands'
import { parseComposerInput } from '../lib/commands'
import { fitHistory, promptProblem } from '../lib/history-window'
import type { ThreadJob } from '../lib/known-jobs'
import type { ListThreadPage } from '../lib/thread-current-jobs'
import { readThreadJobs } from '../lib/thread-current-jobs'
import { buildHistory, messageKeyOf } from '../lib/threads'
import type { ThreadHold, TurnReport } from '../lib/turn-report'
import { failureText } from '../lib/wording'

export interface ThreadSendOptions {
  threadId: string
  /** useBackgroundJobs' `start`. */
  start: (request: StartJobRequest, options: { prompt: string }) => Promise<StartedJob>
  catalog: Readonly<Ref<JobCatalog | null | undefined>>
  turns: Ref<ThreadJob[]>
  /** The thread's jobs read when it has pages not loaded (lib/thread-current-jobs.ts); set here before a chat send. */
  threadJobs: Ref<ThreadJob[]>
  hasEarlier: Ref<boolean>
  listPage: ListThreadPage
  /** The turns the model no longer sees (lib/out-of-conversation.ts). */
  outOfHistory: Readonly<Ref<ReadonlyMap<string, unknown>>>
  /** Each turn's last report, by job id. */
  reports: Record<string, TurnReport>
  hold: Readonly<Ref<ThreadHold>>
  useTools: Ref<boolean>
  /** Why the last send did not go (shown by the composer). */
  composerError: Ref<string | null>
  /** The user just asked: the thread follows the new answer even if they had scrolled up. */
  scrollToBottom: () => void
  /** The new turn, to show at once (the list refresh brings the same); `retried`: the turn it sends again (`send`'s `retrying`). */
  onStarted: (job: ThreadJob, retried?: string) => void
}

export function useThreadSend(options: ThreadSendOptions) {
  const { turns, threadJobs, reports, composerError } = options
  const sending = ref(false)
  /** The new message being sent, shown in the conversation until its turn is started; null otherwise. */
  const pendingPrompt = ref<string | null>(null)

  /**
   * Starts the next turn from the composer's text (or an intent read already); `retrying` is a
   * turn being sent again, left out of the history. Resolves whether it was sent.
   */
  async function send(text: string | ComposerIntent, retrying?: string): Promise<boolean> {
    // The composer does not send while a turn is unfinished; Retry buttons are disabled meanwhile.
    if (options.hold.value || sending.value) return false
    composerError.value = null
    const catalog = options.catalog.value
    const intent = typeof text === 'string' ? parseComposerInput(text, catalog?.workflows ?? [], catalog?.chat) : text
    if (intent.kind === 'invalid') {
      composerError.value = intent.message
      return false
    }
    const limits = catalog?.limits ?? DEFAULT_CATALOG_LIMITS
    const tooLong = intent.kind === 'chat' ? promptProblem(intent.prompt, limits) : null
    if (tooLong) {
      composerError.value = tooLong
      return false
    }
    sending.value = true
    options.scrollToBottom()
    try {
      const now = Date.now()
      const isChat = intent.kind === 'chat'
      const prompt = isChat ? intent.prompt : intent.label
      // A Retry, Regenerate or edit shows its message already (the turn it sends again).
      if (retrying === undefined) pendingPrompt.value = prompt
      // A turn sent again answers the same message as the turn it repeats (its messageId): then
      // neither it nor an earlier answer to that message is history, and later only the newest is.
      const repeated = retrying === undefined ? undefined : turns.value.find(job => job.id === retrying)
      const messageKey = repeated ? messageKeyOf(repeated) : retrying
      // Only finished turns are history, and only those the AI SDK page shows (see buildHistory), over
      // the whole thread when pages are not read (lib/thread-current-jobs.ts); a job the server no longer lists is not one.
      if (isChat && options.hasEarlier.value) threadJobs.value = await readThreadJobs(options.listPage, options.threadId)
      const history = turns.value.filter(job => !job.missing && !(threadJobs.value.length && options.outOfHistory.value.has(job.id)))
        .map(job => ({ id: job.id, messageId: job.messageId, createdAt: job.createdAt, startedBy: job.startedBy, type: job.type, prompt: promptOf(job), answer: reports[job.id]?.answer ?? '', status: reports[job.id]?.status ?? 'connecting' }))
      const answering = messageKey ? { messageId: messageKey } : {}
      const started = isChat
        ? await options.start({
            // The newest turns that fit the server's limits (a long thread goes on; the oldest stay on screen).
            messages: fitHistory(buildHistory(history, intent.prompt, messageKey), limits),
            threadId: options.threadId,
            ...answering,
            ...(options.useTools.value ? {} : { tools: [] }),
          }, { prompt })
        : await options.start({ workflow: intent.workflow, input: intent.input, threadId: options.threadId, ...answering }, { prompt })
      options.onStarted({
        id: started.id,
        type: isChat ? 'chat' : 'workflow',
        status: started.status,
        threadId: options.threadId,
        messageId: messageKey ?? null,
        ...(isChat ? { startedBy: 'jobs' as const } : {}),
        // As the server titles it (the list refresh brings the same).
        title: isChat ? cutText(prompt.replace(/\s+/g, ' ').trim(), TITLE_MAX_CHARS) : workflowTitle(intent.workflow, intent.input),
        prompt,
        // This browser's clock, but never before a turn shown (the server's, whose clock may be ahead): the thread is in createdAt order.
        createdAt: Math.max(now, ...turns.value.map(job => job.createdAt + 1)),
        updatedAt: now,
        endedAt: null,
        lastSeq: 0,
      }, retrying)
      void refreshNuxtData('background-jobs:threads')
      return true
    }
    catch (failure) {
      // A Retry or Regenerate refused: the turn it repeats, sent long before, is still shown as it was.
      composerError.value = failureText(failure, retrying === undefined ? 'send' : 'retry')
      return false
    }
    finally {
      sending.value = false
      pendingPrompt.value = null
    }
  }

  return { send, sending, pendingPrompt }
}
