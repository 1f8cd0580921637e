// Serves one PGlite database to many PostgreSQL wire-protocol clients on loopback.
//
// Why not @electric-sql/pglite-socket's server: it serializes per *message* and only
// keeps a client exclusive while `IsTransactionBlock()` is true. The extended query
// protocol (Parse/Bind/Execute/Sync, which `pg` uses for every parameterized query)
// runs in an implicit transaction that is not a "block", so two clients' unnamed
// statements could interleave (client B's Parse replacing client A's before A's Bind).
// PGlite has a single backend: every client shares one session.
//
// Our rule is the protocol's own: a client owns the database from its first message
// until PostgreSQL answers ReadyForQuery with status `I` (idle, outside a transaction).
// `T` (in transaction) and `E` (failed transaction) keep it exclusive; so does any
// message sequence not yet closed by Sync. A client that disconnects while owning the
// database has its transaction rolled back before the next client runs.
//
// LISTEN/NOTIFY: the single backend listens on behalf of every client, and PGlite
// emits NotificationResponse messages in the output of whichever message committed
// the NOTIFY. The gateway lifts them out of that output and delivers each one to the
// connections that issued LISTEN on its channel (BullMQ's workers wait on them).
//
// Every access in the embedded mode — store, BullMQ, CLI — goes through this
// gateway; nothing queries the PGlite instance directly once it is serving
// (a direct query would run inside whichever client's transaction is open).
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;

/** A FIFO lock: one owner at a time, waiters served in arrival order. */
class Lock {
  #tail: Promise<void> = Promise.resolve();
  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ready = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => next);
    return ready;
  }
}

export interface GatewayOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Called for connection-level failures (never with query text). */
  onError?: (err: Error) => void;
  /**
   * A client that owns the database (open transaction or unfinished message
   * sequence) and sends nothing for this long is disconnected and rolled back,
   * like PostgreSQL's idle_in_transaction_session_timeout: a stuck client must not
   * freeze every other one. Default 60 s; 0 disables.
   */
  idleInTransactionMs?: number;
}

export class PgliteGateway {
  readonly #db: PGlite;
  readonly #lock = new Lock();
  readonly #opts: GatewayOptions;
  #server: Server | null = null;
  readonly #sockets = new Set<Socket>();
  /** Channels each connection listens on. */
  readonly #listeners = new Map<Socket, Set<string>>();
  #port = 0;

  constructor(db: PGlite, opts: GatewayOptions = {}) {
    this.#db = db;
    this.#opts = opts;
  }

  get port(): number {
    return this.#port;
  }

  get host(): string {
    return this.#opts.host ?? '127.0.0.1';
  }

  async start(): Promise<number> {
    const server = createServer((socket) => this.#serve(socket));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#opts.port ?? 0, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    this.#port = typeof address === 'object' && address ? address.port : 0;
    return this.#port;
  }

  /** Runs `fn` while no client owns the database (same lock the clients take). */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.#lock.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const socket of this.#sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #deliver(n: Notification): void {
    for (const [socket, channels] of this.#listeners) {
      if (channels.has(n.channel) && socket.writable) socket.write(n.message);
    }
  }

  #serve(socket: Socket): void {
    this.#sockets.add(socket);
    socket.setNoDelay(true);
    let buffer = Buffer.alloc(0);
    let started = false;
    let release: (() => void) | null = null;
    let chain: Promise<void> = Promise.resolve();
    let closed = false;
    let idleTimer: NodeJS.Timeout | undefined;
    const idleLimit = this.#opts.idleInTransactionMs ?? 60_000;

    const channels = new Set<string>();
    this.#listeners.set(socket, channels);

