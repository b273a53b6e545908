/**
 * Serves one job as an AI SDK UI message stream: from what the client has (`known`: nothing, or
 * the state a continuation starts from), the job's log as events, then the live tail, until the
 * job ends or waits for tool approvals. Leaving never stops the job; it only detaches. With the
 * app's message metadata hook, the `start` chunk waits for the start metadata, each round's
 * `finish-step` for its round's, and the last chunks for the finish metadata (message-metadata.ts).
 */
import type { JobState } from '../../../shared/reducer'
import { createUiChunkMapper } from '../ai-sdk/chunk-mapper'
import { withStepMetadata } from '../ai-sdk/message-metadata'
import { messageMetadataSource } from '../ai-sdk/metadata-hook'
import { useMetrics } from '../metrics'
import { clientErrorMessage } from './client-error'
import type { JobsRouteContext } from './handler'
import { createUiStreamSink } from './ui-stream-sink'

/** Streams job `jobId` to the response until it is over. */
export async function serveUiStream(context: JobsRouteContext, jobId: string, known: JobState): Promise<void> {
  const { event, engine, userId, config } = context
  const metadata = await messageMetadataSource(context, jobId)
  const mapper = createUiChunkMapper({ messageId: jobId, known })
  const sink = createUiStreamSink(event.node.req, event.node.res, mapper, {
    compression: config.stream.compression,
    maxQueueBytes: config.stream.viewerQueueBytes,
    ...(metadata ? { startMetadata: await metadata('start', known), finishMetadata: state => metadata('finish', state), roundMetadata: chunks => withStepMetadata(chunks, metadata, mapper.roundEndOf) } : {}),
  })
  // Cut for its client's backpressure: counted (docs/metrics.md).
  sink.onCut = reason => useMetrics().increment('streams_cut_total', { stream: 'ai-sdk', reason })
  let attachment: Awaited<ReturnType<typeof engine.attachViewer>>
  try {
    attachment = await engine.attachViewer(userId, jobId, sink, known.seq)
  }
  catch (error) {
    // The headers are out (the `start` chunk): the error can only travel inside the stream, named
    // as a route would name it (an unexpected one is logged, not shown).
    sink.fail(clientErrorMessage(error, event))
    return
  }
  useMetrics().increment('viewers_attached_total')
  if (!attachment.open) sink.close()
  await sink.closed
  attachment.detach()
}
