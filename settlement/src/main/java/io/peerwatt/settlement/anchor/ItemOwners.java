package io.peerwatt.settlement.anchor;

import static io.peerwatt.db.schema.Tables.DATA_APPLICATION;
import static io.peerwatt.db.schema.Tables.DATA_GRANT;
import static io.peerwatt.db.schema.Tables.DATA_OFFER;
import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.FLEX_ACCEPTANCE;
import static io.peerwatt.db.schema.Tables.FLEX_REQUEST;
import static io.peerwatt.db.schema.Tables.METERING_POINT;
import static io.peerwatt.db.schema.Tables.TRADE;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jooq.DSLContext;

/**
 * Whose anchored items are: the accounts and zone a device or a trade belongs to, so a proof goes
 * only to them, a utility of the zone or an operator; and the certificates of one installation.
 * Blocking.
 */
public final class ItemOwners {
  private final DSLContext dsl;

  public ItemOwners(DSLContext dsl) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
  }

  /** The accounts an item belongs to, and its zone. */
  public record Owners(List<Long> accountIds, String zoneCode) {}

  /** The owner of the device's metering point, with the point's zone. */
  public Optional<Owners> ofDevice(long deviceId) {
    return dsl.select(METERING_POINT.ACCOUNT_ID, METERING_POINT.ZONE_CODE)
        .from(DEVICE)
        .join(METERING_POINT)
        .on(METERING_POINT.ID.eq(DEVICE.METERING_POINT_ID))
        .where(DEVICE.ID.eq(deviceId))
        .fetchOptional(r -> new Owners(List.of(r.value1()), r.value2()));
  }

  /** The household that made flexibility acceptance {@code acceptanceId}, with its zone. */
  public Optional<Owners> ofFlexibility(long acceptanceId) {
    return dsl.select(FLEX_ACCEPTANCE.ACCOUNT_ID, FLEX_REQUEST.ZONE_CODE)
        .from(FLEX_ACCEPTANCE)
        .join(FLEX_REQUEST)
        .on(FLEX_REQUEST.ID.eq(FLEX_ACCEPTANCE.REQUEST_ID))
        .where(FLEX_ACCEPTANCE.ID.eq(acceptanceId))
        .fetchOptional(r -> new Owners(List.of(r.value1()), r.value2()));
  }

  /** The buyer and seller of the trade, with its zone. */
  public Optional<Owners> ofTrade(long tradeId) {
    return dsl.select(TRADE.BUYER_ACCOUNT_ID, TRADE.SELLER_ACCOUNT_ID, TRADE.ZONE_CODE)
        .from(TRADE)
        .where(TRADE.ID.eq(tradeId))
        .fetchOptional(r -> new Owners(List.of(r.value1(), r.value2()), r.value3()));
  }

  /**
   * Serials of the certificates issued to the device and to the devices it superseded
   * (transitively), newest first.
   */
  /**
   * The accounts party to data grant {@code grantId}'s consent: its household and the third party
   * of its application; empty when there is no such grant.
   */
  public List<Long> consentParties(long grantId) {
    return dsl.select(DATA_GRANT.ACCOUNT_ID, DATA_APPLICATION.ACCOUNT_ID)
        .from(DATA_GRANT)
        .join(DATA_OFFER)
        .on(DATA_OFFER.ID.eq(DATA_GRANT.OFFER_ID))
        .join(DATA_APPLICATION)
        .on(DATA_APPLICATION.ID.eq(DATA_OFFER.APPLICATION_ID))
        .where(DATA_GRANT.ID.eq(grantId))
        .fetchOptional()
        .map(r -> List.of(r.value1(), r.value2()))
        .orElse(List.of());
  }

  public List<Long> certificateSerials(long deviceId) {
    List<Long> devices = new ArrayList<>(List.of(deviceId));
    for (int i = 0; i < devices.size(); i++) {
      for (long replaced :
          dsl.select(DEVICE.ID)
              .from(DEVICE)
              .where(DEVICE.SUPERSEDED_BY.eq(devices.get(i)))
              .fetch(DEVICE.ID)) {
        if (!devices.contains(replaced)) {
          devices.add(replaced);
        }
      }
    }
    return dsl.select(DEVICE.CERTIFICATE_SERIAL)
        .from(DEVICE)
        .where(DEVICE.ID.in(devices))
        .and(DEVICE.CERTIFICATE_SERIAL.isNotNull())
        .orderBy(DEVICE.CERTIFICATE_SERIAL.desc())
        .fetch(DEVICE.CERTIFICATE_SERIAL);
  }
}
