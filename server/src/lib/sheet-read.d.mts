// Types of what TypeScript imports from sheet-read.mjs (the worker's reader, plain JavaScript).

/** The text of a CSV file, its encoding found from the BOM or by trying UTF-8 strictly first. */
export function decodeCsv(bytes: Uint8Array): string;
/** Every row of a CSV text (RFC 4180: quoted cells may hold separators, doubled quotes and line breaks). */
export function parseCsv(text: string): string[][];
/** Cell text without NUL, and with each lone surrogate as U+FFFD. */
export function cleanText(text: string): string;
