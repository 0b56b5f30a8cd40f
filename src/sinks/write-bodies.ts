/** Write bodies from outbox chunks, and dead letters of rejected lines: the outbox writer's pure parts (influx-writer.ts). */
import type { DeadLetter, OutboxRow } from '../store/sqlite-store.js';
import type { InfluxWriteError, WriteTarget } from './influx-client.js';

export interface Body {
  target: WriteTarget;
  text: string;
  count: number;
}

/**
 * The chunks' lines as write bodies of about `batch` lines, per target, in order: whole chunks
 * are joined as they are (no split into lines and join again); only a chunk much bigger than a
 * batch (a group commit of 100k readings) is cut into pieces.
 */
export function bodies(rows: readonly OutboxRow[], batch: number): Body[] {
  const out: Body[] = [];
  const open = new Map<WriteTarget, { texts: string[]; count: number }>();
  const close = (target: WriteTarget) => {
    const o = open.get(target);
    if (o?.count) out.push({ target, text: o.texts.join('\n'), count: o.count });
    open.delete(target);
  };
  for (const r of rows) {
    if (r.count > batch * 1.5) {
      const lines = r.lines.split('\n');
      for (let i = 0; i < lines.length; i += batch) out.push({ target: r.target, text: lines.slice(i, i + batch).join('\n'), count: Math.min(batch, lines.length - i) });
      continue;
    }
    const o = open.get(r.target) ?? { texts: [], count: 0 };
    o.texts.push(r.lines);
    o.count += r.count;
    open.set(r.target, o);
    if (o.count >= batch) close(r.target);
  }
  for (const target of [...open.keys()]) close(target);
  return out;
}

export function deadLetter(target: WriteTarget, line: string, err: InfluxWriteError): DeadLetter {
  return {
    received_at: Date.now(),
    ...siteOf(line),
    topic: `influx/${target}`,
    code: 'influx_rejected',
    reason: `InfluxDB rejected the line: ${err.message}`,
    payload: Buffer.from(line),
  };
}

function siteOf(line: string): { site_id?: string } {
  const m = /[,]site_id=((?:\\.|[^,\s\\])+)/.exec(line);
  return m ? { site_id: (m[1] as string).replace(/\\(.)/g, '$1') } : {};
}
