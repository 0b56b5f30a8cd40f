/**
 * The broker's listeners: plain MQTT on TCP (1883) and, when configured, MQTT over TLS (8883,
 * MQTT 3.1.1 §4.2 / §5.4.5) from certificate and key files. With `client_certs` the TLS listener
 * asks devices for a certificate: one that does not verify against `ca_file` (wrong issuer,
 * expired, not yet valid) is refused with a log line naming the reason; one that verifies names
 * the device by its CN or a SAN DNS name (MqttAccess.loginByCertificate).
 */
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';

export interface MqttTlsOptions {
  host?: string | undefined;
  port: number;
  cert_file: string;
  key_file: string;
  ca_file?: string | undefined;
  client_certs: 'off' | 'optional' | 'required';
}

/** What a verified client certificate says about who holds it. */
export interface PeerCertificate {
  names: string[];
}

export type CertProblem = { remote: string; reason: string };

/** The names (CN, SAN DNS) of the verified client certificate on `socket`, or null. */
export function verifiedPeer(socket: Socket): PeerCertificate | null {
  const tls = socket as TLSSocket;
  if (!tls.encrypted || !tls.authorized) return null;
  const cert = tls.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return null;
  const names = new Set<string>();
  const cn = cert.subject?.CN;
  for (const n of Array.isArray(cn) ? cn : cn ? [cn] : []) names.add(n);
  for (const part of (cert.subjectaltname ?? '').split(/,\s*/)) if (part.startsWith('DNS:')) names.add(part.slice(4));
  return { names: [...names] };
}

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

export function plainServer(accept: (socket: Socket) => void): Server {
  return createServer(accept);
}

/**
 * The TLS server. Client certificates are checked here rather than by OpenSSL's own refusal
 * (rejectUnauthorized) so that a refused certificate gets one clear log line with its reason.
 */
export function tlsServer(opts: MqttTlsOptions, accept: (socket: Socket) => void, refuse: (p: CertProblem) => void): Server {
  const wantCerts = opts.client_certs !== 'off';
  const server = createTlsServer(
    {
      cert: readFileSync(opts.cert_file),
      key: readFileSync(opts.key_file),
      ...(opts.ca_file ? { ca: readFileSync(opts.ca_file) } : {}),
      requestCert: wantCerts,
      rejectUnauthorized: false,
    },
    (socket) => {
      const remote = socket.remoteAddress ?? '?';
      const presented = wantCerts && Object.keys(socket.getPeerCertificate() ?? {}).length > 0;
      if (presented && !socket.authorized) {
        refuse({ remote, reason: `client certificate refused: ${String(socket.authorizationError)}` });
        return void socket.destroy();
      }
      if (!presented && opts.client_certs === 'required') {
        refuse({ remote, reason: 'client certificate required (gateway.mqtt.tls.client_certs: required)' });
        return void socket.destroy();
      }
      accept(socket);
    },
  );
  server.on('tlsClientError', (err, socket) => refuse({ remote: socket.remoteAddress ?? '?', reason: `TLS handshake failed: ${err.message}` }));
  return server;
}
