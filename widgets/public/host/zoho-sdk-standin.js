// Stand-in for Zoho's embedded-app SDK (live.zwidgets.com/js-sdk/…/ZohoEmbededAppSDK.min.js),
// for local demos and browser tests only: the real CRM serves Zoho's own file. It speaks the
// same postMessage protocol (docs/widget.md §5, fact sheet zoho.md §7.4; message shapes as in
// Zoho's lib/ZSDK.js and lib/ZohoCrmHelper.js, SDK 1.5) and offers only the calls the widget
// uses: embeddedApp.on/init, CRM.API.getRecord, CRM.UI.Resize.
(() => {
  if (window.ZOHO) return;
  const params = new URLSearchParams(location.search);
  const serviceOrigin = params.get('serviceOrigin');
  const listeners = {};
  const pending = {};
  let parentWindow = null;
  let registered = false;
  let uniqueID;
  let counter = 100;
  let resolveInit;
  const ready = new Promise((resolve) => {
    resolveInit = resolve;
  });

  window.addEventListener('message', (event) => {
    const msg = typeof event.data === 'string' ? safeJson(event.data) : event.data;
    if (msg?.type !== 'FRAMEWORK.EVENT') return;
    if (msg.eventName === 'SET_CONTEXT') {
      parentWindow = event.source;
      registered = true;
      uniqueID = msg.data?.uniqueID;
      resolveInit(msg.data);
      return;
    }
    // Everything after the handshake must come from the parent, from the service origin.
    if (!registered || event.source !== parentWindow || event.origin !== serviceOrigin) return;
    if (msg.eventName === 'EVENT_RESPONSE' || msg.eventName === 'EVENT_RESPONSE_FAILURE') {
      const p = pending[msg.promiseid];
      if (!p) return;
      delete pending[msg.promiseid];
      if (msg.eventName === 'EVENT_RESPONSE') p.resolve(msg.data);
      else p.reject(msg.data);
      return;
    }
    for (const fn of listeners[msg.eventName] || []) fn(msg.data);
  });

  function safeJson(text) {
    try {
      return JSON.parse(text);
    } catch {
      return null;
    }
  }

  function crmEvent(data) {
    if (!parentWindow) return Promise.reject(new Error('Parentwindow reference not found.'));
    const promiseid = `Promise${counter++}`;
    const result = new Promise((resolve, reject) => {
      pending[promiseid] = { resolve, reject };
    });
    parentWindow.postMessage(
      {
        type: 'SDK.EVENT',
        eventName: 'CRM_EVENT',
        uniqueID,
        time: Date.now(),
        promiseid,
        appOrigin: encodeURIComponent(location.href),
        data: { ...data, sdkVersion: '1.5' },
      },
      serviceOrigin,
    );
    return result;
  }

  window.ZOHO = {
    embeddedApp: {
      on(eventName, fn) {
        if (!listeners[eventName]) listeners[eventName] = [];
        listeners[eventName].push(fn);
      },
      init() {
        window.top.postMessage(
          { type: 'SDK.EVENT', eventName: 'REGISTER', appOrigin: encodeURIComponent(location.href) },
          serviceOrigin,
        );
        return ready;
      },
    },
    CRM: {
      API: {
        getRecord(options) {
          return crmEvent({ category: 'READ', APIData: options });
        },
      },
      FUNCTIONS: {
        // As ZohoCrmHelper.js sends it: the request data travels as { data: req_data } with auth_type.
        execute(funcName, reqData) {
          return crmEvent({
            category: 'FUNCTIONS_EXECUTE',
            customFunctionName: funcName,
            data: { data: { ...reqData, auth_type: 'oauth' } },
          });
        },
      },
      UI: {
        Resize(size) {
          return crmEvent({
            action: 'RESIZE',
            data: { width: size.width, height: size.height },
            category: 'UI',
          });
        },
      },
    },
  };
})();
