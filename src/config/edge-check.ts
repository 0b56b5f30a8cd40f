/**
 * Checks of the device edge's settings that the schema cannot make (issue 13): TLS files exist and
 * are readable, a configured client id belongs to one device, a bridge user name is not also a
 * device's. Each problem names its config path.
 */
import { accessSync, constants } from 'node:fs';
import type { Config } from './schema.js';
import type { Problem } from './problem.js';

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

export function checkEdge(config: Config): Problem[] {
  const problems: Problem[] = [];
  const files: [string, string | undefined][] = [];
  const m = config.gateway.mqtt.tls;
  if (m) files.push(['gateway.mqtt.tls.cert_file', m.cert_file], ['gateway.mqtt.tls.key_file', m.key_file], ['gateway.mqtt.tls.ca_file', m.ca_file]);
  const h = config.gateway.http.tls;
  if (h) files.push(['gateway.http.tls.cert_file', h.cert_file], ['gateway.http.tls.key_file', h.key_file]);
  for (const [path, file] of files) if (file !== undefined && !readable(file)) problems.push({ path, message: `cannot read ${file}` });
  const clientIds = new Map<string, string>();
  const users = new Map<string, string>();
  config.sites.forEach((site, s) =>
    site.devices.forEach((d, i) => {
      const path = `sites[${s}].devices[${i}].credentials`;
      if (d.credentials) users.set(d.credentials.username, path);
      const id = d.credentials?.client_id;
      if (id === undefined) return;
      const first = clientIds.get(id);
      if (first) problems.push({ path: `${path}.client_id`, message: `client id "${id}" is already ${first}'s` });
      else clientIds.set(id, `${path}.client_id`);
    }),
  );
  config.sites.forEach((site, s) => {
    const device = site.bridge ? users.get(site.bridge.username) : undefined;
    if (device) problems.push({ path: `sites[${s}].bridge.username`, message: `"${site.bridge?.username}" is also the user name of ${device}` });
  });
  return problems;
}
