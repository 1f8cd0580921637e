// Every migration, in order. Append new ones (002_..., never edit an applied one).
import * as m001 from './001_init.js';
import * as m003 from './003_widget_sessions.js';

export interface Migration {
  id: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [m001, m003];
