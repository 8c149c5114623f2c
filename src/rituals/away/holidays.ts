import Holidays from 'date-holidays';

/**
 * Public holidays by region, from the date-holidays package (its data is CC BY 3.0: the
 * README credits it). A region is a country code with an optional state: "DE", "DE-BY",
 * "US-CA". Only `public` holidays count: bank, school and observance days are working days.
 */
const all = new Holidays();
const byRegionYear = new Map<string, ReadonlySet<string>>();

/** "de-by" → "DE-BY" when date-holidays knows it, else undefined. */
export function knownRegion(text: string): string | undefined {
  const [country = '', state] = text.trim().toUpperCase().split('-', 2);
  if (!all.getCountries()[country]) return undefined;
  if (state && !all.getStates(country)?.[state]) return undefined;
  return state ? `${country}-${state}` : country;
}

/** The region's public holidays in `year`, as 'YYYY-MM-DD' dates (local to wherever one is). */
function publicHolidays(region: string, year: number): ReadonlySet<string> {
  const key = `${region}:${year}`;
  let dates = byRegionYear.get(key);
  if (!dates) {
    const [country = '', state] = region.split('-', 2);
    const hd = state ? new Holidays(country, state) : new Holidays(country);
    dates = new Set(
      hd
        .getHolidays(year)
        .filter((h) => h.type === 'public')
        .map((h) => h.date.slice(0, 10)),
    );
    byRegionYear.set(key, dates);
  }
  return dates;
}

/** Whether `date` ('YYYY-MM-DD') is a public holiday in `region`. */
export function isPublicHoliday(region: string, date: string): boolean {
  return publicHolidays(region, Number(date.slice(0, 4))).has(date);
}

/** The holiday's name, for a sentence ("Heilige Drei Könige"). */
export function holidayName(region: string, date: string): string | undefined {
  const [country = '', state] = region.split('-', 2);
  const hd = state ? new Holidays(country, state) : new Holidays(country);
  return hd.getHolidays(Number(date.slice(0, 4))).find((h) => h.type === 'public' && h.date.startsWith(date))
    ?.name;
}
