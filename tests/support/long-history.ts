/**
 * A chat whose request is large (a 500,000-character first message, as an AI SDK chat sends its
 * whole history with every turn), for tests that measure whether a read carries the request.
 * Shared by the Convex and Redis `*-read-request` tests.
 */

/** The long first message (`history`) and the three messages around it, the last `And now?`. */
export function longHistoryChat() {
  const history = 'h'.repeat(500_000)
  const messages = [
    { role: 'user' as const, content: history },
    { role: 'assistant' as const, content: 'Sure.' },
    { role: 'user' as const, content: 'And now?' },
  ]
  return { history, messages }
}
