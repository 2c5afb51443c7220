/**
 * The wall clock of an IANA time zone at an instant, with Intl only: what the digest's days and
 * the phone's business hours are judged by, so a daylight-saving change moves them with the clock.
 */

// Building a DateTimeFormat costs far more than using one, and a deployment has one time zone.
const formats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    // h23, not hour12: false: the latter prints midnight as "24" in some ICU versions.
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, format);
  }
  return format;
}

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** Year, month (1–12), day, hour (0–23), minute, second and weekday (0 = Sunday) in `timeZone` at `at`. */
export function wallClock(at: Date, timeZone: string) {
  const p = Object.fromEntries(
    partsFormat(timeZone)
      .formatToParts(at)
      .map((x) => [x.type, x.value]),
  );
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour),
    minute: Number(p.minute),
    second: Number(p.second),
    weekday: WEEKDAYS.indexOf(String(p.weekday).toLowerCase()),
  };
}
