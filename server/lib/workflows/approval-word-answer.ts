/**
 * A workflow question answered with a tool approval's word (`'approve'`, `'deny'`): an app's page
 * that answers both kinds of question (client.md's example does) sent the word to the wrong one
 * and read only zod's "expected object, received string". The refusal now says which kind of
 * question it was, and where its answer's shape is given.
 */
import { InvalidAnswerError } from '../errors'
import { isApprovalWord } from '../executor/tool-approval'
import { issueCountOf, withIssueCount } from '../validation-budget'

/** Runs `parse` on a workflow question's answer; a tool approval's word it refuses gets the hint. */
export function withApprovalWordHint<T>(answer: unknown, nodeId: string, parse: () => T): T {
  try {
    return parse()
  }
  catch (error) {
    if (!(error instanceof InvalidAnswerError) || !isApprovalWord(answer)) throw error
    const hint = `${JSON.stringify(answer)} answers a tool approval, and this is a workflow question (input node ${JSON.stringify(nodeId)}): answer with a value its schema takes (the input request's \`schema\`)`
    throw withIssueCount(new InvalidAnswerError(`${error.message}; ${hint}`), issueCountOf(error))
  }
}
