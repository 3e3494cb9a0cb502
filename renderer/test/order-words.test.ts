// Order end reasons reach the user in words: the platform's codes are translated, the wallet's
// own sentences pass through, an unknown code is at least readable.
import { describe, expect, it } from 'vitest';
import { reasonText } from '../src/components/trade/order-words';

describe('reasonText', () => {
  it.each([
    ['canceled_by_user', 'on request'],
    ['good_till_date_expired', 'its good-till time passed'],
    ['self_trade_prevention', 'it would have traded with an order of this account'],
    ['some_future_code', 'some future code'],
    ['expired before it could be sent', 'expired before it could be sent'],
    ['insufficient_funds: order needs 3 USD', 'insufficient_funds: order needs 3 USD'],
  ])('%s → %s', (reason, words) => {
    expect(reasonText(reason)).toBe(words);
  });
});
