export {
  ComputeError,
  ComputeService,
  MAX_PENDING_REDEMPTIONS,
  REDEEM_ATTEMPTS_INLINE,
  REDEMPTIONS_LIST_MAX,
  type ComputeServiceOptions,
  type ComputeTransport,
} from './service.js';
export { unansweredRedemptionsIn, type UnansweredRedemption } from './stranded.js';
