// OpenAPI 3.1 document generated from the route table and its zod schemas (z.toJSONSchema).
import { z } from 'zod';
import { ApiError } from '../../shared/platform/api.js';
import { ROUTES, type Route } from './routes.js';

type Json = Record<string, unknown>;

const toSchema = (s: z.ZodType, io: 'input' | 'output'): Json => {
  const j = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  delete j.$schema;
  return j;
};

function queryParameters(r: Route): Json[] {
  const schema = toSchema(r.query, 'input');
  const props = (schema.properties ?? {}) as Record<string, Json>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, s]) => ({ name, in: 'query', required: required.has(name), schema: s }));
}

function pathParameters(r: Route): Json[] {
  return r.path
    .split('/')
    .filter((s) => s.startsWith(':'))
    .map((s) => ({ name: s.slice(1), in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,64}$' } }));
}

export function openApiDocument(): Json {
  const paths: Record<string, Record<string, Json>> = {};
  const errorResponse = { description: 'Refused: { error: { code, message, details? } }', content: { 'application/json': { schema: toSchema(ApiError, 'output') } } };
  for (const r of ROUTES) {
    const p = r.path.replace(/:([a-z_]+)/g, '{$1}');
    const op: Json = {
      summary: r.summary,
      operationId: `${r.method.toLowerCase()}${r.path.replace(/[/:-](\w)/g, (_m, c: string) => c.toUpperCase())}`,
      parameters: [...pathParameters(r), ...queryParameters(r)],
      responses: {
        [String(r.status)]: { description: 'OK', content: { 'application/json': { schema: toSchema(r.response, 'output') } } },
        ...(r.path === '/v1/orders' && r.method === 'POST'
          ? { '200': { description: 'Repeat of an existing client_order_id with the same payload: the original order', content: { 'application/json': { schema: toSchema(r.response, 'output') } } } }
          : {}),
        '4XX': errorResponse,
      },
    };
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: toSchema(r.body, 'input') } } };
    if (r.auth) op.security = [{ ApiKey: [], Timestamp: [], Signature: [] }];
    (paths[p] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Compute token platform API',
      version: '1.0.0',
      description:
        'Reference platform: subscriptions, minting unused compute, renewal credits, redemption, the TOKEN-USD exchange, market data and the account event feed. ' +
        'Private routes are signed: X-Signature = hex HMAC-SHA256(secret, timestamp + "\\n" + METHOD + "\\n" + path_with_query + "\\n" + raw_body), ' +
        'X-Timestamp in Unix ms within ±30 s. Money and quantities are decimal strings. WebSocket: /v1/ws (see docs/PLATFORM.md).',
    },
    servers: [{ url: 'http://127.0.0.1:8787' }],
    components: {
      securitySchemes: {
        ApiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
        Timestamp: { type: 'apiKey', in: 'header', name: 'X-Timestamp' },
        Signature: { type: 'apiKey', in: 'header', name: 'X-Signature' },
      },
    },
    paths,
  };
}
