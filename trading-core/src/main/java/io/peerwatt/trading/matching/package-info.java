/**
 * The matching engine: one deterministic order book per instrument (zone, delivery slot), fed by
 * commands ({@link io.peerwatt.trading.matching.OrderCommand}) and answering with results and
 * trades ({@link io.peerwatt.trading.matching.CommandResult}). No I/O, no clock, no floating point.
 *
 * <h2>Market rules</h2>
 *
 * <ul>
 *   <li><b>Prices and the grid fee.</b> A trade's price is the energy price the seller receives.
 *       The buyer pays that price plus the zone's grid fee (passed on to the grid operator), so a
 *       buy order's limit is the buyer's all-in price: a bid {@code b} can trade with an offer
 *       {@code o} only if {@code b >= o + fee}, and a trade at price {@code p} respects the bid
 *       when {@code p + fee <= b} and the offer when {@code p >= o}.
 *   <li><b>Call auction</b> (at gate closure): bids sorted by {@code b - fee} descending, offers by
 *       price ascending (merit order), ties by order id; the traded volume is the largest volume at
 *       which demand and supply cross (this also maximises welfare). One uniform price: the
 *       midpoint of the marginal (lowest accepted) bid minus fee and the marginal (highest
 *       accepted) offer, rounded towards negative infinity ({@code floorDiv(bidMinusFee + offer,
 *       2)}). Orders strictly inside the margin fill completely; orders at the marginal price level
 *       of the rationed side share the rest pro rata to their quantities, largest remainder first,
 *       ties by lower order id. All-or-none orders that would fill partly are removed one at a time
 *       (largest quantity first, then higher order id) and the auction recomputed. Buyers are then
 *       paired with sellers in tiers: preferred partners first, then green-labelled energy to
 *       buyers asking for it, then the rest, each tier in merit order. Pairing decides
 *       counterparties only: volumes and price do not depend on it. Arrival order never matters.
 *   <li><b>Continuous</b>: price-time priority; a trade takes the resting order's price (a resting
 *       offer's price, or a resting bid's limit minus the fee); IOC remainders are cancelled; an
 *       all-or-none order fills completely on entry or is cancelled whole and never rests.
 *   <li><b>Self-trade prevention</b>: an order (new or amended) that could trade with a resting
 *       order of the same account is rejected with {@link
 *       io.peerwatt.trading.matching.ResultCode#SELF_TRADE}; the resting order stays. Because no
 *       account ever has crossing orders on both sides, neither mode can pair an account with
 *       itself.
 *   <li><b>Amend</b>: reducing the quantity at the same price keeps time priority; any price change
 *       or quantity increase re-enters the order at the back of its new price level.
 *   <li><b>Gate closure</b>: the {@link io.peerwatt.trading.matching.CloseGate} command clears an
 *       auction book (or ends a continuous one) and cancels every remaining order; the book then
 *       rejects everything with {@link io.peerwatt.trading.matching.ResultCode#BOOK_CLOSED}.
 * </ul>
 */
package io.peerwatt.trading.matching;
