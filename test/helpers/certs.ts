/** Certificates made by the real `openssl` (Debian `openssl`) for the TLS tests, in a temp dir. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireBinary } from './mosquitto.js';

export interface Pair {
  cert: string;
  key: string;
}

export class Certs {
  private readonly openssl = requireBinary('openssl', 'openssl');

  constructor(readonly dir: string) {}

  private run(args: string[]): void {
    const r = spawnSync(this.openssl, args, { cwd: this.dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
  }

  /** A self-signed CA. */
  ca(name: string): Pair {
    const pair = { cert: join(this.dir, `${name}.pem`), key: join(this.dir, `${name}.key`) };
    this.run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', pair.key, '-out', pair.cert, '-days', '2', '-subj', `/CN=${name}`]);
    return pair;
  }

  /** A certificate for `cn` signed by `ca`, with SAN entries; days < 0 makes it already expired. */
  issue(ca: Pair, name: string, cn: string, san: string, days = 2): Pair {
    const pair = { cert: join(this.dir, `${name}.pem`), key: join(this.dir, `${name}.key`) };
    const csr = join(this.dir, `${name}.csr`);
    const ext = join(this.dir, `${name}.ext`);
    writeFileSync(ext, `subjectAltName = ${san}\n`);
    this.run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', pair.key, '-out', csr, '-subj', `/CN=${cn}`]);
    this.run(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', pair.cert, '-days', String(days), '-extfile', ext]);
    return pair;
  }
}
