// WIDGET_* variables: lists of origins, checked item by item; unset means the CRM defaults.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { DEFAULT_FRAME_ANCESTORS } from '../../src/widget-api/embedding.js';
import { resolveWidgetOptions } from '../../src/widget-api/options.js';

describe('widget configuration', () => {
  it('defaults: every CRM origin may frame, no extra CORS origins, 60-minute sessions', () => {
    const c = loadConfig({});
    expect(c.widgetFrameAncestors).toBeUndefined();
    expect(c.widgetCorsOrigins).toEqual([]);
    expect(c.widgetSessionTtlMs).toBe(3_600_000);
    expect(resolveWidgetOptions({ frameAncestors: c.widgetFrameAncestors }).frameAncestors).toBe(
      DEFAULT_FRAME_ANCESTORS,
    );
  });

  it('reads space- or comma-separated lists', () => {
    const c = loadConfig({
      WIDGET_FRAME_ANCESTORS: "'self' https://crm.example.com, https://*.example.org:8443",
      WIDGET_CORS_ORIGINS: 'https://a.example.com http://localhost:5173',
      WIDGET_SESSION_TTL_MINUTES: '15',
    });
    expect(c.widgetFrameAncestors).toEqual([
      "'self'",
      'https://crm.example.com',
      'https://*.example.org:8443',
    ]);
    expect(c.widgetCorsOrigins).toEqual(['https://a.example.com', 'http://localhost:5173']);
    expect(c.widgetSessionTtlMs).toBe(900_000);
  });

  it('names the variable when an item is not an origin', () => {
    try {
      loadConfig({
        WIDGET_FRAME_ANCESTORS: 'https://ok.example.com javascript:alert(1)',
        WIDGET_CORS_ORIGINS: '*',
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems.join('\n');
      expect(problems).toMatch(/^WIDGET_FRAME_ANCESTORS: every item must be/m);
      expect(problems).toMatch(/^WIDGET_CORS_ORIGINS: every item must be/m);
    }
  });
});
