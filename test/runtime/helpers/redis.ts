import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';

export const REDIS_URL = 'redis://127.0.0.1:6379';

/** A key prefix no other test uses. */
export const randomPrefix = () => `ci-test-${randomBytes(5).toString('hex')}`;

/** A loopback port with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
