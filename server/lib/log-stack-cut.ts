/**
 * A stack in a log line keeps its first frames. The logger never writes an Error's stack, but an
 * error-like object (`{ name, message, stack }`: an error serialized by a queue, an RPC or
 * `serialize-error`, thrown again by a hook) is written field by field; with a raised
 * `Error.stackTraceLimit` its stack is hundreds of frames. Where it was thrown is in the first few.
 */

/** How many frames (`    at …` lines) a `stack` field keeps: Node's default `Error.stackTraceLimit`. */
export const MAX_LOG_STACK_FRAMES = 10

const FRAME = /^\s*at\s/

/** `stack` up to its `MAX_LOG_STACK_FRAMES`th frame, saying how many lines were cut after it. */
export function cutStackFrames(stack: string): string {
  const lines = stack.split('\n')
  let frames = 0
  for (let index = 0; index < lines.length; index++) {
    if (FRAME.test(lines[index]!) && ++frames === MAX_LOG_STACK_FRAMES) {
      const cut = lines.length - index - 1
      return cut > 0 ? `${lines.slice(0, index + 1).join('\n')}\n    … [${cut} more lines cut]` : stack
    }
  }
  return stack
}
