// LOINC codes end with a mod-10 check digit (the Luhn scheme LOINC documents in its users' guide):
// a mistyped code is caught before it reaches a CR-BIO document.

const CODE = /^(\d{1,7})-(\d)$/;

/** The check digit of the numeric part of a LOINC code (the digits before the dash). */
export function loincCheckDigit(base: string): number {
  if (!/^\d+$/.test(base)) throw new Error(`not a LOINC base number: ${JSON.stringify(base)}`);
  let sum = 0;
  // Counting from the right, odd positions are doubled (and their digits added), even ones added.
  for (let i = 0; i < base.length; i++) {
    const d = base.charCodeAt(base.length - 1 - i) - 48;
    if (i % 2 === 0) {
      const twice = d * 2;
      sum += twice > 9 ? twice - 9 : twice;
    } else sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** True for `NNNNN-C` with a correct check digit (no leading zero: LOINC never writes one). */
export function isValidLoinc(code: string): boolean {
  const m = CODE.exec(code);
  if (!m || m[1]!.startsWith('0')) return false;
  return loincCheckDigit(m[1]!) === Number(m[2]);
}
