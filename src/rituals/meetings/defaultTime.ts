import { inZone } from '../../time.js';
import { nextWorkingMoment, type WorkingHours } from '../checkins/workingHours.js';

/**
 * The time the meeting form suggests: three days ahead (room for a day of reading before
 * the deadline) at 10:00 the lead's time, on a working day of theirs: a Saturday, a public
 * holiday or a day they are away moves it to the next working day.
 */
export function defaultMeetingTime(now: Date, tz: string, hours: WorkingHours): Date {
  const day = inZone(now, tz).add(3, 'day').startOf('day').toDate();
  const firstWorkingMoment = inZone(nextWorkingMoment(day, tz, hours), tz);
  const hour = Math.min(Math.max(10, hours.startHour), Math.max(hours.startHour, hours.endHour - 1));
  return firstWorkingMoment.hour(hour).minute(0).second(0).millisecond(0).toDate();
}
