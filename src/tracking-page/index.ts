// The customer tracking page (docs/tracking-page.md). The API mounts `createTrackingPage(...).router` at
// its root; anything that sends a customer a link (the ship route, notifications) makes it with
// `trackingLink(orderId)`, from the page or, in a process without the page, from `trackingLinker`.
import { TRACKING_PATH } from './router';
import type { TrackingPageSettings } from './settings';
import { TrackingSigner } from './signing';

export { createTrackingPage, TRACKING_PATH, type TrackingPage, type TrackingPageDeps, type VerifyLimits } from './router';
export { trackingPageSettings, trackingLinkSecret, type TrackingPageSettings, type Branding } from './settings';
export type { TrackingStore, Contact } from './source';

/** Makes signed tracking links without the router (a worker, a script): same key, same links. */
export function trackingLinker(s: Pick<TrackingPageSettings, 'keys' | 'publicBaseUrl' | 'linkTtlDays'>, now: () => number = Date.now): (orderId: string) => string {
  const signer = new TrackingSigner(s.keys);
  return (orderId) => `${s.publicBaseUrl}${TRACKING_PATH}/${encodeURIComponent(orderId)}?t=${signer.linkToken(orderId, s.linkTtlDays, now())}`;
}
