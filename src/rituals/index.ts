import { checkInDeliveries } from './checkins/deliveries.js';
import { designReviewDeliveries } from './designReview/deliveries.js';
import { digestDeliveries } from './digests/deliveries.js';
import { meetingDeliveries } from './meetings/deliveries.js';
import type { DeliveryRitual } from '../scheduler/rituals.js';

/** Every ritual that sends scheduled messages; the scheduler asks the one that owns a delivery's kind. */
export const deliveryRituals = (opts: { installedOnly: boolean }): DeliveryRitual[] => [
  checkInDeliveries,
  meetingDeliveries,
  digestDeliveries(opts),
  designReviewDeliveries,
];
