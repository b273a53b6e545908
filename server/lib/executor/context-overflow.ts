/**
 * An endpoint's refusal of a request longer than the model's context window (OpenAI's 400
 * `context_length_exceeded`, and the other providers' words for it) says what to set: the job's
 * message gains a hint naming the context budget (history-budget.ts). The failure keeps its code
 * (`upstream-http`, or `upstream-stream` for an error chunk) and the endpoint's own words; it is
 * never retried (a 400 is not, and the same request would be refused again).
 */
import type { ContextBudget } from '../model/context-budget'
import { envNameOf } from '../config'
import { ModelError, UpstreamHttpError, UpstreamStreamError } from '../model/errors'
import { JobFailure } from '../run-context'

/**
 * What endpoints say when the prompt is over the window: OpenAI, Groq, DeepSeek, vLLM and
 * OpenRouter (`maximum context length`, `context_length_exceeded`), Mistral (`… maximum context
 * length`), Anthropic (`prompt is too long`), Gemini (`exceeds the maximum number of tokens
 * allowed`), xAI (`maximum prompt length`), llama.cpp (`exceed_context_size_error`, `context size`),
 * text-generation-inference (`tokens + \`max_new_tokens\` must be <=`), Cohere (`too many tokens`),
 * Bedrock (`Input is too long`).
 */
const CONTEXT_OVERFLOW = /context[_ ]length|maximum context|context window|context[_ ]size|prompt is too long|input is too long|too many tokens|maximum prompt length|maximum number of tokens allowed|max_new_tokens` must be <=/i

/** True when a model failure is the endpoint refusing a prompt over the model's window. */
export function isContextOverflow(error: unknown): error is ModelError {
  if (!(error instanceof ModelError)) return false
  // A 4xx that names it (400, 413 from a gateway, 422 from TGI), or an error chunk saying so — with
  // no status, or a refusal's (OpenRouter's `code: 400`): one whose code is a 429 or a 5xx failed in
  // passing, as such an HTTP answer did, whatever its words (`maximum context length of your plan`).
  const status = error instanceof UpstreamHttpError || error instanceof UpstreamStreamError ? error.status : undefined
  const refused = (error.code === 'upstream-stream' && status === undefined) || (status !== undefined && status >= 400 && status < 500 && status !== 429)
  // An error chunk's code is not in its message.
  const code = error instanceof UpstreamStreamError ? String(error.upstreamCode ?? '') : ''
  return refused && (CONTEXT_OVERFLOW.test(error.message) || CONTEXT_OVERFLOW.test(code))
}

/** The job's failure for such a refusal: the endpoint's words, then what to set. */
export function contextOverflowFailure(failure: JobFailure, budget: ContextBudget | null): JobFailure {
  const hint = budget
    ? `the request was within the context budget by its estimate (${budget.tokens} tokens, ${budget.setting}, ${budget.variable}) but not within the model's window: lower the budget (the estimate runs low for some scripts, and the answer needs room too; docs/model.md, "What is sent")`
    : `the conversation is longer than the model's context window: give the model a context budget, so the oldest turns are left out — upstream.contextTokens (${envNameOf('upstream.contextTokens')}) or upstream.modelContextTokens per model (docs/model.md, "What is sent")`
  const hinted = new JobFailure(failure.code, `${failure.message} — ${hint}`, failure.details)
  if (failure.usage) hinted.usage = failure.usage
  return hinted
}
