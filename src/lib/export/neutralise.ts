/** A value a table cell may hold. Dates become ISO text in CSV and date cells in XLSX. */
export type Cell = string | number | boolean | Date | null | undefined;

// OWASP CSV injection: spreadsheet apps treat cells starting with these as formulas.
const FORMULA_START = /^[=+\-@\t\r]/;

/** Prefixes text a spreadsheet would run as a formula with `'`; numbers stay numbers. */
export function neutralise(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** The import's inverse: `'=x` (as the export wrote it) reads back as `=x`. */
export function unneutralise(value: string): string {
  return value.length > 1 && value[0] === "'" && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
}

/** Whether raw text (not written by our export) would run as a formula: `=` or `@` first. */
export function looksLikeFormula(value: string): boolean {
  return /^[=@]/.test(value);
}
