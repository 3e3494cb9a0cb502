// Chart of accounts. Ids are fixed forever (they are foreign keys in `postings`);
// a new account gets a new id in a migration, never a reused one.
//
// Sign convention: a posting amount is a signed scaled integer; positive = debit
// (asset up / expense up), negative = credit (equity/income side). Every journal
// entry sums to zero per commodity.
//
//   assets:exchange:usd     USD held on the exchange (platform balance usd.total)
//   assets:exchange:token   TOKEN held on the exchange (platform balance token.total)
//   assets:credits          compute CREDIT of the current period (platform credits.available)
//   equity:external         the world outside the exchange: deposits come from it,
//                           withdrawals go to it, subscription USD is paid from it
//   equity:subscription     source of a period's CREDIT (period_open)
//   equity:conversion       clearing account for mint (CREDIT→TOKEN) and redemption
//                           (TOKEN→CREDIT); each commodity balances on its own
//   equity:renewal_credit   CREDIT retired against the next renewal price
//   equity:trading          the market counterparty of fills (TOKEN and USD)
//   expenses:subscription   USD paid for periods (memo; paid outside the exchange)
//   expenses:usage          CREDIT consumed by usage
//   expenses:fees           USD trading and other fees
import type { Commodity } from './amounts.js';

export const ACCOUNTS = {
  'assets:exchange:usd': 1,
  'assets:exchange:token': 2,
  'assets:credits': 3,
  'equity:external': 10,
  'equity:subscription': 11,
  'equity:conversion': 12,
  'equity:renewal_credit': 13,
  'equity:trading': 14,
  'expenses:subscription': 20,
  'expenses:usage': 21,
  'expenses:fees': 22,
} as const;
export type AccountName = keyof typeof ACCOUNTS;

export const ACCOUNT_NAMES: ReadonlyMap<number, AccountName> = new Map(
  (Object.entries(ACCOUNTS) as [AccountName, number][]).map(([name, id]) => [id, name]),
);

/** Asset accounts the user owns: their balances may never go negative. */
export const OWN_ASSETS: ReadonlyArray<{ account: AccountName; commodity: Commodity }> = [
  { account: 'assets:exchange:usd', commodity: 'USD' },
  { account: 'assets:exchange:token', commodity: 'TOKEN' },
  { account: 'assets:credits', commodity: 'CREDIT' },
];

export function accountName(id: number): AccountName {
  const name = ACCOUNT_NAMES.get(id);
  if (!name) throw new Error(`unknown account id ${id}`);
  return name;
}