    const finish = async () => {
      if (closed) return;
      closed = true;
      this.#sockets.delete(socket);
      this.#listeners.delete(socket);
      clearTimeout(idleTimer);
      // Wait for the message in flight, then roll back what this client left open.
      await chain.catch(() => undefined);
      if (release) {
        try {
          if (this.#db.isInTransaction()) await this.#db.exec('ROLLBACK');
        } catch (err) {
          this.#opts.onError?.(err as Error);
        }
        release();
        release = null;
      }
    };

    // A failed message (PGlite itself threw) ends the connection; finish() releases.
    const onFailure = (err: Error) => {
      this.#opts.onError?.(err);
      socket.destroy();
    };

    const handle = async (message: Buffer, type: string | null) => {
      if (closed) return;
      if (type === 'X') {
        socket.end();
        return;
      }
      clearTimeout(idleTimer);
      if (!release) release = await this.#lock.acquire();
      if (closed) return;
      if (type === 'Q' || type === 'P') trackListen(message, type, channels);
      const out: Buffer[] = [];
      await this.#db.runExclusive(() =>
        this.#db.execProtocolRawStream(new Uint8Array(message), {
          onRawData: (data) => {
            out.push(Buffer.from(data));
          },
        }),
      );
      const { forward, notifications, status } = splitBackendStream(Buffer.concat(out));
      if (forward.length > 0 && socket.writable) socket.write(forward);
      for (const n of notifications) this.#deliver(n);
      if (status === 'I' && release) {
        release();
        release = null;
      } else if (idleLimit > 0) {
        idleTimer = setTimeout(() => {
          this.#opts.onError?.(
            new Error(
              `embedded database client idle in transaction for ${idleLimit} ms; disconnected and rolled back`,
            ),
          );
          socket.destroy();
        }, idleLimit);
        idleTimer.unref();
      }
    };

    socket.on('data', (data) => {
      buffer = Buffer.concat([buffer, data]);
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          const code = buffer.readInt32BE(4);
          if (code === SSL_REQUEST) {
            buffer = buffer.subarray(8);
            socket.write('N');
            continue;
          }
          if (code === CANCEL_REQUEST) {
            buffer = buffer.subarray(16);
            socket.end();
            return;
          }
          if (code !== PROTOCOL_3 || buffer.length < length) return;
          const startup = buffer.subarray(0, length);
          buffer = buffer.subarray(length);
          started = true;
          chain = chain.then(() => handle(startup, null)).catch(onFailure);
          continue;
        }
        if (buffer.length < 5) return;
        const length = 1 + buffer.readInt32BE(1);
        if (buffer.length < length) return;
        const message = buffer.subarray(0, length);
        buffer = buffer.subarray(length);
        const type = String.fromCharCode(message[0]!);
        chain = chain.then(() => handle(message, type)).catch(onFailure);
      }
    });
    socket.on('error', onFailure);
    socket.on('close', () => {
      void finish();
    });
  }
}

interface Notification {
  channel: string;
  message: Buffer;
}

/**
 * Splits a backend stream into what goes back to the client, the notifications
 * (routed by channel), and the status byte of the last ReadyForQuery, if any.
 */
export function splitBackendStream(stream: Buffer): {
  forward: Buffer;
  notifications: Notification[];
  status: string | null;
} {
  let status: string | null = null;
  const keep: Buffer[] = [];
  const notifications: Notification[] = [];
  let offset = 0;
  while (offset + 5 <= stream.length) {
    const type = stream[offset]!;
    const length = stream.readInt32BE(offset + 1);
    const message = stream.subarray(offset, offset + 1 + length);
    if (type === 0x5a && length >= 5) status = String.fromCharCode(message[5]!);
    if (type === 0x41) {
      // NotificationResponse: int32 pid, channel cstring, payload cstring.
      const end = message.indexOf(0, 9);
      notifications.push({ channel: message.subarray(9, end).toString('utf8'), message });
    } else {
      keep.push(message);
    }
    offset += 1 + length;
  }
  if (offset < stream.length) keep.push(stream.subarray(offset));
  return { forward: Buffer.concat(keep), notifications, status };
}

/** Follows LISTEN / UNLISTEN statements a client sends (simple query or Parse). */
function trackListen(message: Buffer, type: 'Q' | 'P', channels: Set<string>): void {
  let text: string;
  if (type === 'Q') {
    text = message.subarray(5, message.indexOf(0, 5)).toString('utf8');
  } else {
    const nameEnd = message.indexOf(0, 5);
    text = message.subarray(nameEnd + 1, message.indexOf(0, nameEnd + 1)).toString('utf8');
  }
  if (!/listen/i.test(text)) return;
  const code = text.replace(/--[^\n]*/g, '');
  for (const m of code.matchAll(/\b(UN)?LISTEN\s+(\*|"([^"]+)"|([A-Za-z_][\w$]*))/gi)) {
    const channel = m[3] ?? m[4]?.toLowerCase();
    if (m[1]) {
      if (m[2] === '*') channels.clear();
      else if (channel) channels.delete(channel);
    } else if (channel) {
      channels.add(channel);
    }
  }
}
