/**
 * A stored job's events turned into the AI SDK chunks a new connection gets (the chunk mapper over
 * SSE frames, from an empty state), for tests comparing a reload with the live message.
 */
import { readUIMessageStream } from 'ai'
import type { UIMessage } from 'ai'
import type { JobEvent } from '../../shared/events'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { createUiChunkMapper } from '../../server/lib/ai-sdk/chunk-mapper'
import type { UiChunk } from '../../server/lib/ai-sdk/ui-chunks'
import type { JobProvider } from '../../server/lib/providers/types'

/** An SSE frame as the stream route sends `event`. */
export interface JobFrame {
  event: string
  id: number
  data: unknown
}

/** The frame of an event. */
export const frameOf = (event: JobEvent): JobFrame => ({ event: event.type, id: event.seq, data: event })

/** A chat job's stored events; `map` makes the chunks of frames, `beforeEnd` those of a snapshot taken before the end, then the end. */
export async function storedJobChunks(store: Pick<JobProvider, 'readEvents'>, jobId: string) {
  const events = (await store.readEvents(jobId, 0))!.events as JobEvent[]
  const empty = () => createJobState({ id: jobId, type: 'chat', createdAt: 0 })
  const map = (frames: JobFrame[]): UiChunk[] => {
    const mapper = createUiChunkMapper({ messageId: jobId, known: empty() })
    return [...mapper.start(), ...frames.flatMap(frame => mapper.frame(frame as never))]
  }
  const beforeEnd = () => {
    const snapshot = reduceEvents(empty(), events.slice(0, -1))
    return map([{ event: 'snapshot', id: snapshot.seq, data: snapshot }, frameOf(events.at(-1)!)])
  }
  return { events, empty, map, beforeEnd }
}

/** The message the SDK builds reading `chunks` as a live stream, one chunk at a time (no transport). */
export async function liveSdkMessage(chunks: UiChunk[]): Promise<UIMessage> {
  let built: UIMessage | undefined
  for await (const message of readUIMessageStream<UIMessage>({ stream: new ReadableStream({ start(controller) { for (const chunk of chunks) controller.enqueue(chunk as never); controller.close() } }) })) built = message
  return JSON.parse(JSON.stringify(built))
}
