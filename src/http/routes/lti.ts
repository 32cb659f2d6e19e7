import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { Config } from '../../config.ts';
import { LTI_PAGE_CSP, renderAutoPost, renderDeepLinkingPage, renderInstructorPage, renderLearnerPage, renderRefusal } from '../../render/lti-pages.ts';
import type { Services } from '../../services/index.ts';
import { AdvantageError, LaunchRefused, type InstructorPage } from '../../services/lti/index.ts';
import { errors, Items, OrgParams, RefTo } from '../contract/common.ts';
import {
  HtmlPage, LtiCourseForm, LtiCourseSchema, LtiDeepLinkForm, LtiLaunchForm, LtiLoginForm, LtiPlatformCreateSchema, LtiPlatformParams, LtiPlatformSchema,
  LtiSessionForm, LtiToolConfigurationSchema,
} from '../contract/lti.ts';
import { problemFromError, sendProblem } from '../problem.ts';

const security = [{ session: [] }];
const FORM = ['application/x-www-form-urlencoded'];
// eslint-disable-next-line no-control-regex -- finding them is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const html = { 200: HtmlPage, 400: HtmlPage, 401: HtmlPage, 403: HtmlPage, 502: HtmlPage };

/** A form body as fields (a repeated name gives an array). */
function parseForm(body: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    // As for JSON bodies (json-body.ts): no control characters (PostgreSQL refuses NUL in text).
    if (CONTROL.test(key) || CONTROL.test(value)) throw new LaunchRefused(`the form field ${JSON.stringify(key.slice(0, 40))} holds a control character`, 400);
    const seen = fields[key];
    fields[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return fields;
}

function sendPage(reply: FastifyReply, status: number, body: string, csp = LTI_PAGE_CSP): FastifyReply {
  // Shown inside the LMS: framing is allowed (the platform is another site), nothing is cached.
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').header('content-security-policy', csp).send(body);
}

/**
 * microcred as an LTI 1.3 tool: the endpoints the LMS calls (login initiation, launch, the tool's
 * JWKS), the pages shown inside the course, and the console's platform registrations.
 */
export function ltiRoutes(services: Services, config: Pick<Config, 'publicUrl'>): FastifyPluginAsyncTypebox {
  const { lti } = services;
  const basePath = new URL(config.publicUrl).pathname.replace(/\/$/, '');
  const instructor = (reply: FastifyReply, session: string, page: InstructorPage) => sendPage(reply, 200, renderInstructorPage({ basePath, session, ...page }));

  return async (app) => {
    app.addSchema(LtiPlatformSchema);

    // The endpoints the LMS and the browser in it call: form posts without microcred's session.
    const toolPlugin: FastifyPluginAsyncTypebox = async (tool) => {
      tool.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 96 * 1024 }, (_request, body, done) => {
        try {
          done(null, parseForm(body as string));
        } catch (error) {
          done(error as Error, undefined);
        }
      });
      tool.addHook('preValidation', async (request) => {
        const query = request.query as Record<string, unknown>;
        for (const [key, value] of Object.entries(query ?? {})) {
          if (CONTROL.test(key) || (typeof value === 'string' && CONTROL.test(value))) throw new LaunchRefused(`the query parameter ${JSON.stringify(key.slice(0, 40))} holds a control character`, 400);
        }
      });
      tool.setErrorHandler((error, request, reply) => {
        if (error instanceof LaunchRefused) return sendPage(reply, error.status, renderRefusal({ title: 'microcred could not open this launch', message: error.message }));
        if (error instanceof AdvantageError) return sendPage(reply, 502, renderRefusal({ title: 'The LMS did not answer as expected', message: error.message }));
        const problem = problemFromError(error, request);
        if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
        return sendProblem(reply, problem);
      });
      // These forms come from the LMS or from pages inside it: they carry no microcred CSRF header, and
      // authenticate by the platform's signed id_token or the launch session in the form, never a cookie.
      const config = { formCsrf: true };

      tool.get('/lti/jwks.json', {
        schema: { tags: ['lti'], summary: 'The tool\'s public keys (JWKS): platforms check its client assertions and deep linking responses with them', response: { 200: { type: 'object', additionalProperties: true } } },
      }, async (_request, reply) => reply.header('cache-control', 'public, max-age=3600').send(await lti.toolKeys.jwks()));

      const loginSchema = { tags: ['lti'], summary: 'OIDC third-party login initiation (LTI 1.3): redirects to the platform\'s authentication request with a fresh state and nonce', response: { 302: { type: 'null' }, ...html } };
      tool.get('/lti/login', { config, schema: { ...loginSchema, querystring: LtiLoginForm } }, async (request, reply) => reply.redirect(await lti.login(request.query), 302));
      tool.post('/lti/login', { config, schema: { ...loginSchema, consumes: FORM, body: LtiLoginForm } }, async (request, reply) => reply.redirect(await lti.login(request.body), 302));

      tool.post('/lti/launch', {
        config,
        schema: {
          tags: ['lti'], summary: 'The launch (LTI 1.3 authentication response): a resource link launch shows the instructor\'s mapping or the learner\'s credential; a deep linking request the choice of micro-credentials',
          consumes: FORM, body: LtiLaunchForm, response: html,
        },
      }, async (request, reply) => {
        const outcome = await lti.launch(request.body);
        if (outcome.kind === 'instructor') return instructor(reply, outcome.session, outcome.page);
        if (outcome.kind === 'learner') return sendPage(reply, 200, renderLearnerPage(outcome.page));
        return sendPage(reply, 200, renderDeepLinkingPage({ basePath, session: outcome.session, achievements: outcome.achievements, acceptMultiple: outcome.acceptMultiple }));
      });

      tool.post('/lti/deep-link', {
        config,
        schema: { tags: ['lti'], summary: 'The instructor\'s choice: answers an auto-submitting form that posts the signed LtiDeepLinkingResponse to the platform', consumes: FORM, body: LtiDeepLinkForm, response: html },
      }, async (request, reply) => {
        const chosen = request.body.achievementId;
        const { returnUrl, jwt } = await lti.deepLinkResponse(request.body.session, chosen === undefined ? [] : Array.isArray(chosen) ? chosen : [chosen]);
        const nonce = randomBytes(16).toString('base64');
        return sendPage(reply, 200, renderAutoPost({ action: returnUrl, fields: { JWT: jwt }, nonce }), `${LTI_PAGE_CSP}; script-src 'nonce-${nonce}'`);
      });

      tool.post('/lti/course', {
        config,
        schema: { tags: ['lti'], summary: 'The instructor maps the course to a micro-credential and a grade item threshold (AGS) over the roster (NRPS)', consumes: FORM, body: LtiCourseForm, response: html },
      }, async (request, reply) => {
        const { session, achievementId, lineItem, minPercent } = request.body;
        const page = await lti.mapCourse(session, { achievementId: achievementId ?? '', lineItemUrl: lineItem ?? '', minPercent: Number(minPercent) });
        return instructor(reply, session!, page);
      });

      tool.post('/lti/course/run', {
        config,
        schema: { tags: ['lti'], summary: 'Issue now: reads grades and roster and awards every learner who meets the course\'s rule (once each)', consumes: FORM, body: LtiSessionForm, response: html },
      }, async (request, reply) => instructor(reply, request.body.session!, await lti.runFromLaunch(request.body.session)));
    };
    await app.register(toolPlugin);

    app.get('/api/v1/lti/tool', {
      schema: { tags: ['lti'], summary: 'The URLs to enter in the LMS when registering microcred as an LTI 1.3 tool', response: { 200: LtiToolConfigurationSchema } },
    }, () => lti.toolConfiguration());

    app.get('/api/v1/organisations/:orgId/lti-platforms', {
      schema: { tags: ['lti'], summary: 'The organisation\'s LTI 1.3 platforms (LMS registrations)', security, params: OrgParams, response: { 200: Items(RefTo(LtiPlatformSchema)), ...errors(401, 403, 404) } },
    }, async (request) => ({ items: await lti.listPlatforms(request.actor, request.params.orgId) }));

    app.post('/api/v1/organisations/:orgId/lti-platforms', {
      schema: {
        tags: ['lti'], summary: 'Register an LMS as an LTI 1.3 platform: its launches are checked against these values',
        security, params: OrgParams, body: LtiPlatformCreateSchema, response: { 201: RefTo(LtiPlatformSchema), ...errors(400, 401, 403, 404, 422) },
      },
    }, async (request, reply) => reply.code(201).send(await lti.createPlatform(request.actor, request.params.orgId, request.body)));

    app.delete('/api/v1/organisations/:orgId/lti-platforms/:platformId', {
      schema: { tags: ['lti'], summary: 'Remove a platform registration (its course mappings go with it; credentials issued stay)', security, params: LtiPlatformParams, response: { 204: { type: 'null' }, ...errors(401, 403, 404) } },
    }, async (request, reply) => {
      await lti.deletePlatform(request.actor, request.params.orgId, request.params.platformId);
      return reply.code(204).send();
    });

    app.get('/api/v1/organisations/:orgId/lti-courses', {
      schema: { tags: ['lti'], summary: 'Courses instructors mapped to micro-credentials, with their last check and awards', security, params: OrgParams, response: { 200: Items(LtiCourseSchema), ...errors(401, 403, 404) } },
    }, async (request) => ({ items: await lti.listCourses(request.actor, request.params.orgId) }));
  };
}
