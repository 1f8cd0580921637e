import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('channel-incentives sandbox zoho', () => {
  it('prints help with exit 0', async () => {
    const c = capture();
    expect(await main(['sandbox', 'zoho', '--help'], c.io)).toBe(0);
    expect(c.out.join('')).toContain('--seed N');
  });
  it('refuses bad options with exit 2 and names the option', async () => {
    const c = capture();
    expect(await main(['sandbox', 'zoho', '--deals', 'many'], c.io)).toBe(2);
    expect(c.err.join('')).toContain('--deals must be a non-negative integer');
    const d = capture();
    expect(await main(['sandbox', 'zoho', '--edition', 'gold'], d.io)).toBe(2);
    expect(d.err.join('')).toContain('--edition must be one of');
  });
});
