/**
 * The regulator's side of the MEM data-access protocol (standards.md §5.4, §6), written for the
 * tests: a TCP server that splits frames at "@@", decrypts `data` (AES-128-CBC or SM4-CBC with
 * node:crypto), checks every field of the outer and inner messages, answers
 * `{"success":true,"dataId","message"}@@` as the published DXK test client expects, drops
 * repeats by dataId, and can drop connections mid-stream or go away entirely.
 */
import { createDecipheriv } from 'node:crypto';
import { type Server, type Socket, createServer } from 'node:net';

export interface MemReceived {
  outer: Record<string, unknown>;
  inner: any;
}

export interface MemServerOptions {
  appId: string;
  serviceId: string;
  cipher: 'aes-128-cbc' | 'sm4-cbc';
  key: string;
  iv: string;
  enterpriseId: string;
  gatewayId: string;
  /** quotaId → allowed */
  quotas: Set<string>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class MemServer {
  /** First delivery of each dataId, in arrival order. */
  readonly messages: MemReceived[] = [];
  readonly repeats: string[] = [];
  readonly problems: string[] = [];
  frames = 0;
  /** Close the connection (without answering) when the frame count reaches one of these. */
  dropAt = new Set<number>();
  private readonly seen = new Set<string>();
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly port: number,
    private readonly opts: MemServerOptions,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((s) => this.connection(s));
    await new Promise<void>((resolve, reject) => this.server!.once('error', reject).listen(this.port, '127.0.0.1', () => resolve()));
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => (this.server ? this.server.close(r) : r(undefined)));
    this.server = undefined;
  }

  private connection(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = '';
    socket.on('data', (d) => {
      buffer += d.toString('utf8');
      let at: number;
      while ((at = buffer.indexOf('@@')) >= 0) {
        const frame = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        this.frames++;
        if (this.dropAt.has(this.frames)) return void socket.destroy();
        const dataId = this.receive(frame);
        if (dataId) socket.write(`${JSON.stringify({ success: true, dataId, message: 'ok' })}@@`);
      }
    });
  }

  private problem(p: string): undefined {
    this.problems.push(p);
    return undefined;
  }

  /** Checks one frame; returns its dataId when it is acceptable. */
  private receive(frame: string): string | undefined {
    let outer: Record<string, unknown>;
    try {
      outer = JSON.parse(frame);
    } catch {
      return this.problem(`not JSON: ${frame.slice(0, 80)}`);
    }
    const keys = Object.keys(outer).sort().join(',');
    if (keys !== 'appId,data,dataId,serviceId') return this.problem(`outer keys ${keys}`);
    if (outer.appId !== this.opts.appId || outer.serviceId !== this.opts.serviceId) return this.problem(`appId/serviceId ${outer.appId}/${outer.serviceId}`);
    let inner: any;
    try {
      const d = createDecipheriv(this.opts.cipher, Buffer.from(this.opts.key), Buffer.from(this.opts.iv));
      inner = JSON.parse(Buffer.concat([d.update(Buffer.from(String(outer.data), 'base64')), d.final()]).toString('utf8'));
    } catch (err) {
      return this.problem(`data does not decrypt: ${(err as Error).message}`);
    }
    const dataId = String(outer.dataId);
    if (!UUID.test(dataId) || inner.dataId !== dataId) return this.problem(`dataId ${dataId} / inner ${inner.dataId}`);
    if (inner.enterpriseId !== this.opts.enterpriseId || inner.gatewayId !== this.opts.gatewayId) return this.problem(`enterprise/gateway ${inner.enterpriseId}/${inner.gatewayId}`);
    if (!/^\d{14}$/.test(inner.collectTime)) return this.problem(`collectTime ${inner.collectTime}`);
    if (inner.dataType === 'real') {
      if (typeof inner.isConnectDataSource !== 'boolean') return this.problem('isConnectDataSource');
      if (inner.reportType !== 'report' && inner.reportType !== 'continues') return this.problem(`reportType ${inner.reportType}`);
      if (!Array.isArray(inner.datas) || !inner.datas.length) return this.problem('datas');
      for (const q of inner.datas) {
        if (!this.opts.quotas.has(q.quotaId)) return this.problem(`quotaId ${q.quotaId}`);
        if (typeof q.isValid !== 'boolean') return this.problem('isValid');
        if (q.isValid && typeof q.value !== 'number') return this.problem(`valid value ${q.value}`);
        if (!q.isValid && q.value === 0) return this.problem('an invalid value sent as 0');
      }
    } else if (inner.dataType === 'alarm') {
      for (const a of inner.alarms ?? []) if (!this.opts.quotas.has(a.quotaId) || !/^\d{14}$/.test(a.alarmTime) || typeof a.alarmType !== 'string') return this.problem(`alarm ${JSON.stringify(a)}`);
    } else return this.problem(`dataType ${inner.dataType}`);
    if (this.seen.has(dataId)) this.repeats.push(dataId);
    else this.seen.add(dataId), this.messages.push({ outer, inner });
    return dataId;
  }
}
