/**
 * A safe arithmetic evaluator for the `calculate` demo tool: a tiny recursive-descent parser over
 * numbers, + - * / % ^, parentheses and unary signs. It only ever computes numbers — no names,
 * no calls, no `eval` — so text from a model can never run as code.
 *
 *   expression := term (('+' | '-') term)*
 *   term       := unary (('*' | '/' | '%') unary)*
 *   unary      := ('-' | '+') unary | power
 *   power      := primary ('^' unary)?        right-associative; -2^2 = -(2^2)
 *   primary    := number | '(' expression ')'
 */

import { ToolError } from '../../../server/lib/tools/tool-error'

/** Longest expression accepted (keeps work and error messages small). */
export const MAX_EXPRESSION_LENGTH = 1000
/** Deepest nesting of parentheses and signs (keeps the recursion far from the stack limit). */
export const MAX_NESTING_DEPTH = 64

/**
 * The expression is not valid arithmetic, or has no finite result. A `ToolError`: its message is
 * written for the model, which corrects the expression from it (any other error reads only
 * `Tool "calculate" failed`).
 */
export class ArithmeticError extends ToolError {
  override name = 'ArithmeticError'
  constructor(message: string, readonly position?: number) {
    super(position === undefined ? message : `${message} at position ${position + 1}`)
  }
}

const NUMBER_PATTERN = /\d+(?:\.\d*)?|\.\d+/y

/** Evaluates an arithmetic expression; throws `ArithmeticError`. */
export function evaluateArithmetic(expression: string): number {
  if (expression.length > MAX_EXPRESSION_LENGTH) throw new ArithmeticError(`The expression is longer than ${MAX_EXPRESSION_LENGTH} characters`)
  let position = 0
  let depth = 0

  function skipSpaces() {
    while (position < expression.length && /\s/.test(expression[position]!)) position++
  }
  function peek(): string | undefined {
    skipSpaces()
    return expression[position]
  }
  /** The whole character at `at`: an emoji is two UTF-16 units, and half of one is not text. */
  function characterAt(at: number): string {
    return String.fromCodePoint(expression.codePointAt(at)!)
  }
  function enter() {
    if (++depth > MAX_NESTING_DEPTH) throw new ArithmeticError(`The expression is nested more than ${MAX_NESTING_DEPTH} levels deep`, position)
  }

  function parseExpression(): number {
    let value = parseTerm()
    for (let operator = peek(); operator === '+' || operator === '-'; operator = peek()) {
      position++
      const right = parseTerm()
      value = operator === '+' ? value + right : value - right
    }
    return value
  }

  function parseTerm(): number {
    let value = parseUnary()
    for (let operator = peek(); operator === '*' || operator === '/' || operator === '%'; operator = peek()) {
      const at = position++
      const right = parseUnary()
      if ((operator === '/' || operator === '%') && right === 0) throw new ArithmeticError('Division by zero', at)
      value = operator === '*' ? value * right : operator === '/' ? value / right : value % right
    }
    return value
  }

  function parseUnary(): number {
    const sign = peek()
    if (sign === '-' || sign === '+') {
      position++
      enter()
      const value = parseUnary()
      depth--
      return sign === '-' ? -value : value
    }
    return parsePower()
  }

  function parsePower(): number {
    const base = parsePrimary()
    if (peek() !== '^') return base
    position++
    enter()
    const exponent = parseUnary()
    depth--
    return base ** exponent
  }

  function parsePrimary(): number {
    const next = peek()
    if (next === '(') {
      const open = position++
      enter()
      const value = parseExpression()
      depth--
      if (peek() !== ')') throw new ArithmeticError('Missing ")" for the "(" opened', open)
      position++
      return value
    }
    NUMBER_PATTERN.lastIndex = position
    const match = NUMBER_PATTERN.exec(expression)
    if (!match) {
      throw new ArithmeticError(next === undefined ? 'The expression ended where a number was expected' : `Unexpected "${characterAt(position)}"`, next === undefined ? undefined : position)
    }
    position += match[0].length
    return Number(match[0])
  }

  if (peek() === undefined) throw new ArithmeticError('The expression is empty')
  const value = parseExpression()
  if (peek() !== undefined) throw new ArithmeticError(`Unexpected "${characterAt(position)}"`, position)
  if (!Number.isFinite(value)) throw new ArithmeticError('The result is not a finite number')
  return value
}
