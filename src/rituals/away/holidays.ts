import type HolidaysType from 'date-holidays';

/**
 * Public holidays by region, from the date-holidays package (its data is CC BY 3.0: the
 * README credits it). A region is a country code with an optional state: "DE", "DE-BY",
 * "US-CA". Only `public` holidays count: bank, school and observance days are working days.
 *
 * The package and its data (about 20 MB resident) load with the first region asked about,
 * not at start-up: most workspaces never set one.
 */
type Holidays = typeof HolidaysType;
let loading: Promise<{ Holidays: Holidays; all: HolidaysType }> | undefined;
const byRegionYear = new Map<string, ReadonlySet<string>>();

function load(): Promise<{ Holidays: Holidays; all: HolidaysType }> {
  loading ??= import('date-holidays').then(({ default: Holidays }) => ({ Holidays, all: new Holidays() }));
  return loading;
}

/** "de-by" → "DE-BY" when date-holidays knows it, else undefined. */
export async function knownRegion(text: string): Promise<string | undefined> {
  const { all } = await load();
  const [country = '', state] = text.trim().toUpperCase().split('-', 2);
  if (!all.getCountries()[country]) return undefined;
  if (state && !all.getStates(country)?.[state]) return undefined;
  return state ? `${country}-${state}` : country;
}

/** The region's public holidays in `year`, as 'YYYY-MM-DD' dates (local to wherever one is). */
function publicHolidays(Holidays: Holidays, region: string, year: number): ReadonlySet<string> {
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

/** Whether a date ('YYYY-MM-DD') is a public holiday in `region`, asked as often as a calendar needs. */
export async function publicHolidaysIn(region: string): Promise<(date: string) => boolean> {
  const { Holidays } = await load();
  return (date) => publicHolidays(Holidays, region, Number(date.slice(0, 4))).has(date);
}

/** The holiday's name, for a sentence ("Heilige Drei Könige"). */
export async function holidayName(region: string, date: string): Promise<string | undefined> {
  const { Holidays } = await load();
  const [country = '', state] = region.split('-', 2);
  const hd = state ? new Holidays(country, state) : new Holidays(country);
  return hd.getHolidays(Number(date.slice(0, 4))).find((h) => h.type === 'public' && h.date.startsWith(date))
    ?.name;
}
