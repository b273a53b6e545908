/**
 * The metadata a client puts on its user message (`sendMessage({ text, metadata })`), kept with the
 * job that answers that message (`request.promptMetadata`), so the messages route and a
 * server-built history give it back as the client sent it. It is the app's data: never read or
 * run here, only bounded (metadata-json.ts). A value past the bound is a 400 naming the field,
 * never dropped. Only the message a new job answers is checked: the SDK keeps a refused message in
 * its list, and the next turn must not fail for it again.
 */
import { RequestError } from '../http/request'
import type { UiMessageInput } from './chat-request'
import { asSent } from './metadata-json'

/** `{ promptMetadata }` of the user message at `index` (empty when it has none, or for -1), or a 400 naming it. */
export function promptMetadataOf(messages: UiMessageInput[], index: number): { promptMetadata?: unknown } {
  if (index === -1) return {}
  const sent = asSent(messages[index]!.metadata)
  if ('problem' in sent) throw new RequestError(400, `messages.${index}.metadata: ${sent.problem} (the metadata of the message answered is kept with its job)`)
  return sent.metadata === undefined ? {} : { promptMetadata: sent.metadata }
}
