/**
 * Checks HTTP responses against the gateway's own OpenAPI document (GET /openapi.json): the
 * schema of the route, method and status, validated with Ajv. Used by every integration test
 * that calls the API through TestGateway.api(), so the document is what the gateway really does.
 */
import { Ajv, type ValidateFunction } from 'ajv';

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: object }> }>;
}
type Doc = { paths: Record<string, Record<string, Operation>> };

export interface ResponseChecker {
  /** Problems of one response ([] when it matches, or when the route is not in the document). */
  check(method: string, path: string, status: number, body: unknown, contentType: string | null): string[];
}

export function responseChecker(doc: Doc): ResponseChecker {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addKeyword({ keyword: 'example' });
  const routes = Object.entries(doc.paths).map(([template, ops]) => ({ re: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`), template, ops }));
  const compiled = new Map<string, ValidateFunction>();
  return {
    check(method, path, status, body, contentType) {
      const bare = path.split('?')[0] as string;
      const route = routes.find((r) => r.re.test(bare));
      const op = route?.ops[method.toLowerCase()];
      if (!route || !op) return [];
      const response = op.responses?.[String(status)];
      if (!response) return [`${method} ${route.template}: status ${status} is not in the OpenAPI document`];
      const type = (contentType ?? '').split(';')[0] as string;
      const schema = response.content?.[type]?.schema ?? (type === 'application/json' ? undefined : {});
      if (!schema) return [`${method} ${route.template} ${status}: no schema for ${type || 'no content type'}`];
      const key = `${method} ${route.template} ${status} ${type}`;
      let validate = compiled.get(key);
      if (!validate) compiled.set(key, (validate = ajv.compile(schema)));
      if (type !== 'application/json' || validate(body)) return [];
      return (validate.errors ?? []).map((e) => `${key}: ${e.instancePath || '(body)'} ${e.message}`);
    },
  };
}
