package io.peerwatt.cluster.settlement;

import io.peerwatt.protocol.DeliverySlot;
import java.util.Objects;

/**
 * What settlement announces on {@link SettlementEventLog#TOPIC}: a new statement version, or a
 * zone's slot settled. {@link #id()} is the event's outbox row id, stable across re-sends: a reader
 * drops an id it has seen.
 */
public sealed interface SettlementEvent {

  /** The outbox row's id: unique, and increasing in the order settlement wrote the events. */
  long id();

  /** The zone: the record key, so one zone's events stay in order in one partition. */
  String zoneCode();

  DeliverySlot slot();

  /**
   * A statement version settlement wrote.
   *
   * @param accountId whose statement
   * @param version its version (1 on first settlement, higher on re-settlement)
   * @param totalAmount its total in the zone's market unit
   * @param totalSat its total in satoshis
   * @param statementHashHex SHA-256 of its canonical encoding, lower-case hex
   */
  record StatementMade(
      long id,
      String zoneCode,
      DeliverySlot slot,
      long accountId,
      int version,
      long totalAmount,
      long totalSat,
      String statementHashHex)
      implements SettlementEvent {
    public StatementMade {
      Objects.requireNonNull(zoneCode, "zoneCode");
      Objects.requireNonNull(slot, "slot");
      Objects.requireNonNull(statementHashHex, "statementHashHex");
    }
  }

  /**
   * A zone's slot settled (or re-settled with late readings): its statements are committed, and the
   * slot is closed for anchoring. It follows the {@link StatementMade} events of the same
   * settlement.
   *
   * @param statements statement versions this settlement wrote (the {@link StatementMade} events
   *     before it)
   * @param payments payments it created
   * @param paymentSat their sum in satoshis (positive: the hub pays out)
   * @param resettled whether the slot had been settled before
   */
  record SlotClosed(
      long id,
      String zoneCode,
      DeliverySlot slot,
      int statements,
      int payments,
      long paymentSat,
      boolean resettled)
      implements SettlementEvent {
    public SlotClosed {
      Objects.requireNonNull(zoneCode, "zoneCode");
      Objects.requireNonNull(slot, "slot");
    }
  }
}
