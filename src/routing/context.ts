import type Database from 'better-sqlite3';
import type { ResolvedConfig } from '../config/load.js';
import type { AddressBook } from './address-book.js';
import { allowlistPolicy } from './allowlist-store.js';
import { directoryView } from './directory-store.js';
import type { RoutingContext } from './resolve.js';

/**
 * The routing context of a pass, read from the journal database: the directory as imported, and the
 * allow-list policy of the configured transport. `warnings` are for the journal's event log (e.g. the
 * outbox transport running without an allow-list).
 */
export function routingContext(db: Database.Database, config: ResolvedConfig, addressBook: AddressBook): { ctx: RoutingContext; warnings: string[] } {
  const policy = allowlistPolicy(db, config.transport.type);
  return {
    ctx: { addressBook, options: config.routing, directory: directoryView(db), allowlist: policy.check },
    warnings: policy.warning ? [policy.warning] : [],
  };
}
