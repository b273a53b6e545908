/** A path with its links resolved (a layer installed as a link to its folder), or as given when it does not exist. */
import { realpathSync } from 'node:fs'

export function realPath(path: string): string {
  try {
    return realpathSync(path)
  }
  catch {
    return path
  }
}
