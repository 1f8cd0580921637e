// Fxiaoke embedded page (PartnerObj detail layout). Our server runs Fxiaoke's OAuth code flow,
// binds a session to tenant + user and redirects here with `?partnerId=…#session=…`
// (docs/widget.md §2); everything is read from our server.
import '../shared/styles.css';
import { mountWidget } from '../shared/app.js';
import { HttpWidgetData } from '../shared/http.data.js';
import { pickLocale } from '../shared/i18n.js';
import { apiBase, sessionFromFragment } from '../shared/session.js';
import { WidgetDataError } from '../shared/types.js';

const params = new URLSearchParams(location.search);
const locale = pickLocale(params.get('lang'), navigator.language);
const getToken =
  sessionFromFragment() ??
  (async () => {
    throw new WidgetDataError('unauthorized', 'no session: open this page through the Fxiaoke sign-in link');
  });
const widget = mountWidget({
  root: document.getElementById('app')!,
  data: new HttpWidgetData({ baseUrl: apiBase(), getToken }),
  locale,
});
void widget.show(params.get('partnerId') ?? '', params.get('period') ?? undefined);
