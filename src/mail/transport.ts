/**
 * The one small interface every way of handing a message over implements (outbox folder, MSSanté SMTP).
 * The dispatcher knows nothing else about transports.
 */
export interface OutgoingMessage {
  /** Delivery id in the journal: also the DSN envelope id (ENVID). */
  deliveryId: string;
  messageId: string;
  /** Envelope sender (the lab's application mailbox). */
  from: string;
  /** Envelope recipient: one per message. */
  to: string;
  /** The exact bytes of the .eml, as kept in the spool. */
  raw: Buffer;
  /** Where the spool keeps them (mail/D<n>.eml): a transport that files messages may link it rather than write a copy. */
  proof?: string;
}

export type SendOutcome =
  | { ok: true; response: string; queueId?: string }
  | {
      ok: false;
      /** true: 5xx or a refusal that retrying cannot fix; false: network error or 4xx, retry later. */
      permanent: boolean;
      response: string;
      /** The server refused the lab's client certificate: a person must fix the certificate. */
      certificate?: boolean;
    };

export interface Transport {
  readonly name: string;
  send(message: OutgoingMessage): Promise<SendOutcome>;
  close(): Promise<void>;
}
