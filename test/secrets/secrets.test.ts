import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTenant } from '../../src/jobs/tenants.service.js';
import { DecryptError, open, seal } from '../../src/secrets/cipher.js';
import { generateKeyEntry, parseKeyring } from '../../src/secrets/keyring.js';
import { rotateCredentials } from '../../src/secrets/rotate.js';
import { credentialVault } from '../../src/secrets/vault.js';
import type { TenantId } from '../../src/store/ids.js';
import { getSealedCredentials } from '../../src/store/repos/tenants.repo.js';
import { getWidgetSecret, putWidgetSecret } from '../../src/store/repos/widget-sessions.repo.js';
import { createTestStore, type TestStore } from '../runtime/helpers/stores.js';

const k1 = generateKeyEntry('k1');
const k2 = generateKeyEntry('k2');

describe('keyring (ENCRYPTION_KEYS)', () => {
  it('takes the first key as active and keeps the rest for decryption', () => {
    const ring = parseKeyring(`${k2},${k1}`);
    expect(ring.activeId).toBe('k2');
    expect([...ring.keys.keys()]).toEqual(['k2', 'k1']);
  });

  it.each([
    ['', /empty/],
    ['nocolon', /no "id:" prefix/],
    ['k1:c2hvcnQ=', /decodes to 5 bytes/],
    ['k1:!!!', /not base64/],
    [`${k1},${k1}`, /appears twice/],
    [`bad id:${k1.slice(3)}`, /key id/],
  ])('rejects %j naming the problem', (value, message) => {
    expect(() => parseKeyring(value)).toThrow(message);
  });
});

describe('AES-256-GCM credentials', () => {
  const ring = parseKeyring(k1);
  it('round-trips and binds the tenant as associated data', () => {
    const sealed = seal(ring, 't_aaaa', '{"refresh_token":"1000.abc"}');
    expect(sealed.keyId).toBe('k1');
    expect(sealed.data).not.toContain('1000.abc');
    expect(open(ring, 't_aaaa', sealed)).toBe('{"refresh_token":"1000.abc"}');
    // The same ciphertext copied to another tenant does not decrypt.
    expect(() => open(ring, 't_bbbb', sealed)).toThrow(DecryptError);
  });

  it('fails on a tampered ciphertext or an unknown key id, without echoing material', () => {
    const sealed = seal(ring, 't_aaaa', 'secret-value');
    const raw = Buffer.from(sealed.data, 'base64');
    raw[raw.length - 1]! ^= 1;
    expect(() => open(ring, 't_aaaa', { ...sealed, data: raw.toString('base64') })).toThrow(
      /failed authentication/,
    );
    expect(() => open(ring, 't_aaaa', { ...sealed, keyId: 'k9' })).toThrow(
      /key "k9", which is not in ENCRYPTION_KEYS/,
    );
  });
});

describe('credentials in the store', () => {
  let store: TestStore;
  let tampered: TenantId | null = null;
  beforeAll(async () => {
    store = await createTestStore('pglite');
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it('a ciphertext copied between tenants in the database fails to decrypt', async () => {
    const ring = parseKeyring(k1);
    const a = await addTenant(
      store.db,
      ring,
      { crm: 'zoho', orgId: 'copy-a', credentials: { refresh: 'A-secret' } },
      't',
    );
    const b = await addTenant(
      store.db,
      ring,
      { crm: 'zoho', orgId: 'copy-b', credentials: { refresh: 'B-secret' } },
      't',
    );
    await store.db.query(
      `update tenants set credentials_ct = (select credentials_ct from tenants where tenant_id = $1),
         credentials_key_id = (select credentials_key_id from tenants where tenant_id = $1) where tenant_id = $2`,
      [a.id, b.id],
    );
    await expect(credentialVault(store.db, ring, a.id).read()).resolves.toEqual({ refresh: 'A-secret' });
    await expect(credentialVault(store.db, ring, b.id).read()).rejects.toThrow(DecryptError);
    tampered = b.id;
  });

  it('key rotation re-encrypts everything under the active key and keeps every credential readable', async () => {
    const old = parseKeyring(k1);
    const ids: TenantId[] = [];
    for (let i = 0; i < 5; i++) {
      const t = await addTenant(
        store.db,
        old,
        { crm: i % 2 ? 'fxiaoke' : 'zoho', orgId: `rot-${i}`, credentials: { appSecret: `s-${i}` } },
        't',
      );
      ids.push(t.id);
      // Zoho tenants also hold a widget secret, sealed the same way.
      if (i % 2 === 0) await putWidgetSecret(store.db, t.id, seal(old, t.id, `widget-${i}`));
    }
    const next = parseKeyring(`${k2},${k1}`);
    const progress: { done: number; kind: string }[] = [];
    const out = await rotateCredentials(store.db, next, (p) => progress.push(p));
    // Only the tenant whose ciphertext was tampered with above cannot be re-sealed.
    expect(out.failed.map((f) => [f.tenantId, f.kind])).toEqual(tampered ? [[tampered, 'credentials']] : []);
    expect(out.rotated).toBeGreaterThanOrEqual(5 + 3);
    expect(progress.at(-1)?.done).toBe(out.rotated + out.failed.length);
    expect(progress.filter((p) => p.kind === 'widget-secret')).toHaveLength(3);
    // Only the new key is needed afterwards: for the credentials and the widget secrets.
    const onlyNew = parseKeyring(k2);
    for (const [i, id] of ids.entries()) {
      expect((await getSealedCredentials(store.db, id))?.keyId).toBe('k2');
      await expect(credentialVault(store.db, onlyNew, id).read()).resolves.toEqual({ appSecret: `s-${i}` });
      const widget = await getWidgetSecret(store.db, id);
      if (i % 2 === 0) {
        expect(widget?.keyId).toBe('k2');
        expect(open(onlyNew, id, widget!)).toBe(`widget-${i}`);
      } else expect(widget).toBeNull();
    }
    const audited = await store.db.query<{ action: string }>(
      'select action from audit_log where tenant_id = $1 order by id',
      [ids[0]],
    );
    expect(audited.map((r) => r.action)).toEqual(
      expect.arrayContaining(['credentials.rotated', 'widget.secret.rotated']),
    );
    // Running it again has nothing to do.
    expect((await rotateCredentials(store.db, next)).rotated).toBe(0);
  });
});
