// Schedule D lines and the Capital Loss Carryover Worksheet (Schedule D instructions),
// all in exact cents; Schedule D lines are summed from cent amounts, never from rounded ones.
import { formatCents, parseCents } from './fixed.js';
import type { Box, BoxTotals, CarryoverWorksheet, FilingStatus, PriorYear, ScheduleD } from './types.js';

export interface CentTotals {
  proceeds: bigint;
  cost: bigint;
  adjustment: bigint;
  gain: bigint;
}

export function emptyTotals(): CentTotals {
  return { proceeds: 0n, cost: 0n, adjustment: 0n, gain: 0n };
}

function boxTotalsText(t: CentTotals): BoxTotals {
  return { proceeds: formatCents(t.proceeds), cost: formatCents(t.cost), adjustment: formatCents(t.adjustment), gain: formatCents(t.gain) };
}

/** Schedule D line fed by each 8949 box. */
export const BOX_LINE: Record<Box, 'line1b' | 'line2' | 'line3' | 'line8b' | 'line9' | 'line10'> = {
  A: 'line1b', G: 'line1b', B: 'line2', H: 'line2', C: 'line3', I: 'line3',
  D: 'line8b', J: 'line8b', E: 'line9', K: 'line9', F: 'line10', L: 'line10',
};

export function lossLimitCents(status: FilingStatus): bigint {
  return status === 'mfs' ? 150_000n : 300_000n;
}

export interface WorksheetInput {
  taxable_income: bigint;
  line7: bigint;
  line15: bigint;
  line21: bigint;
}

const max0 = (x: bigint): bigint => (x > 0n ? x : 0n);
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** The Capital Loss Carryover Worksheet, line by line. */
export function carryoverWorksheet(w: WorksheetInput): CarryoverWorksheet {
  const nulls = {
    line1: null, line2: null, line3: null, line4: null, line5: null, line6: null, line7: null,
    line8: null, line9: null, line10: null, line11: null, line12: null, line13: null,
  };
  const line16 = w.line7 + w.line15;
  if (w.line21 >= 0n) {
    return { applies: false, reason: 'prior-year line 21 is not a loss', lines: nulls, short_term_carryover: '0.00', long_term_carryover: '0.00' };
  }
  const lossSmallerThan16 = line16 < 0n && -w.line21 < -line16;
  if (!lossSmallerThan16 && w.taxable_income >= 0n) {
    return {
      applies: false,
      reason: 'the line 21 loss is not smaller than the line 16 loss and taxable income is not below zero: the whole loss was deducted',
      lines: nulls, short_term_carryover: '0.00', long_term_carryover: '0.00',
    };
  }
  const l1 = w.taxable_income;
  const l2 = -w.line21;
  const l3 = max0(l1 + l2);
  const l4 = min(l2, l3);
  const l5 = w.line7 < 0n ? -w.line7 : 0n;
  const lines: CarryoverWorksheet['lines'] = { ...nulls, line1: formatCents(l1), line2: formatCents(l2), line3: formatCents(l3), line4: formatCents(l4), line5: formatCents(l5) };
  let st = 0n;
  if (w.line7 < 0n) {
    const l6 = max0(w.line15);
    const l7 = l4 + l6;
    st = max0(l5 - l7);
    lines.line6 = formatCents(l6);
    lines.line7 = formatCents(l7);
    lines.line8 = formatCents(st);
  }
  let lt = 0n;
  if (w.line15 < 0n) {
    const l9 = -w.line15;
    const l10 = max0(w.line7);
    const l11 = max0(l4 - l5);
    const l12 = l10 + l11;
    lt = max0(l9 - l12);
    lines.line9 = formatCents(l9);
    lines.line10 = formatCents(l10);
    lines.line11 = formatCents(l11);
    lines.line12 = formatCents(l12);
    lines.line13 = formatCents(lt);
  }
  return { applies: true, reason: 'prior-year line 21 is a loss that did not use up the whole capital loss', lines, short_term_carryover: formatCents(st), long_term_carryover: formatCents(lt) };
}

export function priorYearCents(p: PriorYear): WorksheetInput {
  const f = (name: keyof PriorYear): bigint => {
    try {
      return parseCents(p[name]);
    } catch {
      throw new RangeError(`prior year ${name}: at most two decimals (${p[name]})`);
    }
  };
  return { taxable_income: f('taxable_income'), line7: f('line7'), line15: f('line15'), line21: f('line21') };
}

export function computeScheduleD(
  byLine: Record<string, CentTotals>,
  status: FilingStatus,
  prior: WorksheetInput | null,
  thisYearTaxableIncome: bigint | null,
): ScheduleD {
  const get = (k: string): CentTotals => byLine[k] ?? emptyTotals();
  const ws = prior ? carryoverWorksheet(prior) : {
    applies: false, reason: 'no prior-year figures given', short_term_carryover: '0.00', long_term_carryover: '0.00',
    lines: carryoverWorksheet({ taxable_income: 0n, line7: 0n, line15: 0n, line21: 0n }).lines,
  };
  const line6 = -parseCents(ws.short_term_carryover);
  const line14 = -parseCents(ws.long_term_carryover);
  const line7 = get('line1b').gain + get('line2').gain + get('line3').gain + line6;
  const line15 = get('line8b').gain + get('line9').gain + get('line10').gain + line14;
  const line16 = line7 + line15;
  const limit = lossLimitCents(status);
  const line21 = line16 < 0n ? (-line16 < limit ? line16 : -limit) : 0n;
  const next = carryoverWorksheet({ taxable_income: thisYearTaxableIncome ?? 0n, line7, line15, line21 });
  return {
    line1b: boxTotalsText(get('line1b')), line2: boxTotalsText(get('line2')), line3: boxTotalsText(get('line3')),
    line8b: boxTotalsText(get('line8b')), line9: boxTotalsText(get('line9')), line10: boxTotalsText(get('line10')),
    line6: formatCents(line6), line7: formatCents(line7), line14: formatCents(line14), line15: formatCents(line15),
    line16: formatCents(line16), line21: formatCents(line21),
    worksheet: ws,
    next_year_worksheet: next,
    carryover_short_term: next.short_term_carryover,
    carryover_long_term: next.long_term_carryover,
    carryover_assumption: thisYearTaxableIncome === null
      ? 'this year\'s taxable income was not given: assumed zero or more (the whole line 21 allowance reduces taxable income); if it is negative, rerun with it'
      : `this year's taxable income (before the zero floor) given as ${formatCents(thisYearTaxableIncome)}`,
  };
}
