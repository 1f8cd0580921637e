import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { loadKeyring } from '../../src/secrets/embedded-key.js';

describe('config', () => {
  it('applies the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      publicUrl: 'http://127.0.0.1:3000',
      dataDir: './data',
      databaseUrl: undefined,
      redisUrl: undefined,
      logLevel: 'info',
      bodyLimit: 262144,
    });
  });

  it('names every invalid variable', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', REDIS_URL: 'http://x' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as Error).message;
      for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'REDIS_URL'])
        expect(msg).toContain(`${name}:`);
    }
  });

  it('treats empty values as unset', () => {
    const c = loadConfig({ DATABASE_URL: '', REDIS_URL: ' ', HOST: '', PORT: '' });
    expect(c).toMatchObject({ redisUrl: undefined, databaseUrl: undefined, host: '127.0.0.1', port: 3000 });
  });
});

describe('encryption key at start-up', () => {
  it('generates one into DATA_DIR in the embedded default, says so, and reuses it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ci-key-'));
    try {
      const said: string[] = [];
      const first = await loadKeyring(loadConfig({ DATA_DIR: dir }), (m) => said.push(m));
      expect(said[0]).toMatch(/generated an encryption key into .*encryption\.key/);
      expect((await stat(join(dir, 'encryption.key'))).mode & 0o777).toBe(0o600);
      const second = await loadKeyring(loadConfig({ DATA_DIR: dir }), (m) => said.push(m));
      expect(said).toHaveLength(1);
      expect(second.keys.get('k1')).toEqual(first.keys.get('k1'));
      expect((await readFile(join(dir, 'encryption.key'), 'utf8')).startsWith('k1:')).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start with DATABASE_URL and no ENCRYPTION_KEYS, or with an invalid key', async () => {
    await expect(loadKeyring(loadConfig({ DATABASE_URL: 'postgres://x/y' }))).rejects.toThrow(
      /ENCRYPTION_KEYS: required/,
    );
    await expect(loadKeyring(loadConfig({ ENCRYPTION_KEYS: 'k1:abc' }))).rejects.toThrow(/ENCRYPTION_KEYS/);
  });
});
