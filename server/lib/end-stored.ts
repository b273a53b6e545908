/**
 * What a run does only once its end is stored: count a tool call the job's end cut off
 * (`tool_runs_total{status="stopped"}`). When the end is not stored (the store refused it: another
 * instance took the job over; or it was given up at a shutdown), whoever ends the job counts that
 * call (as `error`, an unanswered call), so counting here too would count it twice.
 */

/** Actions waiting for the end; `stored` once it is (later ones run at once), `dropped` when it never will be. */
export type EndStoredActions = Array<() => void> | 'stored' | 'dropped'

/** Runs `action` once the run's end is stored (at once when it already is); never when it is not. */
export function whenEndStored(run: { endStored: EndStoredActions }, action: () => void): void {
  if (run.endStored === 'stored') action()
  else if (run.endStored !== 'dropped') run.endStored.push(action)
}

/** The run's end was stored (`true`: the waiting actions run) or never will be (`false`: dropped). Once. */
export function settleEndStored(run: { endStored: EndStoredActions }, stored: boolean): void {
  const waiting = run.endStored
  if (!Array.isArray(waiting)) return
  run.endStored = stored ? 'stored' : 'dropped'
  if (stored) for (const action of waiting) action()
}
