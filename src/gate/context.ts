import { readFileSync } from 'node:fs';
import type { ResolvedConfig } from '../config/load.js';
import type { Journal } from '../queue/journal.js';
import { companionReader, spoolLayout } from '../queue/spool.js';
import { storedCda } from '../apply/apply.js';
import { loadAddressBook, type AddressBook } from '../routing/address-book.js';
import { routingContext } from '../routing/context.js';
import { mappingFromConfig, type LoincMapping } from '../loinc/index.js';
import type { GateContext } from './prepare.js';
import type { RoutingContext } from '../routing/resolve.js';
import type { RenderPool } from '../documents/pool.js';
import { labMessageSettings } from '../mail/compose.js';

/**
 * What stays the same for every file of a process: the address book and the LOINC mapping, read once.
 * `forFile` adds what the journal says now (directory, allow-list, versions, earlier files).
 */
export class GateSetup {
  private readonly addressBook: AddressBook;
  readonly mapping?: LoincMapping;

  /**
   * Whether the render threads also prepare the message bodies: with two or more. With one, rendering
   * alone keeps it busier than the main thread (`run` of 200 stage-2 reports on 2 cores: 1.77× one core's
   * speed with the bodies made in the main thread, 1.48× in the render thread, the same CPU).
   */
  private readonly composeInPool: boolean;

  /** `pool`: render in worker threads (its same `lab` and mapping objects are sent to each thread once). */
  constructor(readonly config: ResolvedConfig, private readonly needsAllowlist: boolean, private readonly pool?: RenderPool) {
    this.composeInPool = (pool?.size ?? 0) >= 2;
    this.addressBook = loadAddressBook(config.addressBook);
    this.mapping = mappingFromConfig(config.loinc, (f) => readFileSync(f, 'utf8'));
  }

  /** Routing as the journal stands now (directory, allow-list), for re-examining held deliveries. */
  routingFor(journal: Journal): RoutingContext {
    return routingContext(journal, this.config, this.addressBook, this.needsAllowlist).ctx;
  }

  /** `journal` undefined: none exists yet (a dry run or `parse` before the first `run`). */
  forFile(journal: Journal | undefined, file: { name: string; companionDir: string; fileId?: number; force?: boolean; to?: string[]; renderStructured?: boolean }): GateContext {
    const routing = routingContext(journal, this.config, this.addressBook, this.needsAllowlist);
    return {
      config: this.config,
      file: file.name,
      companion: companionReader(file.companionDir),
      routing: routing.ctx,
      notes: routing.warnings,
      mapping: this.mapping,
      latestVersion: (setId) => journal?.latestVersion(setId)?.version ?? 0,
      previousCda: (setId, version) => storedCda(spoolLayout(this.config.paths.state), setId, version),
      earlierFile: (hash) => {
        const row = journal?.processedFileWithHash(hash, file.fileId ?? -1);
        return row && { id: row.id, name: row.name };
      },
      force: file.force,
      to: file.to,
      render: this.pool && ((report, ids, opts, stages) => this.pool!.render(report, ids, opts,
        this.composeInPool ? { ...labMessageSettings(this.config), stages } : undefined)),
      renderStructured: file.renderStructured,
    };
  }
}
