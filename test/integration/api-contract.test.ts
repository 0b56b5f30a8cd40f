/**
 * The API's machine-readable contract (issue #16): /openapi.json is a valid OpenAPI document
 * (checked by @seriousme/openapi-schema-validator) with a response schema for every route and
 * status, and /metrics passes Prometheus' own `promtool check metrics` (Debian `prometheus`).
 * Responses of the integration tests are checked against the document by test/helpers/gateway.ts.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { responseChecker } from '../helpers/openapi.js';

const MINE = '140100000001';
let gw: TestGateway;
let doc: { openapi: string; paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>> };

beforeAll(async () => {
  // the demo config: MQTT and Modbus devices, personnel, every optional route
  gw = await startTestGateway(readFileSync(new URL('../../config/demo.yaml', import.meta.url), 'utf8'));
  doc = await (await fetch(`http://127.0.0.1:${gw.httpPort}/openapi.json`)).json();
});
afterAll(async () => {
  await gw?.cleanup();
});

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI document', async () => {
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('has a response schema for every route and status, errors in the contract shape, the stream as text/event-stream', () => {
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ at: `${method.toUpperCase()} ${path}`, op })));
    expect(operations.length).toBeGreaterThanOrEqual(18);
    for (const { at, op } of operations) {
      const statuses = Object.keys(op.responses);
      expect([at, statuses]).toEqual([at, expect.arrayContaining(['200', '500'])]);
      for (const [status, response] of Object.entries(op.responses)) expect([at, status, Object.keys(response.content ?? {}).length]).toEqual([at, status, 1]);
      if (at.startsWith('GET /api/')) expect([at, statuses]).toEqual([at, expect.arrayContaining(['401'])]);
    }
    const stream = doc.paths['/api/v1/alarms/stream']?.get?.responses['200']?.content;
    expect(Object.keys(stream ?? {})).toEqual(['text/event-stream']);
    const error = doc.paths['/api/v1/alarms']?.get?.responses['401']?.content?.['application/json'] as { schema: { required: string[] } };
    expect(error.schema.required).toEqual(['error', 'message']);
  });

  it('catches a response outside the document', () => {
    const checker = responseChecker(doc as never);
    expect(checker.check('GET', '/api/v1/sites', 200, [{ site_id: MINE }], 'application/json').join()).toMatch(/required property 'name'/);
    expect(checker.check('GET', '/api/v1/sites', 401, { error: 'no_such_code', message: 'x' }, 'application/json').join()).toMatch(/allowed values/);
    expect(checker.check('GET', '/api/v1/sites', 418, {}, 'application/json').join()).toMatch(/status 418 is not in the OpenAPI document/);
  });
});

describe('GET /metrics', () => {
  it('passes promtool check metrics', async () => {
    const promtool = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).stdout.trim();
    if (!promtool) throw new Error("promtool not found: install Debian's prometheus package (.ci/run does) to run this test");
    const device = await gw.connect();
    await device.publishAsync(`site/${MINE}/dev/kj-sub-01/up`, JSON.stringify({ values: { ch4: 0.3 } }), { qos: 1 });
    device.end(true);
    // the Modbus devices of the demo have no slaves here: their cycles fail, so every Modbus series exists
    const text = await eventually(
      async () => {
        const body = (await gw.api('/metrics')).body as string;
        return /anjian_modbus_cycles_total\{outcome="failed"\} [1-9]/.test(body) ? body : null;
      },
      20_000,
      'failed Modbus cycles',
    );
    expect(text).toMatch(/^# TYPE anjian_modbus_requests_failed_total counter$/m);
    const run = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect({ status: run.status, out: `${run.stdout}${run.stderr}`.trim() }).toEqual({ status: 0, out: '' });
  });
});
