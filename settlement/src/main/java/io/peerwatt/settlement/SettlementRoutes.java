package io.peerwatt.settlement;

import static io.peerwatt.db.schema.Tables.GATEWAY_WALLET;
import static io.peerwatt.db.schema.Tables.PAYMENT_CHANNEL;
import static io.peerwatt.db.schema.Tables.SETTLEMENT_PAYMENT;
import static io.peerwatt.db.schema.Tables.SETTLEMENT_STATEMENT;

import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.statement.StatementCodec;
import io.peerwatt.protocol.statement.StatementJson;
import io.peerwatt.trading.ApiContext;
import io.peerwatt.trading.ApiError;
import io.peerwatt.trading.ApiRoutes;
import io.peerwatt.trading.Caller;
import io.peerwatt.trading.Role;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import org.jooq.Condition;
import org.jooq.impl.DSL;

/**
 * Settlement as users read it: their statements (newest version per slot), the payments made for them
 * and their payment channels. A prosumer sees its own; a utility its zone's statements and payments;
 * an operator everything.
 */
public final class SettlementRoutes implements ApiRoutes {
  private static final HexFormat HEX = HexFormat.of();
  private static final int MAX_ROWS = 500;
  private ApiContext api;

  @Override
  public void addTo(Router router, ApiContext context) {
    this.api = context;
    router.get("/statements").handler(this::statements);
    router.get("/payments").handler(this::payments);
    router.get("/channels").handler(this::channels);
  }

  /** Which rows of an account-and-zone table the caller may read. */
  private static Condition visible(Caller caller, org.jooq.Field<Long> account, org.jooq.Field<String> zone) {
    return switch (caller.role()) {
      case OPERATOR -> DSL.trueCondition();
      case UTILITY -> zone.eq(caller.zoneCode());
      default -> account.eq(caller.accountId());
    };
  }

  private static OffsetDateTime time(Object value, String field, OffsetDateTime fallback) {
    if (value == null) {
      return fallback;
    }
    try {
      return Instant.parse(value.toString()).atOffset(ZoneOffset.UTC);
    } catch (RuntimeException e) {
      throw ApiError.badRequest("BAD_TIME", field + " must be an ISO-8601 UTC instant", field);
    }
  }

  private void statements(RoutingContext ctx) {
    Caller caller = ApiContext.caller(ctx);
    OffsetDateTime from = time(ApiContext.query(ctx, "from"), "from", OffsetDateTime.now(ZoneOffset.UTC).minusDays(2));
    OffsetDateTime to = time(ApiContext.query(ctx, "to"), "to", OffsetDateTime.now(ZoneOffset.UTC).plusDays(1));
    ApiContext.respond(ctx, 200, api.blocking(() -> {
      var s = SETTLEMENT_STATEMENT;
      var newest = DSL.select(s.ACCOUNT_ID, s.ZONE_CODE, s.SLOT_START, DSL.max(s.VERSION).as("v"))
          .from(s)
          .where(visible(caller, s.ACCOUNT_ID, s.ZONE_CODE).and(s.SLOT_START.ge(from)).and(s.SLOT_START.lt(to)))
          .groupBy(s.ACCOUNT_ID, s.ZONE_CODE, s.SLOT_START)
          .asTable("n");
      JsonArray items = new JsonArray();
      api.dsl().select(s.ENCODED, s.CREATED_AT)
          .from(s)
          .join(newest).on(s.ACCOUNT_ID.eq(newest.field(s.ACCOUNT_ID)).and(s.ZONE_CODE.eq(newest.field(s.ZONE_CODE)))
              .and(s.SLOT_START.eq(newest.field(s.SLOT_START))).and(s.VERSION.eq(newest.field("v", Integer.class))))
          .orderBy(s.SLOT_START.desc(), s.ACCOUNT_ID)
          .limit(MAX_ROWS)
          .forEach(r -> items.add(new JsonObject(Json.write(StatementJson.toMap(StatementCodec.decode(r.value1()))))
              .put("settledAt", r.value2().toInstant().toString())));
      return new JsonObject().put("statements", items);
    }));
  }

  private void payments(RoutingContext ctx) {
    Caller caller = ApiContext.caller(ctx);
    ApiContext.respond(ctx, 200, api.blocking(() -> {
      var p = SETTLEMENT_PAYMENT;
      JsonArray items = new JsonArray();
      api.dsl().selectFrom(p)
          .where(visible(caller, p.ACCOUNT_ID, p.ZONE_CODE))
          .orderBy(p.SLOT_START.desc(), p.ID.desc())
          .limit(MAX_ROWS)
          .forEach(r -> items.add(new JsonObject()
              .put("id", r.getId())
              .put("accountId", r.getAccountId())
              .put("zone", r.getZoneCode())
              .put("slotStart", r.getSlotStart().toInstant().toString())
              .put("statementVersion", r.getStatementVersion())
              .put("statementHash", HEX.formatHex(r.getStatementHash()))
              .put("amountSat", r.getAmountSat())
              .put("status", r.getStatus())
              .put("refusalCode", r.getRefusalCode())
              .put("refusalDetail", r.getRefusalDetail())
              .put("channelId", r.getChannelId())
              .put("updatedAt", r.getUpdatedAt().toInstant().toString())));
      return new JsonObject().put("payments", items);
    }));
  }

  private void channels(RoutingContext ctx) {
    Caller caller = ApiContext.caller(ctx);
    if (caller.role() == Role.UTILITY) {
      throw ApiError.forbidden("payment channels are visible to their prosumer and to operators");
    }
    ApiContext.respond(ctx, 200, api.blocking(() -> {
      var c = PAYMENT_CHANNEL;
      // the hub's own record of each channel (payer side for hub->seller, payee side for buyer->hub)
      Condition mine = caller.isOperator() ? DSL.trueCondition() : c.COUNTERPARTY.eq(Long.toString(caller.accountId()));
      JsonArray items = new JsonArray();
      // whose key is on the prosumer's side: its gateway's (machine to machine) or the custodial store's
      java.util.Map<String, byte[]> gatewayKeys = new java.util.HashMap<>();
      api.dsl().select(GATEWAY_WALLET.ACCOUNT_ID, GATEWAY_WALLET.CHANNEL_KEY).from(GATEWAY_WALLET)
          .forEach(w -> gatewayKeys.put(Long.toString(w.value1()), w.value2()));
      api.dsl().selectFrom(c)
          .where(mine.and(c.ROLE.eq(DSL.when(c.DIRECTION.eq("hub_to_seller"), "payer").otherwise("payee"))))
          .orderBy(c.CREATED_AT.desc())
          .limit(MAX_ROWS)
          .forEach(r -> items.add(new JsonObject()
              .put("channelId", r.getChannelId())
              .put("direction", r.getDirection())
              .put("counterparty", r.getCounterparty())
              .put("capacitySats", r.getCapacitySats())
              .put("paidSats", r.getPayeeAmountSats())
              .put("feeSats", r.getFeeSats())
              .put("expiryLockTime", r.getExpiryLockTime())
              .put("state", r.getState())
              .put("prosumerSide", java.util.Arrays.equals(gatewayKeys.get(r.getCounterparty()),
                  r.getDirection().equals("hub_to_seller") ? r.getPayeePubkey() : r.getPayerPubkey())
                  ? "gateway" : "custodial")
              .put("updates", r.getSequence())
              .put("fundingTxid", Transaction.txidToHex(r.getFundingTxid()))
              .put("closingTxid", r.getClosingTxid() == null ? null : Transaction.txidToHex(r.getClosingTxid()))));
      return new JsonObject().put("channels", items);
    }));
  }

}
