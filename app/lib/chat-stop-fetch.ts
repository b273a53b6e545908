/**
 * The `fetch` of an AI SDK chat's transport (`new DefaultChatTransport({ api, fetch })`) that lets a
 * Stop stop the job of a message it cut short (`useChatStop`). The SDK's `stop()` aborts the post of
 * a message (a new one, a Retry's) before its response came, yet the post may be on its way: the
 * chat's abort route, reached first, finds no job, and the job the post then makes runs on unseen.
 * So the SDK gets its abort at once, as with a stock `fetch`, but the request goes on until the
 * server answers it (its response is then closed: nobody reads it), for at most
 * `CUT_SHORT_POST_GIVE_UP_MS`. `takeCutShortPost()` gives how it ended, for the Stop to abort again
 * once its job is there (docs/decisions/047). A post of approval answers is not kept: it goes to a
 * job that is there before it, which the Stop's first abort stops.
 */

/** How long a post a Stop cut short is kept open in all, waiting for the server's answer, before it is closed. */
export const CUT_SHORT_POST_GIVE_UP_MS = 60_000

/**
 * How a post cut short ended: `answered` (the server took it: its job exists), `unsent` (refused,
 * or it reached no server: no job), `gave-up` (no response within the bound, or the chat's page
 * went away: the request is closed, a job may exist).
 */
export type CutShortOutcome = 'answered' | 'unsent' | 'gave-up'

/** A post of a message that the SDK aborted before its response came. */
export interface CutShortPost {
  /** The chat it was posted to (the body's `id`: the thread its job is in); null if the body had none. */
  chatId: string | null
  /**
   * The user message it asked an answer to (the body's last user message, or its `message`): its
   * job answers that message, and the Stop's abort for it names it, so that only that job is
   * stopped, not a message sent meanwhile from another tab. Null if the body named none (an app's
   * own body): its aborts then stop every running job of the chat.
   */
  messageId: string | null
  /** Settles once the server answered it, or it failed, or the bound passed. */
  ended: Promise<CutShortOutcome>
  /** The transport posted again since (a new message or Retry: that post's job ends the ones the client wrote past). */
  overtaken: () => boolean
}

/** What `createChatStopFetch` gives. */
export interface ChatStopFetch {
  /** The transport's `fetch`. */
  fetch: typeof globalThis.fetch
  /** The newest post cut short by a Stop, once (null: none, or its response had come, or another post followed). */
  takeCutShortPost: () => CutShortPost | null
  /** The chat the newest post went to (the body's `id`); null before any. A Stop whose app gave no chat id aborts this one. */
  postedChatId: () => string | null
  /** Closes the posts still kept open and clears their timers (`useChatStop` calls it when its component goes). */
  dispose: () => void
}

export interface ChatStopFetchOptions {
  /** The `fetch` the requests go through. @default globalThis.fetch (read at each request) */
  fetch?: typeof globalThis.fetch
  /** How long a post cut short is kept open. @default CUT_SHORT_POST_GIVE_UP_MS */
  giveUpMs?: number
}

/** A UI message as a post's body holds it (only what is read here). */
interface PostedMessage {
  id?: unknown
  role?: unknown
}

/** What a post's body says: its chat, the user message it asks an answer to, whether it carries approval answers. */
interface PostedBody {
  chatId: string | null
  messageId: string | null
  approvals: boolean
}

/** The transport's JSON body, or null (not JSON text). */
function parsedBody(body: BodyInit | null | undefined): { id?: unknown, messages?: unknown, message?: PostedMessage } | null {
  try {
    return typeof body === 'string' ? JSON.parse(body) as { id?: unknown } | null : null
  }
  catch {
    return null
  }
}

/** Reads a post's body (the transport's JSON: `{ id, messages, … }` or `{ id, message, … }`); anything else says nothing. */
function readPostedBody(body: BodyInit | null | undefined): PostedBody {
  const parsed = parsedBody(body)
  const messages: PostedMessage[] = Array.isArray(parsed?.messages) ? parsed.messages as PostedMessage[] : parsed?.message ? [parsed.message] : []
  // The server answers the last user message (chat-turn.ts), whose id its job keeps.
  const asked = messages.findLast(message => message?.role === 'user')?.id
  return {
    chatId: typeof parsed?.id === 'string' && parsed.id !== '' ? parsed.id : null,
    messageId: typeof asked === 'string' && asked !== '' ? asked : null,
    approvals: Array.isArray(parsed?.messages) && (parsed.messages as PostedMessage[]).at(-1)?.role === 'assistant',
  }
}

