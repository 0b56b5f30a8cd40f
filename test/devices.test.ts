/** One test over every device profile: valid, registered, and its worked examples decode exactly. */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROFILES, profileById } from '../devices/index.js';
import { decodeFrame } from '../src/decode/decode.js';
import { ProfileShape } from '../src/decode/profile.js';
import { isQuantity } from '../src/domain/quantities.js';

const files = readdirSync(new URL('../devices/', import.meta.url)).filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.startsWith('_'));

describe('device profiles', () => {
  it('every profile file in devices/ is registered in devices/index.ts, under its file name', () => {
    expect(PROFILES.map((p) => `${p.id}.ts`).sort()).toEqual(files.sort());
    expect(profileById.size).toBe(PROFILES.length);
  });

  for (const profile of PROFILES) {
    describe(profile.id, () => {
      it('has the profile shape', () => {
        expect(ProfileShape.safeParse(profile).error?.issues ?? []).toEqual([]);
        if (profile.channels !== 'any') {
          for (const [channel, spec] of Object.entries(profile.channels)) expect(isQuantity(spec.quantity), `${channel}: ${spec.quantity}`).toBe(true);
        }
      });

      profile.examples.forEach((ex, i) => {
        it(`example ${i + 1} decodes: ${ex.description}`, () => {
          const result = decodeFrame(profile, { site_id: 's', device_id: 'd', at: ex.at, payload: Buffer.from(JSON.stringify(ex.payload)) });
          expect(result).toMatchObject({ ok: true, readings: ex.readings });
        });
      });

      it('encode is the inverse of decode for its examples', () => {
        const ex = profile.examples[0]!;
        const ts = ex.readings[0]!.ts;
        const sample = { ts, values: Object.fromEntries(ex.readings.map((r) => [r.channel, r.value])), status: Object.fromEntries(ex.readings.map((r) => [r.channel, r.status])) };
        const payload = Buffer.from(JSON.stringify(profile.encode(sample, true)));
        const result = decodeFrame(profile, { site_id: 's', device_id: 'd', at: ts, payload });
        expect(result).toMatchObject({ ok: true, simulated: true, readings: ex.readings.map((r) => ({ ...r, ts })) });
      });

      it('rejects a payload of the wrong shape with a reason', () => {
        const result = decodeFrame(profile, { site_id: 's', device_id: 'd', at: 0, payload: Buffer.from('{"nothing":1}') });
        expect(result).toMatchObject({ ok: false, code: 'payload_rejected' });
      });
    });
  }
});
