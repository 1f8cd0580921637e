// node:crypto's sha256 for the server side: the same hex the core's pure-JS default
// produces, several times faster (passed to score() as `sha256`).
import { createHash } from 'node:crypto';

export function nodeSha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
