package io.peerwatt.settlement;

import io.peerwatt.protocol.statement.MeteredEnergy;
import io.peerwatt.settlement.allocation.AllocatedLine;
import io.peerwatt.settlement.allocation.SlotTerms;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Money another service books on a zone's slot statements besides the energy trades: flexibility a
 * home delivered in the slot, days of meter data a third party received. {@link SettlementService}
 * settles every slot where trades or service lines exist and puts each account's service lines on
 * its statement of that slot, so they are versioned, paid over the same channels, anchored and
 * proven like the energy lines.
 *
 * <p>Lines must be a function of what is stored: reading the same slot twice gives the same lines,
 * so a re-settlement (late readings) changes them only when their inputs changed. A slot is
 * re-settled only while one of its statements misses data; a service that books lines after a
 * slot's first settlement books them on a slot not yet settled.
 */
public interface ServiceLines {

  /**
   * Every (zone, slot) whose slot ends in {@code [endFrom, endTo]} where this service books lines.
   */
  List<SlotKey> slots(Instant endFrom, Instant endTo);

  /**
   * The lines this service books on the slot's statements, per account: amounts in the zone's
   * market unit, from the account's side (positive: it receives).
   *
   * @param terms the slot's terms (frozen at its first settlement)
   * @param metered an account's energy in the slot by the settlement's metering rules
   */
  Map<Long, List<AllocatedLine>> lines(
      SlotKey key, SlotTerms terms, LongFunction<MeteredEnergy> metered);
}
