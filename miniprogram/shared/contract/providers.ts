// The cloud dialects a ticket can be written in (the signer's `local` dev bucket speaks `s3`).
import type { TicketProvider } from '../../../typings/ticket';

export const TICKET_PROVIDERS: readonly TicketProvider[] = ['s3', 'oss', 'oss-v1', 'cos', 'obs'];

export function isTicketProvider(value: unknown): value is TicketProvider {
  return typeof value === 'string' && (TICKET_PROVIDERS as readonly string[]).includes(value);
}
