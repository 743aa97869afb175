package io.peerwatt.settlement;

import static io.peerwatt.db.schema.Tables.GATEWAY_WALLET;
import static io.peerwatt.db.schema.Tables.PAYMENT_CHANNEL;
import static io.peerwatt.db.schema.Tables.SETTLEMENT_PAYMENT;
import static io.peerwatt.db.schema.Tables.SETTLEMENT_STATEMENT;

import io.peerwatt.db.AnchoredItems;
import io.peerwatt.db.schema.tables.records.PaymentChannelRecord;
import io.peerwatt.db.schema.tables.records.SettlementPaymentRecord;
import io.peerwatt.http.Caller;
import io.peerwatt.protocol.anchor.AnchorItemKind;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementCodec;
import io.peerwatt.settlement.anchor.ItemRef;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * Settlement as its readers see it: statements (newest version per slot), payments and the hub's
 * payment channels, each limited to what a caller may read: a prosumer its own, a utility its
 * zone's statements and payments, an operator everything. Blocking.
 */
public final class SettlementViews {
  private final DSLContext dsl;

  public SettlementViews(DSLContext dsl) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
  }

  /** A statement as settled: its newest version, and when that version was written. */
  public record SettledStatement(Statement statement, Instant settledAt) {}

  /**
   * A payment channel as the hub records it.
   *
   * @param gatewaySide whether the prosumer's side is its gateway's key (machine to machine), not
   *     the custodial store's
   */
  public record HubChannel(PaymentChannelRecord row, boolean gatewaySide) {}

  /**
   * The newest version of each statement of slots starting in {@code [from, to)}, newest slot
   * first.
   */
  public List<SettledStatement> statements(Caller caller, Instant from, Instant to, int limit) {
    var s = SETTLEMENT_STATEMENT;
    return newest(visible(caller, s.ACCOUNT_ID, s.ZONE_CODE), from, to, limit);
  }

  /**
   * The newest version of each statement of {@code zone} (only {@code accountId}'s when not null)
   * for slots starting in {@code [from, to)}, newest slot first.
   */
  public List<SettledStatement> statements(String zone, Long accountId, Instant from, Instant to) {
    var s = SETTLEMENT_STATEMENT;
    Condition which = s.ZONE_CODE.eq(zone);
    if (accountId != null) {
      which = which.and(s.ACCOUNT_ID.eq(accountId));
    }
    return newest(which, from, to, Integer.MAX_VALUE);
  }

  private List<SettledStatement> newest(Condition which, Instant from, Instant to, int limit) {
    var s = SETTLEMENT_STATEMENT;
    var newest =
        DSL.select(s.ACCOUNT_ID, s.ZONE_CODE, s.SLOT_START, DSL.max(s.VERSION).as("v"))
            .from(s)
            .where(which.and(s.SLOT_START.ge(from)).and(s.SLOT_START.lt(to)))
            .groupBy(s.ACCOUNT_ID, s.ZONE_CODE, s.SLOT_START)
            .asTable("n");
    return dsl.select(s.ENCODED, s.CREATED_AT)
        .from(s)
        .join(newest)
        .on(
            s.ACCOUNT_ID
                .eq(newest.field(s.ACCOUNT_ID))
                .and(s.ZONE_CODE.eq(newest.field(s.ZONE_CODE)))
                .and(s.SLOT_START.eq(newest.field(s.SLOT_START)))
                .and(s.VERSION.eq(newest.field("v", Integer.class))))
        .orderBy(s.SLOT_START.desc(), s.ACCOUNT_ID)
        .limit(limit)
        .fetch(r -> new SettledStatement(StatementCodec.decode(r.value1()), r.value2()));
  }

  /** A statement as anchors name it ({@code ItemRef.statement}). */
  public static String ref(Statement s) {
    return ItemRef.statement(
        s.accountId(), s.zoneCode(), s.slot().start().getEpochSecond(), s.version());
  }

  /**
   * For each anchored one of {@code statements}, by {@link #ref}: {@code {"txid", "blockHeight",
   * "state": "mined" | "pending"}} (its proof verifies once mined); not anchored ones are absent.
   */
  public Map<String, JsonObject> anchors(List<Statement> statements) {
    Map<String, JsonObject> out = new HashMap<>();
    AnchoredItems.of(
            dsl,
            (short) AnchorItemKind.STATEMENT.code(),
            statements.stream().map(SettlementViews::ref).toList())
        .forEach((ref, a) -> out.put(ref, new JsonObject(a.fields())));
    return out;
  }

  /** Payments, newest slot first. */
  public List<SettlementPaymentRecord> payments(Caller caller, int limit) {
    var p = SETTLEMENT_PAYMENT;
    return dsl.selectFrom(p)
        .where(visible(caller, p.ACCOUNT_ID, p.ZONE_CODE))
        .orderBy(p.SLOT_START.desc(), p.ID.desc())
        .limit(limit)
        .fetch();
  }

  /**
   * The hub's own record of each channel the caller may see (payer side for hub -> seller, payee
   * side for buyer -> hub), newest first: its prosumer's or, for an operator, every one.
   */
  public List<HubChannel> channels(Caller caller, int limit) {
    var c = PAYMENT_CHANNEL;
    Condition mine =
        caller.isOperator()
            ? DSL.trueCondition()
            : c.COUNTERPARTY.eq(Long.toString(caller.accountId()));
    // whose key is on the prosumer's side: its gateway's (machine to machine) or the custodial
    // store's
    Map<String, byte[]> gatewayKeys = new HashMap<>();
    dsl.select(GATEWAY_WALLET.ACCOUNT_ID, GATEWAY_WALLET.CHANNEL_KEY)
        .from(GATEWAY_WALLET)
        .forEach(w -> gatewayKeys.put(Long.toString(w.value1()), w.value2()));
    return dsl.selectFrom(c)
        .where(
            mine.and(
                c.ROLE.eq(DSL.when(c.DIRECTION.eq("hub_to_seller"), "payer").otherwise("payee"))))
        .orderBy(c.CREATED_AT.desc())
        .limit(limit)
        .fetch(
            r ->
                new HubChannel(
                    r,
                    Arrays.equals(
                        gatewayKeys.get(r.getCounterparty()),
                        r.getDirection().equals("hub_to_seller")
                            ? r.getPayeePubkey()
                            : r.getPayerPubkey())));
  }

  /** Which rows of an account-and-zone table the caller may read. */
  private static Condition visible(Caller caller, Field<Long> account, Field<String> zone) {
    return switch (caller.role()) {
      case OPERATOR -> DSL.trueCondition();
      case UTILITY -> zone.eq(caller.zoneCode());
      default -> account.eq(caller.accountId());
    };
  }
}
