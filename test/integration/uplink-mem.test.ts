/**
 * The MEM data-access uplink (issue 17) against the suite's own receiving server
 * (test/helpers/mem-server.ts): encrypted envelopes with "@@" framing, every field checked,
 * connections dropped mid-stream, the server away for a while (back-log as `continues` while live
 * data goes as `report`), and a SIGKILL of the gateway with a back-log. Counted by dataId.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { connectMqtt, eventually, fixture, startTestGateway } from '../helpers/gateway.js';
import { MemServer } from '../helpers/mem-server.js';
import { freePort } from '../helpers/servers.js';
import { patch } from '../helpers/patch.js';

const TANKS = '320000000002';
const CLI = join(import.meta.dirname, '../../bin/anjian.js');
const tmp = mkdtempSync(join(tmpdir(), 'anjian-uplink-mem-'));
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(tmp, { recursive: true, force: true });
});

const KEY = 'k3y-0f-the-tanks';
const IV = '1v-0f-the-tanks!';
const yaml = (port: number, cipher: string) =>
  patch(
    fixture('secure.yaml'),
    [
      'log_level: warn',
      `log_level: warn\n  uplinks:\n    - { uplink_id: mem, kind: mem, host: 127.0.0.1, port: ${port}, app_id: app-1, service_id: svc-real, cipher: ${cipher}, key: '${KEY}', iv: '${IV}', ack_timeout_ms: 2000, sites: ['${TANKS}'] }`,
    ],
    ['        location: 罐区东侧\n', '        location: 罐区东侧\n        quota_id: Q-LEL-1\n'],
  );

function server(port: number, cipher: 'aes-128-cbc' | 'sm4-cbc') {
  const s = new MemServer(port, { appId: 'app-1', serviceId: 'svc-real', cipher, key: KEY, iv: IV, enterpriseId: TANKS, gatewayId: `${TANKS}01`, quotas: new Set(['Q-LEL-1']) });
  cleanups.push(() => s.stop());
  return s;
}

async function publish(dev: MqttClient, from: number, to: number, t0: number, value = (i: number) => 10 + (i % 5)) {
  for (let i = from; i < to; i++) {
    const body = i === 7 ? { ts: t0 + i * 1000, values: { lel: 0 }, status: { lel: 128 } } : { ts: t0 + i * 1000, values: { lel: value(i) } };
    await dev.publishAsync(`site/${TANKS}/dev/tank-01/up`, JSON.stringify(body), { qos: 1 });
  }
}

const realOf = (s: MemServer) => s.messages.filter((m) => m.inner.dataType === 'real');
/** Reading index of a message from its collectTime (yyyyMMddHHmmss at +08:00). */
const indexOf = (collectTime: string, t0: number) => {
  const c = collectTime;
  const ms = Date.parse(`${c.slice(0, 4)}-${c.slice(4, 6)}-${c.slice(6, 8)}T${c.slice(8, 10)}:${c.slice(10, 12)}:${c.slice(12, 14)}+08:00`);
  return Math.round((ms - t0) / 1000);
};

