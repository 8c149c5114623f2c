/**
 * Reads an iCalendar file back as RFC 5545 says a client does: lines end in CRLF, a line
 * starting with a space or tab continues the one before, TEXT values are unescaped.
 */
export interface IcsProperty {
  name: string;
  params: Record<string, string>;
  value: string;
}

export function parseIcs(text: string): IcsProperty[] {
  if (!text.endsWith('\r\n')) throw new Error('an iCalendar file ends with CRLF');
  const physical = text.slice(0, -2).split('\r\n');
  for (const line of physical) {
    if (line.includes('\n') || line.includes('\r'))
      throw new Error(`a bare line break in ${JSON.stringify(line)}`);
    if (Buffer.byteLength(line, 'utf8') > 75) throw new Error(`a line longer than 75 octets: ${line}`);
  }
  const logical: string[] = [];
  for (const line of physical) {
    if (/^[ \t]/.test(line)) logical[logical.length - 1] += line.slice(1);
    else logical.push(line);
  }
  return logical.map((line) => {
    const colon = line.indexOf(':');
    const [name, ...params] = line.slice(0, colon).split(';');
    return {
      name: name!,
      params: Object.fromEntries(params.map((p) => p.split('=') as [string, string])),
      value: line.slice(colon + 1),
    };
  });
}

/** TEXT unescaping (§3.3.11). */
export const unescapeText = (value: string) =>
  value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));

/** The first property of that name inside the VEVENT (or the calendar), unescaped when TEXT. */
export function icsValue(props: IcsProperty[], name: string): string | undefined {
  const found = props.find((p) => p.name === name);
  return found && (['SUMMARY', 'DESCRIPTION'].includes(name) ? unescapeText(found.value) : found.value);
}
