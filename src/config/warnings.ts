/**
 * What `check-config` (and `start`, in the log) warns about: a config that is valid but unsafe to
 * run on a mine's network. Warnings never stop the gateway; they are `path: message` lines like
 * the problems, prefixed `warning:`.
 */
import type { Problem } from './cross-check.js';
import type { Config } from './schema.js';

/** Plain API tokens shorter than this are guessable (a 24-character random token is ~140 bits). */
export const MIN_TOKEN_LENGTH = 24;
/** Plain device passwords shorter than this. */
export const MIN_PASSWORD_LENGTH = 12;
const ALL_INTERFACES = new Set(['0.0.0.0', '::', '', '[::]']);
const DEMO_TOKENS = new Set(['demo-admin', 'demo-operator', 'demo-regulator']);

export function configWarnings(config: Config, literalSecrets: readonly string[] = []): Problem[] {
  const g = config.gateway;
  const out: Problem[] = [];
  if (g.allow_anonymous && ALL_INTERFACES.has(g.mqtt.host)) {
    out.push({
      path: 'gateway.allow_anonymous',
      message: `anonymous MQTT access while the broker listens on all interfaces (gateway.mqtt.host ${g.mqtt.host || '""'}): anyone on the network may publish as any device; set false, or bind mqtt.host to 127.0.0.1`,
    });
  }
  g.tokens.forEach((t, i) => {
    if (t.token !== undefined && DEMO_TOKENS.has(t.token)) out.push({ path: `gateway.tokens[${i}].token`, message: `"${t.token}" is a demo token: everyone who read the README knows it` });
    else if (t.token !== undefined && t.token.length < MIN_TOKEN_LENGTH)
      out.push({ path: `gateway.tokens[${i}].token`, message: `shorter than ${MIN_TOKEN_LENGTH} characters: use a long random token (openssl rand -hex 24)` });
  });
  config.sites.forEach((s, i) =>
    s.devices.forEach((d, j) => {
      const pw = d.credentials?.password;
      if (pw !== undefined && pw.length < MIN_PASSWORD_LENGTH) out.push({ path: `sites[${i}].devices[${j}].credentials.password`, message: `shorter than ${MIN_PASSWORD_LENGTH} characters` });
    }),
  );
  if (g.simulators.enabled) out.push({ path: 'gateway.simulators.enabled', message: 'simulators feed made-up readings into this gateway (marked simulated): only for demos' });
  for (const path of literalSecrets) out.push({ path, message: 'a secret written in the config file: prefer ${ENV_NAME} or file:/run/secrets/NAME (or a *_sha256 form)' });
  return out;
}