describe('MEM data-access uplink', () => {
  it('delivers every reading once by dataId through dropped connections and an outage, back-log as continues', { timeout: 90_000 }, async () => {
    const port = await freePort();
    const mem = server(port, 'aes-128-cbc');
    mem.dropAt = new Set([5, 12]); // two connections cut mid-stream, each without an answer
    await mem.start();
    const gw = await startTestGateway(yaml(port, 'aes-128-cbc'));
    cleanups.push(() => gw.cleanup());
    const dev = await connectMqtt(gw.mqttPort, { username: 'tank-01', password: 'tank01-secret-pw' });
    cleanups.push(() => dev.endAsync(true));
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 300_000;
    await eventually(async () => (await gw.api('/readyz')).body.details?.uplinks?.mem?.connected, 10_000, 'the MEM uplink to connect');
    await publish(dev, 0, 20, t0, (i) => (i === 15 ? 30 : 10 + (i % 5))); // 30 %LEL ≥ 25: an alarm
    await eventually(() => realOf(mem).length >= 20, 15_000, '20 real-time messages');
    await eventually(() => mem.messages.some((m) => m.inner.dataType === 'alarm'), 5000, 'the alarm message');

    await mem.stop(); // the regulator's server goes away
    await eventually(async () => (await gw.api('/readyz')).body.details.uplinks.mem.connected === false, 10_000, 'the uplink to notice');
    await publish(dev, 20, 40, t0);
    expect((await gw.api('/readyz')).body.details.uplinks.mem.backlog_rows).toBe(20);
    await mem.start();
    await eventually(async () => (await gw.api('/readyz')).body.details.uplinks.mem.connected, 10_000, 'the uplink to reconnect');
    await publish(dev, 40, 50, t0); // live while the back-log drains
    await eventually(() => realOf(mem).length >= 50, 20_000, 'all 50 real-time messages');
    expect(mem.problems).toEqual([]);
    const real = realOf(mem);
    expect(real).toHaveLength(50); // once by dataId (repeats after the cut connections were dropped by the server)
    const idx = real.map((m) => indexOf(m.inner.collectTime, t0)).sort((a, b) => a - b);
    expect(idx).toEqual(Array.from({ length: 50 }, (_, i) => i));
    for (const m of real) {
      const i = indexOf(m.inner.collectTime, t0);
      expect(m.inner.datas).toHaveLength(1);
      const d = m.inner.datas[0];
      if (i === 7)
        expect(d).toEqual({ quotaId: 'Q-LEL-1', value: null, isValid: false }); // sensor fault: invalid, never a good value
      else expect(d).toEqual({ quotaId: 'Q-LEL-1', value: i === 15 ? 30 : 10 + (i % 5), isValid: true });
      if (i >= 20 && i < 40) expect(m.inner.reportType, `reading ${i}`).toBe('continues');
      if (i < 4 || i >= 40) expect(m.inner.reportType, `reading ${i}`).toBe('report'); // reading 4 was cut without an answer: it waited, so it is back-fill
      expect(m.inner.isConnectDataSource).toBe(i !== 7);
    }
    // the back-log went oldest first
    const continues = real.filter((m) => m.inner.reportType === 'continues').map((m) => indexOf(m.inner.collectTime, t0));
    const outage = continues.filter((i) => i >= 20 && i < 40);
    expect(outage).toEqual([...outage].sort((a, b) => a - b));
    const alarm = mem.messages.find((m) => m.inner.dataType === 'alarm')!;
    expect(alarm.inner.alarms[0]).toMatchObject({ quotaId: 'Q-LEL-1', value: 30, threshold: 25, alarmTime: real.find((m) => indexOf(m.inner.collectTime, t0) === 15)!.inner.collectTime });
    await eventually(async () => (await gw.api('/readyz')).body.details.uplinks.mem.backlog_rows === 0, 5000, 'the queue to empty');
  });

  it('speaks SM4-CBC when configured', async () => {
    const port = await freePort();
    const mem = server(port, 'sm4-cbc');
    await mem.start();
    const gw = await startTestGateway(yaml(port, 'sm4-cbc'));
    cleanups.push(() => gw.cleanup());
    const dev = await connectMqtt(gw.mqttPort, { username: 'tank-01', password: 'tank01-secret-pw' });
    cleanups.push(() => dev.endAsync(true));
    await publish(dev, 0, 5, Math.floor(Date.now() / 1000) * 1000 - 60_000);
    await eventually(() => realOf(mem).length >= 5, 10_000, '5 SM4 messages');
    expect(mem.problems).toEqual([]);
  });

  it('loses nothing across a SIGKILL with a back-log; nothing is counted twice', { timeout: 90_000 }, async () => {
    const port = await freePort();
    const mem = server(port, 'aes-128-cbc');
    const config = join(tmp, 'gw.yaml');
    writeFileSync(config, patch(yaml(port, 'aes-128-cbc'), ['data_dir: ./data', `data_dir: ${join(tmp, 'data')}`]));
    const first = await startCli(config);
    const dev = await connectMqtt(first.mqtt, { username: 'tank-01', password: 'tank01-secret-pw' });
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 400_000;
    await publish(dev, 0, 100, t0);
    first.proc.kill('SIGKILL');
    dev.end(true);
    await mem.start();
    const second = await startCli(config);
    await eventually(() => realOf(mem).length >= 100, 20_000, 'every acknowledged reading');
    expect(mem.problems).toEqual([]);
    expect(mem.repeats).toEqual([]);
    const real = realOf(mem);
    expect(real.map((m) => indexOf(m.inner.collectTime, t0))).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(real.every((m) => m.inner.reportType === 'continues')).toBe(true);
    second.proc.kill('SIGTERM');
    await new Promise((r) => second.proc.once('exit', r));
  });
});

function startCli(config: string): Promise<{ proc: ChildProcess; mqtt: number }> {
  const proc = spawn(process.execPath, [CLI, 'start', '--config', config, '--http-port', '0', '--mqtt-port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanups.push(() => proc.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`gateway did not start: ${out}`)), 20_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /mqtt listening on (\d+)/.exec(out);
      if (m && /http listening on/.test(out)) {
        clearTimeout(timer);
        resolve({ proc, mqtt: Number(m[1]) });
      }
    });
  });
}
