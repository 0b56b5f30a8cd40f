/**
 * The `gateway.cluster` block (issue 15): several gateway instances on one PostgreSQL share the
 * sites. Without it (or with the embedded store) the gateway is one instance owning every site.
 */
import { z } from 'zod';

/** Timings (src/cluster/settings.ts says why these values, standards.md §1.5). */
export interface ClusterTimings {
  heartbeat_ms: number;
  fence_after_ms: number;
  dead_after_ms: number;
}

export const DEFAULT_TIMINGS: ClusterTimings = { heartbeat_ms: 500, fence_after_ms: 2000, dead_after_ms: 3000 };

/** Throws when the timings could let two instances act for one site, or could not meet 5 s. */
export function checkTimings(t: ClusterTimings): void {
  if (!(t.heartbeat_ms * 2 <= t.fence_after_ms)) throw new Error(`cluster: fence_after_ms (${t.fence_after_ms}) must be at least twice heartbeat_ms (${t.heartbeat_ms})`);
  if (!(t.fence_after_ms + t.heartbeat_ms <= t.dead_after_ms))
    throw new Error(`cluster: dead_after_ms (${t.dead_after_ms}) must exceed fence_after_ms + heartbeat_ms (${t.fence_after_ms + t.heartbeat_ms}) so a lagging instance fences itself first`);
}

export const ClusterSchema = z
  .object({
    instance_id: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,63}$/, 'letters, digits and . _ : - (at most 63)')
      .optional()
      .describe('unique per instance; default: host name and HTTP port'),
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'a postgres:// URL')
      .optional()
      .describe('PostgreSQL holding membership and site locks; default: the store URL (gateway.store.url, --store-url)'),
    advertise_http: z.string().url().optional().describe('where the other instances reach this one over HTTP (routing of acknowledgements); default http://<host name>:<http port>'),
    advertise_mqtt: z.string().optional().describe('where devices reach its MQTT broker (shown in GET /api/v1/cluster details); default mqtt://<host name>:<mqtt port>'),
    heartbeat_ms: z.number().int().min(100).max(10_000).default(DEFAULT_TIMINGS.heartbeat_ms),
    fence_after_ms: z.number().int().min(200).max(60_000).default(DEFAULT_TIMINGS.fence_after_ms).describe('no heartbeat this long: stop acting for every site'),
    dead_after_ms: z
      .number()
      .int()
      .min(300)
      .max(120_000)
      .default(DEFAULT_TIMINGS.dead_after_ms)
      .describe('the others take the sites of an instance silent this long (standards.md §1.5: takeover within 5 s)'),
  })
  .strict()
  .superRefine((c, ctx) => {
    try {
      checkTimings(c);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message.replace(/^cluster: /, ''), path: ['dead_after_ms'] });
    }
  });

export type ClusterConfig = z.output<typeof ClusterSchema>;
