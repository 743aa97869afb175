/**
 * Market benchmarks: continuous matching side by side with exchange-core's order book on one
 * generated command stream, and the 10,000 x 10,000 call auction.
 */
package io.peerwatt.benchmarks.trading;
