/**
 * `--influx-url` (CONTRACT §1): http://HOST:PORT means InfluxDB 1.x, database `anjian`;
 * `?db=NAME&rp=RP&u=USER&p=PASS` selects another; `?org=ORG&bucket=BUCKET&token=TOKEN` means the
 * 2.x/3.x API. Returns the `gateway.influx` section it stands for, validated like the config file.
 */
import { type InfluxConfig, InfluxSchema } from './schema.js';

export function influxFromUrl(text: string): InfluxConfig {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`--influx-url: "${text}" is not a URL (expected http://HOST:PORT[?db=…|?org=…&bucket=…&token=…])`);
  }
  const q = url.searchParams;
  const known = new Set(['db', 'rp', 'u', 'p', 'org', 'bucket', 'token']);
  const unknown = [...q.keys()].filter((k) => !known.has(k));
  if (unknown.length) throw new Error(`--influx-url: unknown parameter(s) ${unknown.join(', ')} (known: ${[...known].join(', ')})`);
  const base = `${url.protocol}//${url.host}${url.pathname.replace(/\/$/, '')}`;
  const v2 = q.has('org') || q.has('bucket') || q.has('token');
  const section = v2
    ? { url: base, api: 'v2', org: q.get('org') ?? undefined, bucket: q.get('bucket') ?? undefined, token: q.get('token') ?? undefined }
    : { url: base, api: 'v1', database: q.get('db') ?? 'anjian', retention_policy: q.get('rp') ?? undefined, username: q.get('u') ?? undefined, password: q.get('p') ?? undefined };
  const parsed = InfluxSchema.safeParse(Object.fromEntries(Object.entries(section).filter(([, v]) => v !== undefined)));
  if (!parsed.success) throw new Error(`--influx-url: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}
