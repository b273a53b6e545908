/**
 * Tool definitions. Apps write one file per tool in `server/tools/` with `defineTool`.
 * (The registry implementation lives beside this file.)
 */
import type { z } from 'zod'
import type { ModelTool } from '../model/types'
import type { ToolProgressInput } from './tool-progress'

export type { ToolProgressInput } from './tool-progress'

/** What a tool's `execute` receives besides its arguments. */
export interface ToolContext {
  /** Fires on the tool's timeout and on job abort. */
  signal: AbortSignal
  userId: string
  jobId: string
  threadId: string | null
  /** The model round (1-based) that asked for this call. */
  step: number
  /**
   * Tells viewers how the call is going while it runs: `progress('Fetched 3 of 10 pages')` or
   * `progress({ message, fraction: 0.3 })` (0..1). The latest one shows on the call; updates are
   * merged (at most one stored per 250 ms), so calling it in a tight loop is fine. Ignored once the call
   * returned (and in `needsApproval`). Throws a TypeError for input that is not an update.
   * docs/tool-progress.md
   */
  progress: (update: ToolProgressInput) => void
}

/** The context's plain data: what crosses to an isolation worker (no signal, no functions). */
export type ToolContextIds = Omit<ToolContext, 'signal' | 'progress'>

/** A tool definition. */
export interface ToolDefinition<Parameters extends z.ZodType = z.ZodType, Result = unknown> {
  name: string
  description: string
  parameters: Parameters
  execute: (args: z.infer<Parameters>, context: ToolContext) => Promise<Result> | Result
  /** @default limits.toolTimeoutMs (10 s) */
  timeoutMs?: number
  /** `client` tools are offered to the model and run in the browser: a call makes the job wait for the output the browser posts. @default 'server' */
  runtime?: 'server' | 'client'
  /**
   * A `runtime: 'client'` tool's output, as the AI SDK's `outputSchema`: the output the browser
   * posts is checked with it and the model reads what it returns; an output it refuses ends the
   * call as a tool error naming the problems (decision 51). Refused on a server tool.
   */
  outputSchema?: z.ZodType
  /** Ask the user before running. Refused on a `runtime: 'client'` tool (`false` aside): the browser runs it as the call arrives. */
  needsApproval?: boolean | ((args: z.infer<Parameters>, context: ToolContext) => boolean | Promise<boolean>)
  /** Retry once when the tool fails with a network-type error. @default false */
  retryable?: boolean
  /**
   * `worker` runs `execute` in a pool of worker threads with a heap cap, and stops it for real
   * (the thread is terminated) at its time limit or on abort. Arguments and result cross as JSON;
   * the tool's file must not need the Nitro app (docs/tools.md). The operator can force it with
   * `tools.isolated`. @default 'none' (in the server process)
   */
  isolation?: 'none' | 'worker'
}

/**
 * A tool of any parameter and result type. Typed tools are not assignable to the plain
 * `ToolDefinition` (their `execute` takes narrower arguments), so collections take this.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyToolDefinition = ToolDefinition<any, any>

/** The tools an engine knows. */
export interface ToolRegistry {
  /** Adds a tool; throws a clear error for an invalid definition or a name already taken. */
  register(tool: AnyToolDefinition): void
  get(name: string): ToolDefinition | undefined
  /** Every registered tool, in registration order. */
  list(): ToolDefinition[]
  /** The tools offered to the model for this request, as chat-completions tool specs. */
  toModelTools(names: string[]): ModelTool[]
  /**
   * True for a registered tool this view holds back (a job's own list of tools: restrict.ts), which
   * `get` answers as unknown. Absent on a registry that holds nothing back.
   */
  withheld?(name: string): boolean
}
