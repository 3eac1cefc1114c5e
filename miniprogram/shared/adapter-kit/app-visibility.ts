// The app going to the background and back, as one listener, over the platform's own
// onAppHide / onAppShow (WeChat base library 2.1.2+, Alipay alike) and their off… pairs;
// absent ones are skipped. The engine holds uploads the platforms cut in the background
// until the app shows again (Platform.onAppVisibility).

/** What both `wx` and `my` offer for it (each adapter passes its own). */
export interface AppVisibilityApi {
  onAppHide?: (listener: () => void) => void;
  onAppShow?: (listener: () => void) => void;
  offAppHide?: (listener: () => void) => void;
  offAppShow?: (listener: () => void) => void;
}

/** `platformApi` is read when a listener is added, not before: the global it returns may not exist yet when the platform object is made. */
export function appVisibility(platformApi: () => AppVisibilityApi): (listener: (visible: boolean) => void) => () => void {
  return (listener) => {
    const api = platformApi();
    const hide = () => listener(false);
    const show = () => listener(true);
    if (typeof api.onAppHide === 'function') api.onAppHide(hide);
    if (typeof api.onAppShow === 'function') api.onAppShow(show);
    return () => {
      if (typeof api.offAppHide === 'function') api.offAppHide(hide);
      if (typeof api.offAppShow === 'function') api.offAppShow(show);
    };
  };
}
