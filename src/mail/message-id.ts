/**
 * A delivery's Message-ID: `<labmss.D<id>.<instance>@<lab domain>>`. The instance is new per journal, so
 * two journals never make the same one; receipts find their delivery back from it.
 */
export function labMessageId(labMailbox: string, instanceId: string, deliveryId: number): string {
  const domain = labMailbox.split('@')[1] ?? 'labmss.invalid';
  return `<labmss.D${deliveryId}.${instanceId}@${domain}>`;
}

/** The delivery id in one of this journal's Message-IDs, else undefined. */
export function deliveryIdOf(messageId: string, instanceId: string): number | undefined {
  const m = /^<labmss\.D(\d+)\.([0-9a-f]+)@/i.exec(messageId);
  return m && m[2] === instanceId ? Number(m[1]) : undefined;
}
