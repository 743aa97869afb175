package io.peerwatt.settlement.api;

import io.peerwatt.db.schema.tables.records.PaymentChannelRecord;
import io.peerwatt.db.schema.tables.records.SettlementPaymentRecord;
import io.peerwatt.http.ApiError;
import io.peerwatt.http.ApiRequests;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.ApiResponses;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.Caller;
import io.peerwatt.http.Role;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.statement.StatementJson;
import io.peerwatt.settlement.SettlementViews;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Settlement as users read it: their statements (newest version per slot), the payments made for
 * them and their payment channels. A prosumer sees its own; a utility its zone's statements and
 * payments; an operator everything.
 */
public final class SettlementRoutes implements ApiResource {
  private static final HexFormat HEX = HexFormat.of();
  private static final int MAX_ROWS = 500;
  private final SettlementViews views;
  private final Blocking blocking;

  public SettlementRoutes(SettlementViews views, Blocking blocking) {
    this.views = views;
    this.blocking = blocking;
  }

  @Override
  public void addTo(Router router) {
    router.get("/statements").handler(this::statements);
    router.get("/payments").handler(this::payments);
    router.get("/channels").handler(this::channels);
  }

  private static Instant time(Object value, String field, Instant fallback) {
    if (value == null) {
      return fallback;
    }
    try {
      return Instant.parse(value.toString());
    } catch (RuntimeException e) {
      throw ApiError.badRequest("BAD_TIME", field + " must be an ISO-8601 UTC instant", field);
    }
  }

  private void statements(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    Instant from =
        time(ApiRequests.query(ctx, "from"), "from", Instant.now().minus(Duration.ofDays(2)));
    Instant to = time(ApiRequests.query(ctx, "to"), "to", Instant.now().plus(Duration.ofDays(1)));
    ApiResponses.respond(
        ctx,
        200,
        blocking.run(
            () -> {
              JsonArray items = new JsonArray();
              for (SettlementViews.SettledStatement s :
                  views.statements(caller, from, to, MAX_ROWS)) {
                items.add(
                    new JsonObject(Json.write(StatementJson.toMap(s.statement())))
                        .put("settledAt", s.settledAt().toString()));
              }
              return new JsonObject().put("statements", items);
            }));
  }

  private void payments(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    ApiResponses.respond(
        ctx,
        200,
        blocking.run(
            () -> {
              JsonArray items = new JsonArray();
              for (SettlementPaymentRecord r : views.payments(caller, MAX_ROWS)) {
                items.add(
                    new JsonObject()
                        .put("id", r.getId())
                        .put("accountId", r.getAccountId())
                        .put("zone", r.getZoneCode())
                        .put("slotStart", r.getSlotStart().toString())
                        .put("statementVersion", r.getStatementVersion())
                        .put("statementHash", HEX.formatHex(r.getStatementHash()))
                        .put("amountSat", r.getAmountSat())
                        .put("status", r.getStatus())
                        .put("refusalCode", r.getRefusalCode())
                        .put("refusalDetail", r.getRefusalDetail())
                        .put("channelId", r.getChannelId())
                        .put("updatedAt", r.getUpdatedAt().toString()));
              }
              return new JsonObject().put("payments", items);
            }));
  }

  private void channels(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    if (caller.role() == Role.UTILITY) {
      throw ApiError.forbidden("payment channels are visible to their prosumer and to operators");
    }
    ApiResponses.respond(
        ctx,
        200,
        blocking.run(
            () -> {
              JsonArray items = new JsonArray();
              for (SettlementViews.HubChannel channel : views.channels(caller, MAX_ROWS)) {
                PaymentChannelRecord r = channel.row();
                items.add(
                    new JsonObject()
                        .put("channelId", r.getChannelId())
                        .put("direction", r.getDirection())
                        .put("counterparty", r.getCounterparty())
                        .put("capacitySats", r.getCapacitySats())
                        .put("paidSats", r.getPayeeAmountSats())
                        .put("feeSats", r.getFeeSats())
                        .put("expiryLockTime", r.getExpiryLockTime())
                        .put("state", r.getState())
                        .put("prosumerSide", channel.gatewaySide() ? "gateway" : "custodial")
                        .put("updates", r.getSequence())
                        .put("fundingTxid", Transaction.txidToHex(r.getFundingTxid()))
                        .put(
                            "closingTxid",
                            r.getClosingTxid() == null
                                ? null
                                : Transaction.txidToHex(r.getClosingTxid())));
              }
              return new JsonObject().put("channels", items);
            }));
  }
}
