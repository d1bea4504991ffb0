import type { ResolvedConfig } from '../config/load.js';
import type { Journal } from '../queue/journal.js';
import { policyWithoutList } from '../queue/store/allowlist.js';
import type { AddressBook } from './address-book.js';
import type { RoutingContext } from './resolve.js';

/**
 * The routing context of a pass, read from the journal: the directory as imported, and the allow-list
 * policy (`needsAllowlist`: the transport may send nothing without one). `warnings` are for the journal's
 * event log (e.g. the outbox transport running without an allow-list).
 */
export function routingContext(journal: Journal | undefined, config: ResolvedConfig, addressBook: AddressBook, needsAllowlist: boolean): { ctx: RoutingContext; warnings: string[] } {
  // No journal yet (a dry run before the first `run`): nothing imported.
  const policy = journal ? journal.allowlistPolicy(needsAllowlist) : policyWithoutList(needsAllowlist);
  return {
    ctx: { addressBook, options: config.routing, directory: journal?.directoryView(), allowlist: policy.check },
    warnings: policy.warning ? [policy.warning] : [],
  };
}
