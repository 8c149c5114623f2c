/**
 * Where a process's CPU went, from a V8 CPU profile (`node --cpu-prof`): each sample is
 * charged to the part of the stack it belongs to, so the ack benchmark can print a
 * breakdown instead of a single number.
 */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * The parts, in the order they are printed. A frame's part comes from its file; Node's own
 * internals (sockets, streams, timers) are charged to the nearest caller that has a part,
 * so a socket write made by pg counts as database work and one made by the HTTP server
 * as receiving the request.
 */
const PARTS: [string, (url: string) => boolean][] = [
  ['Labbook: gate, listeners, flows, blocks', (u) => /\/dist\/(src|blocks)\//.test(u)],
  ['Bolt: receiver, signature check, middleware', (u) => u.includes('/@slack/bolt/')],
  ['payload validation (zod)', (u) => u.includes('/zod/')],
  ['database (Kysely, pg)', (u) => /\/(kysely|pg|pg-pool|pg-protocol)\//.test(u)],
  [
    'calls to Slack (fetch, Web API client)',
    (u) => u.includes('/@slack/web-api/') || u.includes('/undici/') || u.includes('deps/undici'),
  ],
  ['metrics (prom-client)', (u) => u.includes('/prom-client/')],
  ['receiving HTTP (Node)', (u) => u.startsWith('node:_http') || u === 'node:http'],
];
const GC = 'garbage collection';
const OTHER = 'other (Node internals, timers, microtasks)';

export interface Breakdown {
  /** CPU milliseconds the profile saw busy (idle time excluded). */
  busyMs: number;
  parts: { part: string; ms: number }[];
}

export async function profileBreakdown(file: string): Promise<Breakdown> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const partOf = new Map<number, string | null>();
  const resolve = (id: number): string | null => {
    const known = partOf.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id)!;
    const { functionName, url } = node.callFrame;
    let part: string | null;
    if (functionName === '(idle)') part = null;
    else if (functionName === '(garbage collector)') part = GC;
    else {
      part = PARTS.find(([, matches]) => matches(url))?.[0] ?? undefinedPart;
      if (part === undefinedPart) {
        const up = parent.get(id);
        part = up === undefined ? OTHER : (resolve(up) ?? OTHER);
      }
    }
    partOf.set(id, part);
    return part;
  };

  const ms = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const part = resolve(id);
    if (part === null) return;
    const delta = (profile.timeDeltas[i] ?? 0) / 1000;
    busy += delta;
    ms.set(part, (ms.get(part) ?? 0) + delta);
  });
  const order = [...PARTS.map(([p]) => p), GC, OTHER];
  return {
    busyMs: busy,
    parts: order.filter((p) => ms.has(p)).map((part) => ({ part, ms: ms.get(part)! })),
  };
}

// A frame whose own file names no part; its caller decides.
const undefinedPart = '\u0000';
