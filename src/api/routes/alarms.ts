/** Alarms: list, acknowledge, and the live SSE stream with Last-Event-ID resume (CONTRACT §4). */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { StoredEvent } from '../../domain/store.js';
import { eventToWire, alarmToWire } from '../../alarms/wire.js';
import type { ApiDeps } from '../deps.js';
import { canSee, type Principal, requireRole, requireSite, type TokenAuth } from '../auth.js';
import { ApiError } from '../errors.js';
import { AckBody, AlarmParams, AlarmsQuery, StreamQuery } from '../params.js';
import { AlarmList, AlarmWire, AUTHED, errors, EventStream } from '../responses.js';

const KEEPALIVE_MS = 15_000;

export const alarmRoutes = (deps: ApiDeps, auth: TokenAuth) => async (root: FastifyInstance) => {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tz = (site_id: string) => deps.index.timeZone(site_id);

  app.get('/alarms', { schema: { summary: 'alarms, newest first', querystring: AlarmsQuery, response: { 200: AlarmList, ...AUTHED } } }, async (req) => {
    const p = auth.authenticate(req);
    const q = req.query;
    if (q.site_id !== undefined) requireSite(p, q.site_id);
    const site_ids = q.site_id !== undefined ? [q.site_id] : p.sites;
    const alarms = await deps.store.listAlarms({
      site_ids,
      state: q.state,
      limit: q.limit,
      ...(q.from !== undefined ? { from: q.from } : {}),
      ...(q.to !== undefined ? { to: q.to } : {}),
      ...(q.tag !== undefined ? { tag: q.tag } : {}),
      ...(q.hazard_code !== undefined ? { hazard_code: q.hazard_code } : {}),
    });
    return alarms.map((a) => alarmToWire(a, tz(a.site_id)));
  });

  app.post(
    '/alarms/:alarm_id/ack',
    { schema: { summary: 'acknowledge an alarm with a handling note (处理措施)', params: AlarmParams, body: AckBody, response: { 200: AlarmWire, ...errors(400, 401, 403, 404, 409, 413) } } },
    async (req) => {
      const p = auth.authenticate(req);
      requireRole(p, ['operator', 'admin']);
      const existing = await deps.store.getAlarm(req.params.alarm_id);
      if (existing) requireSite(p, existing.site_id);
      const result = await deps.acknowledge(req.params.alarm_id, p.name, req.body?.note);
      if (!result.ok) {
        if (result.code === 'not_found') throw new ApiError('not_found', `no alarm ${req.params.alarm_id}`);
        throw new ApiError('conflict', `alarm ${req.params.alarm_id} is already acknowledged`);
      }
      return alarmToWire(result.alarm, tz(result.alarm.site_id));
    },
  );

  app.get(
    '/alarms/stream',
    { schema: { summary: 'live alarm events (text/event-stream); resumes after Last-Event-ID', querystring: StreamQuery, response: { 200: EventStream, ...AUTHED } } },
    async (req, reply) => {
      const p = auth.authenticate(req, { allowQueryToken: true }); // EventSource cannot set headers
      const site = req.query.site_id;
      if (site !== undefined) requireSite(p, site);
      const header = req.headers['last-event-id'];
      const resumeFrom = Number((typeof header === 'string' && /^\d+$/.test(header) ? header : req.query.last_event_id) ?? NaN);
      const wanted = (e: StoredEvent) => canSee(p, e.alarm.site_id) && (site === undefined || e.alarm.site_id === site);
      // the store could not be read (PostgreSQL down): end the stream, the client reconnects after `retry`
      await streamEvents(deps, reply, wanted, Number.isFinite(resumeFrom) ? resumeFrom : undefined, p).catch(() => reply.raw.end());
    },
  );
};

async function streamEvents(deps: ApiDeps, reply: FastifyReply, wanted: (e: StoredEvent) => boolean, resumeFrom: number | undefined, p: Principal): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  let lastSent = resumeFrom ?? Number.MAX_SAFE_INTEGER; // nothing goes out before the replay below
  const send = (e: StoredEvent): void => {
    if (e.seq <= lastSent || !wanted(e)) return;
    lastSent = e.seq;
    res.write(`id: ${e.seq}\nevent: alarm\ndata: ${JSON.stringify(eventToWire(e, deps.index.timeZone(e.alarm.site_id)))}\n\n`);
  };
  const buffered: StoredEvent[] = [];
  let replaying = true;
  const unsubscribe = deps.hub.subscribe((e) => (replaying ? buffered.push(e) : send(e)));
  res.on('close', unsubscribe);
  res.write(`retry: 2000\n: anjian alarm stream for ${p.name}\n\n`);
  // events committed meanwhile wait in `buffered`; the store says where the live stream starts
  if (resumeFrom === undefined) lastSent = await deps.store.lastEventSeq();
  else {
    lastSent = resumeFrom;
    for (let batch = await deps.store.eventsSince(resumeFrom); batch.length > 0; batch = await deps.store.eventsSince(batch.at(-1)?.seq ?? 0)) {
      batch.forEach(send);
      if (batch.length < 10000) break;
    }
  }
  buffered.forEach(send);
  replaying = false;
  const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
  res.on('close', () => clearInterval(keepalive));
}
