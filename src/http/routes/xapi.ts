import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { InvalidInput } from '../../services/errors.ts';
import type { Services } from '../../services/index.ts';
import { errors, Items, OrgParams, RefTo } from '../contract/common.ts';
import {
  XAPI_VERSION, XapiAboutSchema, XapiPutQuery, XapiRuleCreateSchema, XapiRuleParams, XapiRuleSchema, XapiStatementIds, XapiStatementsBody,
  XapiStatementSummarySchema, XapiStatementsQuery, XapiVersionHeaders,
} from '../contract/xapi.ts';

const XAPI_SECURITY = [{ basic: [] }];

/** xAPI 1.0.3 Communication §3.3: every request names the version; 1.0.x is what this end speaks. */
function requireVersion(request: FastifyRequest): void {
  const version = request.headers['x-experience-api-version'];
  if (typeof version !== 'string' || !/^1\.0(\.\d+)?$/.test(version.trim())) {
    throw new InvalidInput('the X-Experience-API-Version header is required and must be 1.0.x (1.0.3)', [{ pointer: '/', message: 'X-Experience-API-Version header missing or not 1.0.x' }], { status: 400 });
  }
}

/**
 * The xAPI statements resource (for an LRS forwarder or a learning app, Basic auth with an
 * organisation API key of scope issue) and the console's rules and statement log.
 */
export function xapiRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { xapi } = services;
  return async (app) => {
    app.addSchema(XapiRuleSchema);

    // The statements resource in a scope of its own: its answers carry the version header (and 401s the Basic challenge).
    const lrsPlugin: FastifyPluginAsyncTypebox = async (lrs) => {
      lrs.addHook('onSend', async (request, reply, payload) => {
        void reply.header('X-Experience-API-Version', XAPI_VERSION);
        if (reply.statusCode === 401) void reply.header('WWW-Authenticate', 'Basic realm="microcred xAPI", charset="UTF-8"');
        return payload;
      });

      lrs.get('/xapi/about', {
        schema: { tags: ['xapi'], summary: 'The xAPI versions this end speaks (no authentication)', response: { 200: XapiAboutSchema } },
      }, () => ({ version: [XAPI_VERSION] }));

      lrs.post('/xapi/statements', {
        schema: {
          tags: ['xapi'], summary: 'Store one statement or an array (xAPI 1.0.3); a statement that meets one of the organisation\'s rules earns its credential, once per learner',
          description: 'HTTP Basic authentication with an organisation API key of scope issue (as the password, or as the user name with an empty password). Answers the ids in order. A statement whose id was received with different content is a 409; the same statement again changes nothing.',
          security: XAPI_SECURITY, headers: XapiVersionHeaders, body: XapiStatementsBody,
          response: { 200: XapiStatementIds, ...errors(400, 401, 403, 409, 413) },
        },
      }, async (request) => {
        requireVersion(request);
        return xapi.receive(request.actor, request.body);
      });

      lrs.put('/xapi/statements', {
        schema: {
          tags: ['xapi'], summary: 'Store one statement under the given id (xAPI 1.0.3); 204 when stored or already there unchanged',
          security: XAPI_SECURITY, headers: XapiVersionHeaders, querystring: XapiPutQuery, body: XapiStatementsBody,
          response: { 204: { type: 'null' }, ...errors(400, 401, 403, 409, 413) },
        },
      }, async (request, reply) => {
        requireVersion(request);
        await xapi.receive(request.actor, request.body, { statementId: request.query.statementId });
        return reply.code(204).send();
      });
    };
    await app.register(lrsPlugin);

    app.get('/api/v1/organisations/:orgId/xapi-rules', {
      schema: { tags: ['xapi'], summary: 'The organisation\'s xAPI rules', params: OrgParams, response: { 200: Items(RefTo(XapiRuleSchema)), ...errors(401, 403, 404) } },
    }, async (request) => ({ items: await xapi.listRules(request.actor, request.params.orgId) }));

    app.post('/api/v1/organisations/:orgId/xapi-rules', {
      schema: {
        tags: ['xapi'], summary: 'Add a rule: a statement with this verb on this activity (and at least this scaled score) earns the achievement',
        params: OrgParams, body: XapiRuleCreateSchema, response: { 201: RefTo(XapiRuleSchema), ...errors(400, 401, 403, 404, 422) },
      },
    }, async (request, reply) => reply.code(201).send(await xapi.createRule(request.actor, request.params.orgId, request.body)));

    app.delete('/api/v1/organisations/:orgId/xapi-rules/:ruleId', {
      schema: { tags: ['xapi'], summary: 'Delete a rule (credentials it earned stay)', params: XapiRuleParams, response: { 204: { type: 'null' }, ...errors(401, 403, 404) } },
    }, async (request, reply) => {
      await xapi.deleteRule(request.actor, request.params.orgId, request.params.ruleId);
      return reply.code(204).send();
    });

    app.get('/api/v1/organisations/:orgId/xapi-statements', {
      schema: {
        tags: ['xapi'], summary: 'Statements received lately, newest first (those that earned nothing only within the audit window)',
        params: OrgParams, querystring: XapiStatementsQuery, response: { 200: Items(XapiStatementSummarySchema), ...errors(400, 401, 403, 404) },
      },
    }, async (request) => ({ items: await xapi.listStatements(request.actor, request.params.orgId, request.query) }));
  };
}
