// Market data service (plain Node): the pushed ticker, recent trades and order book over the
// platform's public WebSocket, and candles paged backwards with a local cache. See feed.ts.
export { MarketFeed, RECENT_TRADES_MAX, type BookUpdate, type CandleCache, type MarketFeedOptions, type MarketFeedStats, type MarketRest, type MarketSinks, type MarketStream } from './feed.js';
export { LocalBook, BOOK_LEVELS_MAX, type ApplyResult } from './book.js';
