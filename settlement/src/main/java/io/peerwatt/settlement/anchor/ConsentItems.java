package io.peerwatt.settlement.anchor;

import static io.peerwatt.db.schema.Tables.ACCOUNT;
import static io.peerwatt.db.schema.Tables.DATA_GRANT;
import static io.peerwatt.db.schema.Tables.DATA_OFFER;

import io.peerwatt.protocol.anchor.AnchorItemKind;
import io.peerwatt.protocol.encoding.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record;

/**
 * A household's data-sharing consents as anchor items ({@link AnchorItemKind#CONSENT}): a grant
 * made ({@code granted}) and a grant revoked ({@code revoked}), each anchored with its zone's slot,
 * so the household or an auditor can prove what was consented to and when. The item bytes are
 * canonical JSON (keys in a fixed order) of the grant as consented: household, offer, application,
 * scope, period, price, expiry and the time of the event.
 */
final class ConsentItems {
  static final String GRANTED = "granted";
  static final String REVOKED = "revoked";

  private ConsentItems() {}

  /** The consents of {@code zoneCode}'s households made or revoked in [start, end). */
  static List<AnchorItem> of(DSLContext db, String zoneCode, Instant start, Instant end) {
    List<AnchorItem> items = new ArrayList<>();
    db.select()
        .from(DATA_GRANT)
        .join(DATA_OFFER)
        .on(DATA_OFFER.ID.eq(DATA_GRANT.OFFER_ID))
        .join(ACCOUNT)
        .on(ACCOUNT.ID.eq(DATA_GRANT.ACCOUNT_ID))
        .where(ACCOUNT.ZONE_CODE.eq(zoneCode))
        .and(
            DATA_GRANT
                .CREATED_AT
                .ge(start)
                .and(DATA_GRANT.CREATED_AT.lt(end))
                .or(DATA_GRANT.REVOKED_AT.ge(start).and(DATA_GRANT.REVOKED_AT.lt(end))))
        .orderBy(DATA_GRANT.ID)
        .forEach(
            r -> {
              Instant created = r.get(DATA_GRANT.CREATED_AT);
              Instant revoked = r.get(DATA_GRANT.REVOKED_AT);
              if (!created.isBefore(start) && created.isBefore(end)) {
                items.add(item(r, GRANTED));
              }
              if (revoked != null && !revoked.isBefore(start) && revoked.isBefore(end)) {
                items.add(item(r, REVOKED));
              }
            });
    return items;
  }

  /** The bytes of consent {@code ref} ({@code grantId/granted} or {@code grantId/revoked}). */
  static Optional<byte[]> bytes(DSLContext db, String ref) {
    String[] p = ref.split("/");
    if (p.length != 2 || !(p[1].equals(GRANTED) || p[1].equals(REVOKED))) {
      return Optional.empty();
    }
    return db.select()
        .from(DATA_GRANT)
        .join(DATA_OFFER)
        .on(DATA_OFFER.ID.eq(DATA_GRANT.OFFER_ID))
        .where(DATA_GRANT.ID.eq(Long.parseLong(p[0])))
        .fetchOptional()
        .filter(r -> p[1].equals(GRANTED) || r.get(DATA_GRANT.REVOKED_AT) != null)
        .map(r -> encode(r, p[1]));
  }

  private static AnchorItem item(Record r, String event) {
    return new AnchorItem(
        AnchorItemKind.CONSENT, ItemRef.consent(r.get(DATA_GRANT.ID), event), encode(r, event));
  }

  private static byte[] encode(Record r, String event) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("event", event);
    m.put("grantId", r.get(DATA_GRANT.ID));
    m.put("householdAccountId", r.get(DATA_GRANT.ACCOUNT_ID));
    m.put("offerId", r.get(DATA_GRANT.OFFER_ID));
    m.put("applicationId", r.get(DATA_OFFER.APPLICATION_ID));
    m.put("resolution", r.get(DATA_GRANT.RESOLUTION));
    m.put("importData", r.get(DATA_GRANT.IMPORT_DATA));
    m.put("exportData", r.get(DATA_GRANT.EXPORT_DATA));
    m.put("statements", r.get(DATA_GRANT.STATEMENTS));
    m.put("periodFrom", r.get(DATA_GRANT.PERIOD_FROM).toString());
    m.put("periodTo", r.get(DATA_GRANT.PERIOD_TO).toString());
    m.put("priceMilliCtPerHomeDay", r.get(DATA_GRANT.PRICE_MILLI_CT_PER_HOME_DAY));
    m.put("expiresAt", r.get(DATA_GRANT.EXPIRES_AT).toString());
    m.put(
        "at",
        (event.equals(GRANTED) ? r.get(DATA_GRANT.CREATED_AT) : r.get(DATA_GRANT.REVOKED_AT))
            .toString());
    return Json.write(m).getBytes(StandardCharsets.UTF_8);
  }
}
