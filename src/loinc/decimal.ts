// Exact multiplication of decimal strings, for the unit conversions a lab's mapping file asks for:
// no binary floating point, so 5.40 × 0.1 is 0.540, never 0.5400000000000001.

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/** True for a plain decimal as labs write it: optional sign, digits, optional point and digits. */
export const isDecimal = (text: string): boolean => DECIMAL.test(text);

/** a × b, exactly, with as many decimals as both operands together (trailing zeros kept, as a
 * measurement's precision is carried by them). Throws on anything that is not a plain decimal. */
export function multiplyDecimal(a: string, b: string): string {
  const x = DECIMAL.exec(a);
  const y = DECIMAL.exec(b);
  if (!x || !y) throw new Error(`not a decimal: ${JSON.stringify(x ? b : a)}`);
  const scale = (x[3] ?? '').length + (y[3] ?? '').length;
  const product = BigInt(x[2]! + (x[3] ?? '')) * BigInt(y[2]! + (y[3] ?? ''));
  const negative = (x[1] === '-') !== (y[1] === '-') && product !== 0n;
  let digits = product.toString().padStart(scale + 1, '0');
  if (scale > 0) digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return (negative ? '-' : '') + digits;
}
