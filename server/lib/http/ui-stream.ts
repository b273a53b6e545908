/**
 * Serves one job as an AI SDK UI message stream: from what the client has (`known`: nothing, or
 * the state a continuation starts from), the job's log as events, then the live tail, until the
 * job ends or waits for tool approvals. Leaving never stops the job; it only detaches.
 */
import type { JobState } from '../../../shared/reducer'
import { createUiChunkMapper } from '../ai-sdk/chunk-mapper'
import { useMetrics } from '../metrics'
import { clientErrorMessage } from './client-error'
import type { JobsRouteContext } from './handler'
import { createUiStreamSink } from './ui-stream-sink'

/** Streams job `jobId` to the response until it is over. */
export async function serveUiStream({ event, engine, userId, config }: JobsRouteContext, jobId: string, known: JobState): Promise<void> {
  const mapper = createUiChunkMapper({ messageId: jobId, known })
  const sink = createUiStreamSink(event.node.req, event.node.res, mapper, {
    compression: config.stream.compression,
    maxQueueBytes: config.stream.viewerQueueBytes,
  })
  let attachment: Awaited<ReturnType<typeof engine.attachViewer>>
  try {
    attachment = await engine.attachViewer(userId, jobId, sink, known.seq)
  }
  catch (error) {
    // The headers are out (the `start` chunk): the error can only travel inside the stream, named
    // as a route would name it (an unexpected one is logged, not shown).
    sink.fail(clientErrorMessage(error))
    return
  }
  useMetrics().increment('viewers_attached_total')
  if (!attachment.open) sink.close()
  await sink.closed
  attachment.detach()
}
