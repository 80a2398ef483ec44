import type { PlaqueKind } from './plaque.model.js';

export const KIND_CODES: Readonly<Record<PlaqueKind, string>> = {
  regional_marketing: 'RM',
  image_sales_point: 'ISP',
  student_practice_base: 'SPB',
};

/** CQSEA-ISP-2025-007: kind code, award year, sequence of that kind and year (3+ digits). */
export const SERIAL_PATTERN = /^CQSEA-(RM|ISP|SPB)-(\d{4})-(\d{3,})$/;

export function formatSerial(kind: PlaqueKind, year: number, seq: number): string {
  return `CQSEA-${KIND_CODES[kind]}-${year}-${String(seq).padStart(3, '0')}`;
}

/** The counters.ts sequence a serial's number comes from: one per kind and year. */
export function serialSequenceKey(kind: PlaqueKind, year: number): string {
  return `plaque:${KIND_CODES[kind]}:${year}`;
}
