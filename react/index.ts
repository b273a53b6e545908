/**
 * `nuxt-background-jobs/react`: the layer's client helpers for a React app on its routes — Stop for
 * an AI SDK chat (`useChatStop`, with the transport's `fetch` from `createChatStopFetch()`;
 * docs/ai-sdk.md). The only entry that imports React (docs/decisions/051); another framework binds
 * the same Stop from `nuxt-background-jobs/app/lib/chat-stop` (`createChatStop`).
 */
export { useChatStop } from './use-chat-stop'
export type { ReactChatStop, ReactChatStopChat, ReactChatStopOptions } from './use-chat-stop'
export { CHAT_STOP_WAIT_MS } from '../app/lib/chat-stop'
export type { ChatRouteRequest, ChatStopOptions, ChatStopResult, StoppedChatJob } from '../app/lib/chat-stop'
export { createChatStopFetch, CUT_SHORT_POST_GIVE_UP_MS } from '../app/lib/chat-stop-fetch'
export type { ChatStopFetch, ChatStopFetchOptions, CutShortOutcome, CutShortPost } from '../app/lib/chat-stop-fetch'
export type { ChatStopMessage } from '../app/lib/kept-stopped-answers'
