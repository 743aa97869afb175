package io.peerwatt.settlement;

import io.peerwatt.protocol.statement.MeterSeries;
import io.peerwatt.settlement.allocation.SlotTerms;
import io.peerwatt.settlement.allocation.TradeFill;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** What settlement reads from the market and from metering. Blocking: call from worker threads. */
public interface SettlementInputs {

  /**
   * Every (zone, slot) with at least one trade whose slot ends in {@code [endFrom, endTo]}, in
   * order.
   */
  List<SlotKey> tradedSlots(Instant endFrom, Instant endTo);

  /** The zone's current terms for the slot (its currency, price unit and imbalance price). */
  SlotTerms terms(SlotKey key);

  /** The slot's trades. */
  List<TradeFill> trades(SlotKey key);

  /**
   * For each of {@code accountIds}, the readings of each of its meters in the slot's zone around
   * the slot's boundaries: at least the last reading at or before each boundary and the first at or
   * after it. Accounts without meters may be absent.
   */
  Map<Long, List<MeterSeries>> meters(SlotKey key, Collection<Long> accountIds);
}
