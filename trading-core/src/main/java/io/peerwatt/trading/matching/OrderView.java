package io.peerwatt.trading.matching;

import java.util.List;
import java.util.OptionalLong;

/**
 * An open order as the book holds it.
 *
 * @param orderId the order
 * @param accountId its owner
 * @param side buy or sell
 * @param orderType LIMIT, IOC or AON
 * @param limitPricePerKwh current limit price in the zone's unit
 * @param openWh quantity still open, Wh
 * @param filledWh quantity traded so far, Wh
 * @param green green label (SELL) or green preference (BUY)
 * @param preferredPartners preferred counterparty accounts
 * @param ruleId the standing rule that placed it, if any
 */
public record OrderView(
    long orderId,
    long accountId,
    Side side,
    OrderType orderType,
    long limitPricePerKwh,
    long openWh,
    long filledWh,
    boolean green,
    List<Long> preferredPartners,
    OptionalLong ruleId) {}
