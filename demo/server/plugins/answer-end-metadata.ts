/**
 * The AI SDK page's failed, stopped and cut-off answers keep saying so after a reload: the finish
 * metadata of an answer that failed, was stopped, or completed cut at the model's length limit or
 * by the provider's content filter says how it ended (demo/app/lib/answer-end.ts). The SDK
 * keeps a failure only as `chat.error`, which a reload loses; the messages route gives the
 * metadata back (docs/ai-sdk-metadata.md).
 */
import type { AnswerEndMetadata } from '../../app/lib/answer-end'
import { cutOffBy } from '../../app/lib/answer-end'

export default defineNitroPlugin((nitroApp) => {
  nitroApp.hooks.hook('background-jobs:chat-message-metadata', (context) => {
    if (context.part !== 'finish') return
    const { status, error } = context.state
    if (status === 'failed') {
      context.metadata = {
        ended: 'failed',
        ...(error?.message ? { error: error.message } : {}),
        ...(error?.code ? { code: error.code } : {}),
        // The model endpoint's status: the page offers Retry after a 429 or 5xx, not after a refusal.
        ...(error?.httpStatus === undefined ? {} : { httpStatus: error.httpStatus }),
        // Its name for the failure: a prompt over the model's context window gets no Retry either.
        ...(error?.upstreamCode ? { upstreamCode: error.upstreamCode } : {}),
      } satisfies AnswerEndMetadata
    }
    else if (status === 'aborted') context.metadata = { ended: 'aborted' } satisfies AnswerEndMetadata
    else {
      // A completed answer cut at the length limit or by the content filter says so, as on the job page.
      const by = cutOffBy(context.state)
      if (by) context.metadata = { ended: 'cut-off', by } satisfies AnswerEndMetadata
    }
  })
})
