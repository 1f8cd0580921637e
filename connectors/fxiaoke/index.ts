// Public surface of the Fxiaoke connector (what the job layer, HTTP routes and CLI import).
export { verifyFxiaokePush, WORKFLOW_SECRET_HEADER } from './fxiaoke.callback.js';
export {
  createFxiaokeConnector,
  FXIAOKE_MANUAL_CHANNEL,
  type FxiaokeConnector,
} from './fxiaoke.connector.js';
export { classifyFxiaokeError, FxApiError, nextChinaMidnight } from './fxiaoke.errors.js';
export { DEFAULT_FXIAOKE_BASE_URL, FX_LIMITS, FXIAOKE_CLOUDS } from './fxiaoke.hosts.js';
export {
  connectFxiaoke,
  FxiaokeConnectError,
  type FxiaokeConnectInput,
  type FxiaokeConnection,
} from './fxiaoke.onboard.js';
export {
  DEFAULT_RESULT_FIELDS,
  type FxiaokeCredentials,
  FxiaokeCredentialsSchema,
  type FxiaokeSettings,
  type FxiaokeSettingsInput,
  FxiaokeSettingsInputSchema,
  parseFxiaokeSettings,
} from './fxiaoke.settings.js';
