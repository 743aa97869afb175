package io.peerwatt.trading.market;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.trading.matching.PreferenceTier;
import java.time.Instant;

/**
 * One row of {@code trade}: a fill between a buy and a sell order, as settlement reads it.
 *
 * @param pricePerKwh energy price the seller receives, in {@code priceUnit} per kWh
 * @param gridFeePerKwh grid fee the buyer pays on top, same unit
 */
public record TradeView(
    long id,
    String zoneCode,
    DeliverySlot slot,
    long buyOrderId,
    long buyerAccountId,
    long sellOrderId,
    long sellerAccountId,
    long quantityWh,
    long pricePerKwh,
    long gridFeePerKwh,
    String priceUnit,
    String currency,
    PreferenceTier tier,
    Instant tradedAt) {}
