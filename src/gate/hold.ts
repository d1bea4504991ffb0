import type { InputLocation } from '../inputs/types.js';

/**
 * Why labmss will not send something on its own: a person has to look first. A hold is a value the gate
 * decides on, never a prefix inside a warning; its `code` is stable (JSON output, metrics, release rules)
 * and its `reason` says what to do, naming files, lines and fields — never patient data.
 */
export type HoldCode =
  /** A companion file the report refers to (HPRIM FIC) is not beside the input. */
  | 'companion-missing'
  /** The places that name the patient (envelope, carried CDA, its PDF copy, patient mailbox) disagree. */
  | 'identity-mismatch'
  /** The file does not prove it is complete (HPRIM `L` missing or its count disagrees, batch counts). */
  | 'incomplete'
  /** The file would produce more messages than `intake.maxMessagesPerFile`. */
  | 'too-many-messages'
  /** A document kind cannot express this case correctly (e.g. a cancellation it cannot carry). */
  | 'cannot-express'
  /** No MSSanté address for this recipient (address book, directory, input). */
  | 'no-address'
  /** Several directory mailboxes and no configured preference. */
  | 'ambiguous-address'
  /** The address is not one valid mailbox, or its domain is not on the MSSanté allow-list. */
  | 'not-allowed'
  /** The patient route does not apply (no qualified INS, no consent, masked). */
  | 'patient-route'
  /** The composed message is over the size limit. */
  | 'too-large'
  /** Nobody to send to and no print folder. */
  | 'no-recipient';

export interface Hold {
  code: HoldCode;
  reason: string;
  /** Where in the input, when the cause is there. */
  where?: Omit<InputLocation, 'file'>;
  /** Index of the report in its file the hold belongs to; absent when it holds the whole file. */
  report?: number;
}

export function hold(code: HoldCode, reason: string, extra: Omit<Hold, 'code' | 'reason'> = {}): Hold {
  return { code, reason, ...extra };
}
