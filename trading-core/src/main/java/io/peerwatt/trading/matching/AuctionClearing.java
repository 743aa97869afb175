package io.peerwatt.trading.matching;

import java.math.BigInteger;

/**
 * The outcome of a call auction.
 *
 * @param volumeWh total energy traded, Wh (0 when bids and offers did not cross)
 * @param pricePerKwh the uniform price in the zone's unit (meaningless, and 0, when volume is 0)
 * @param welfareMilliUnits total surplus: the sum over filled bids of {@code filledWh * (limit -
 *     fee)} minus the sum over filled offers of {@code filledWh * limit}, in Wh x (price unit per
 *     kWh), i.e. thousandths of the price unit (a {@link BigInteger} because large books can exceed
 *     a long)
 */
public record AuctionClearing(long volumeWh, long pricePerKwh, BigInteger welfareMilliUnits) {}
