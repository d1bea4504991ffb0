/**
 * How pdfkit's text becomes bytes, done in runs rather than line by line.
 *
 * pdfkit turns every line it writes (each drawing operator of a page, each line of an object) into its own
 * Uint8Array with a JavaScript loop, and pushes each line of the file through its Readable stream: hundreds
 * of small arrays and stream events per document. Here the lines are gathered as text and converted once
 * per run of text with Buffer.from(…, 'latin1'), which keeps the low byte of each code unit as pdfkit's
 * loop does (`charCodeAt(i) & 0xff`): the same bytes, the same lengths and offsets.
 */

/** The parts of pdfkit's PDFReference this module replaces. */
interface Reference {
  data: { Length?: number; Filter?: string };
  compress: boolean;
  uncompressedLength: number;
  buffer: Uint8Array[];
  /** Lines written since the last bytes, not yet converted. */
  _text?: string;
  write(chunk: string | Uint8Array): void;
  finalize(): void;
}

/** The parts of pdfkit's PDFDocument `collect` takes over. */
interface Document {
  _offset: number;
  _write(data: string | Uint8Array): void;
  read(): Buffer | null;
  resume(): void;
  end(): void;
  on(event: 'end', listener: () => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
}

function flush(ref: Reference): void {
  if (ref._text) ref.buffer.push(Buffer.from(ref._text, 'latin1'));
  ref._text = undefined;
}

/** Puts the text runs in PDFReference (`proto`, reached through a reference of a throwaway document). */
export function installTextRuns(proto: Reference): void {
  const write = proto.write;
  const finalize = proto.finalize;
  proto.write = function (this: Reference, chunk: string | Uint8Array) {
    if (chunk instanceof Uint8Array) {
      flush(this);
      return write.call(this, chunk);
    }
    const line = `${chunk}\n`;
    this._text = (this._text ?? '') + line;
    this.uncompressedLength += line.length;
    this.data.Length = (this.data.Length ?? 0) + line.length;
    if (this.compress) this.data.Filter = 'FlateDecode';
  };
  proto.finalize = function (this: Reference) {
    flush(this);
    return finalize.call(this);
  };
}

/** Ends the document and collects its bytes, the file's lines gathered as text between binary streams. */
export function collect(doc: Document): Promise<Buffer> {
  // What pdfkit pushed before (the header) waits in its stream.
  const parts: Buffer[] = [];
  for (let c; (c = doc.read()) !== null;) parts.push(c);
  let text = '';
  doc._write = (data) => {
    if (data instanceof Uint8Array) {
      if (text) parts.push(Buffer.from(text, 'latin1'));
      text = '';
      parts.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      doc._offset += data.length;
    } else {
      const line = `${data}\n`;
      text += line;
      doc._offset += line.length;
    }
  };
  return new Promise((resolve, reject) => {
    doc.on('end', () => {
      if (text) parts.push(Buffer.from(text, 'latin1'));
      resolve(Buffer.concat(parts));
    });
    doc.on('error', reject);
    doc.resume();
    doc.end();
  });
}
