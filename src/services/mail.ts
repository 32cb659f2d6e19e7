import { randomUUID } from 'node:crypto';
import type { ExpressionBuilder, Kysely } from 'kysely';
import nodemailer from 'nodemailer';
import type { DB, NewRow } from '../store/schema.ts';
import { CAN, requireAccess, type Actor } from './access.ts';
import type { ServiceContext } from './context.ts';
import type { MailMessage } from './credentials/types.ts';

export type { MailMessage } from './credentials/types.ts';

/** The small part of a nodemailer transport the mailer uses (tests may pass their own). */
export interface MailTransport {
  sendMail(message: { from: string; to: string; subject: string; text: string; html?: string }): Promise<unknown>;
  close?(): void;
}

export interface OutboxView {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  createdAt: string;
  sentAt: string | null;
  error: string | null;
}

/** Marks a row some node is delivering, so two nodes never send the same message. */
const SENDING = 'sending since';
/** How long a claim to send a message holds before another node may take it. */
const CLAIM_MS = 10 * 60_000;
/** Most rows in one multi-row insert (SQLite allows 32,766 variables; a row has 9). */
const INSERT_CHUNK = 500;

/**
 * E-mail. Every message is first written to the `outbox` table inside the caller's transaction, so
 * a message exists exactly when the change that caused it commits. Without SMTP_URL that table is
 * the development outbox (admins read it in the console); with SMTP_URL, `kick()` delivers what
 * committed through nodemailer, in the background, and records `sent_at` or the error.
 *
 * @example
 *   await mailer.send(trx, { organisationId, to: 'ana@example.org', subject: 'Hello', text: 'Hi' });
 *   // after commit:
 *   mailer.kick();
 */
export function createMailer(ctx: ServiceContext, options: { transport?: MailTransport } = {}) {
  const transport: MailTransport | undefined = options.transport
    ?? (ctx.config.smtpUrl ? nodemailer.createTransport(ctx.config.smtpUrl) : undefined);
  let running: Promise<void> | undefined;
  let again = false;

  async function deliverBatch(limit: number): Promise<number> {
    if (!transport) return 0;
    // A claim is marked with its time: a node that died while sending leaves a claim that goes stale
    // after CLAIM_MS and is taken again (at worst one e-mail sent twice, never one lost).
    const now = ctx.now().getTime();
    const stale = `${SENDING} ${new Date(now - CLAIM_MS).toISOString()}`;
    const unclaimed = (eb: ExpressionBuilder<DB, 'outbox'>) => eb.or([
      eb('error', 'is', null),
      eb.and([eb('error', 'like', `${SENDING} %`), eb('error', '<', stale)]),
    ]);
    const pending = ctx.db.selectFrom('outbox').select('id').where('sent_at', 'is', null).where(unclaimed)
      .orderBy('created_at').limit(limit);
    const claimed = await ctx.db.updateTable('outbox').set({ error: `${SENDING} ${new Date(now).toISOString()}` })
      .where('id', 'in', pending).where('sent_at', 'is', null).where(unclaimed)
      .returningAll().execute();
    for (const row of claimed) {
      try {
        await transport.sendMail({ from: ctx.config.mailFrom, to: row.to_address, subject: row.subject, text: row.text_body, ...(row.html_body ? { html: row.html_body } : {}) });
        await ctx.db.updateTable('outbox').set({ sent_at: ctx.now().toISOString(), error: null }).where('id', '=', row.id).execute();
        ctx.metrics.increment('microcred_mail_sent_total');
      } catch (error) {
        // The SMTP answer code says what went wrong without the message or the address.
        const code = (error as { responseCode?: number; code?: string }).responseCode ?? (error as { code?: string }).code ?? 'error';
        await ctx.db.updateTable('outbox').set({ error: `delivery failed (${String(code)})` }).where('id', '=', row.id).execute();
        ctx.log.warn({ outboxId: row.id, code }, 'mail delivery failed');
        ctx.metrics.increment('microcred_mail_failed_total');
      }
    }
    return claimed.length;
  }

  const mailer = {
    /** 'smtp' when messages are delivered, 'outbox' when they stay in the development outbox. */
    mode: (transport ? 'smtp' : 'outbox') as 'smtp' | 'outbox',

    async send(trx: Kysely<DB>, message: MailMessage): Promise<void> {
      await mailer.sendMany(trx, [message]);
    },

    async sendMany(trx: Kysely<DB>, messages: MailMessage[]): Promise<void> {
      const at = ctx.now().toISOString();
      const rows: NewRow<'outbox'>[] = messages.map((message) => ({
        id: randomUUID(),
        organisation_id: message.organisationId,
        to_address: message.to,
        subject: message.subject,
        text_body: message.text,
        html_body: message.html ?? null,
        created_at: at,
        sent_at: null,
        error: null,
      }));
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) await trx.insertInto('outbox').values(rows.slice(i, i + INSERT_CHUNK)).execute();
    },

    /** Delivers queued messages now, in batches, until none is left; returns how many were tried. */
    async deliverPending(batch = 50): Promise<number> {
      let total = 0;
      for (;;) {
        const count = await deliverBatch(batch);
        total += count;
        if (count < batch) return total;
      }
    },

    /** Starts delivery in the background (once at a time; a kick while running runs it again after). */
    kick(): void {
      if (!transport) return;
      if (running) {
        again = true;
        return;
      }
      running = (async () => {
        do {
          again = false;
          try {
            await mailer.deliverPending();
          } catch (error) {
            ctx.log.error({ err: (error as Error).name }, 'mail delivery stopped');
          }
        } while (again);
      })().finally(() => {
        running = undefined;
      });
    },

    /** Resolves when background delivery has finished (tests, graceful shutdown). */
    async settled(): Promise<void> {
      while (running) await running;
    },

    /** The development outbox, newest first (admins). */
    async list(actor: Actor, organisationId: string, query: { limit?: number; before?: string } = {}): Promise<OutboxView[]> {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.readOutbox }, 'organisation');
      const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
      let select = ctx.db.selectFrom('outbox').selectAll().where('organisation_id', '=', organisationId);
      if (query.before) select = select.where('created_at', '<', query.before);
      const rows = await select.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map((row) => ({
        id: row.id, to: row.to_address, subject: row.subject, text: row.text_body, html: row.html_body,
        createdAt: row.created_at, sentAt: row.sent_at, error: row.error,
      }));
    },

    close(): void {
      transport?.close?.();
    },
  };
  return mailer;
}

export type Mailer = ReturnType<typeof createMailer>;
