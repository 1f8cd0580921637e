import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';

describe('cli', () => {
  it('rejects an unknown command with exit 2', async () => {
    expect(await main(['nope'])).toBe(2);
  });
});
