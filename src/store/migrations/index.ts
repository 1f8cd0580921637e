// Every migration, in order. Append new ones (002_..., never edit an applied one).
import * as m001 from './001_init.js';
import * as m002 from './002_pipeline.js';
import * as m003 from './003_subscriptions.js';
import * as m004 from './004_widget_sessions.js';
import * as m005 from './005_recalc_dirty.js';
import * as m006 from './006_push_latency.js';
import * as m007 from './007_rank_sweep.js';
import * as m008 from './008_won_by_account.js';
import * as m009 from './009_rank_keys.js';
import * as m010 from './010_rank_pending.js';

export interface Migration {
  id: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [m001, m002, m003, m004, m005, m006, m007, m008, m009, m010];
