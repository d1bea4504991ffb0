/**
 * Text extraction from a PDF (pdfjs-dist), for the identity check of a carried CDA's PDF copy. pdfjs is
 * loaded on first use only: it weighs about as much as the rest of the CLI, and most commands never
 * read a PDF. Unicode normalisation is off so that what is read is what the file says.
 */
type PdfDoc = Awaited<ReturnType<typeof import('pdfjs-dist/legacy/build/pdf.mjs')['getDocument']>['promise']>;

/** Opens a PDF, hands it to `use`, always releases it. */
export async function withPdf<T>(bytes: Uint8Array, use: (doc: PdfDoc) => Promise<T>): Promise<T> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, verbosity: 0 }).promise;
  try {
    return await use(doc);
  } finally {
    await doc.destroy();
  }
}

/** The text of every page, items separated by a space, pages by a form feed. */
export async function pdfPlainText(bytes: Uint8Array): Promise<string> {
  return withPdf(bytes, async (doc) => {
    const pages: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const content = await (await doc.getPage(n)).getTextContent({ disableNormalization: true });
      pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
    }
    return pages.join('\f');
  });
}