/** The post's body ends with the assistant's message: approval answers (not a new user message, nor a Retry's). */
export function postsApprovalAnswers(body: BodyInit | null | undefined): boolean {
  return readPostedBody(body).approvals
}

/** Creates the transport's `fetch` (above). */
export function createChatStopFetch(options: ChatStopFetchOptions = {}): ChatStopFetch {
  const giveUpMs = options.giveUpMs ?? CUT_SHORT_POST_GIVE_UP_MS
  const send: typeof globalThis.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  /** Posts sent so far: a cut-short post is overtaken once another one went. */
  let posts = 0
  let cutShort: CutShortPost | null = null
  /** The chat of the newest post. */
  let postedChatId: string | null = null
  /** Gives up the posts still kept open (dispose). */
  const open = new Set<() => void>()

  /** Keeps `sent` open until it is answered or the bound passes, then closes it. */
  function keep(sent: Promise<Response>, own: AbortController, reason: unknown, post: number, body: PostedBody): CutShortPost {
    let timer: ReturnType<typeof setTimeout> | undefined
    let giveUp: () => void = () => {}
    const gaveUp = new Promise<CutShortOutcome>((settle) => {
      giveUp = () => settle('gave-up')
      timer = setTimeout(giveUp, giveUpMs)
    })
    open.add(giveUp)
    const answered = sent.then(response => (response.ok ? 'answered' as const : 'unsent' as const), () => 'unsent' as const)
    const ended = Promise.race([answered, gaveUp]).finally(() => {
      clearTimeout(timer)
      open.delete(giveUp)
      // Its answer is not read (the SDK stopped): the response closes, as the SDK's abort would.
      own.abort(reason)
    })
    return { chatId: body.chatId, messageId: body.messageId, ended, overtaken: () => posts !== post }
  }

  /**
   * Sends a post with its own signal: the SDK's abort after the response came closes it (as the
   * SDK's own signal would); before, the SDK's promise rejects at once and the request is kept.
   */
  function sendPost(input: RequestInfo | URL, init: RequestInit & { signal: AbortSignal }, post: number, body: PostedBody): Promise<Response> {
    const stopped = init.signal
    // Aborted before it went out: it never will.
    if (stopped.aborted) return Promise.reject(stopped.reason)
    const own = new AbortController()
    const sent = send(input, { ...init, signal: own.signal })
    return new Promise<Response>((resolve, reject) => {
      let response: 'waiting' | 'answered' | 'failed' = 'waiting'
      stopped.addEventListener('abort', () => {
        if (response === 'answered') return own.abort(stopped.reason)
        if (response === 'failed') return
        reject(stopped.reason)
        const kept = keep(sent, own, stopped.reason, post, body)
        if (posts === post) cutShort = kept
      }, { once: true })
      sent.then((answer) => {
        response = 'answered'
        resolve(answer)
      }, (failure: unknown) => {
        response = 'failed'
        reject(failure)
      })
    })
  }

  const chatFetch: typeof globalThis.fetch = (input, init) => {
    if (init?.method?.toUpperCase() !== 'POST') return send(input, init)
    const post = ++posts
    cutShort = null
    const body = readPostedBody(init.body)
    postedChatId = body.chatId ?? postedChatId
    // Only a post that makes a job can race the Stop's abort.
    if (!init.signal || body.approvals) return send(input, init)
    return sendPost(input, { ...init, signal: init.signal }, post, body)
  }

  return {
    fetch: chatFetch,
    takeCutShortPost() {
      const taken = cutShort
      cutShort = null
      return taken
    },
    postedChatId: () => postedChatId,
    dispose() {
      for (const giveUp of [...open]) giveUp()
      cutShort = null
    },
  }
}
