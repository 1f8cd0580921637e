// The keyring the process runs with. ENCRYPTION_KEYS wins when set. Without it, only
// the embedded default (no DATABASE_URL) may run: it generates a key into
// DATA_DIR/encryption.key on first run (mode 0600) and reuses it afterwards.
// With DATABASE_URL and no ENCRYPTION_KEYS the process refuses to start: a key that
// lives only on one machine's disk would make a shared database unreadable elsewhere.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { generateKeyEntry, type Keyring, parseKeyring } from './keyring.js';

export const KEY_FILE = 'encryption.key';

export async function loadKeyring(
  config: Config,
  notify: (message: string) => void = () => undefined,
): Promise<Keyring> {
  if (config.encryptionKeys) return parseKeyring(config.encryptionKeys);
  if (config.databaseUrl) {
    throw new Error(
      "ENCRYPTION_KEYS: required when DATABASE_URL is set (format \"k1:BASE64-32-BYTES\"; generate one with: node -e \"console.log('k1:'+require('crypto').randomBytes(32).toString('base64'))\")",
    );
  }
  const file = join(config.dataDir, KEY_FILE);
  try {
    return parseKeyring((await readFile(file, 'utf8')).trim());
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`ENCRYPTION_KEYS: not set, and ${file} is unreadable: ${(err as Error).message}`);
    }
  }
  await mkdir(config.dataDir, { recursive: true });
  const entry = generateKeyEntry('k1');
  await writeFile(file, `${entry}\n`, { mode: 0o600, flag: 'wx' }).catch(async (err) => {
    // Another process created it between our read and write: use theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  });
  notify(
    `generated an encryption key into ${file} (embedded mode). Back it up with the data directory; set ENCRYPTION_KEYS to manage keys yourself.`,
  );
  return parseKeyring((await readFile(file, 'utf8')).trim());
}
