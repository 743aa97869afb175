package io.peerwatt.settlement.api;

import io.peerwatt.db.schema.tables.records.PaymentChannelRecord;
import io.peerwatt.db.schema.tables.records.SettlementPaymentRecord;
import io.peerwatt.http.ApiError;
import io.peerwatt.http.ApiRequests;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.Caller;
import io.peerwatt.http.Handlers;
import io.peerwatt.http.Role;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementJson;
import io.peerwatt.settlement.SettlementViews;
import io.peerwatt.settlement.StatementCsv;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Settlement as users read it: their statements (newest version per slot), the payments made for
 * them and their payment channels. A prosumer sees its own; a utility its zone's statements and
 * payments; an operator everything.
 */
public final class SettlementRoutes implements ApiResource {
  private static final HexFormat HEX = HexFormat.of();
  private static final int MAX_ROWS = 500;

  /** Statements one JSON answer may hold: a month of quarter-hours, with room to spare. */
  private static final int MAX_STATEMENTS = 5_000;

  /** Statements one CSV may hold: a year of quarter-hours for one household. */
  private static final int MAX_CSV_STATEMENTS = 40_000;

  private final SettlementViews views;
  private final Blocking blocking;
  private final Handlers handlers;
  private final Clock clock;

  /**
   * @param clock the platform's time: the default period of {@code /statements} is around it
   */
  public SettlementRoutes(SettlementViews views, Blocking blocking, Clock clock) {
    this.views = views;
    this.blocking = blocking;
    this.handlers = new Handlers(blocking);
    this.clock = clock;
  }

  @Override
  public void addTo(Router router) {
    router.get("/statements").handler(this::statements);
    router.get("/payments").handler(handlers.ok(this::payments));
    router.get("/channels").handler(handlers.ok(this::channels));
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
    Instant now = clock.instant();
    Instant from = time(ApiRequests.query(ctx, "from"), "from", now.minus(Duration.ofDays(2)));
    Instant to = time(ApiRequests.query(ctx, "to"), "to", now.plus(Duration.ofDays(1)));
    if ("csv".equals(ApiRequests.query(ctx, "format"))) {
      blocking
          .run(
              () -> {
                List<Statement> rows = new ArrayList<>();
                for (SettlementViews.SettledStatement s :
                    views.statements(caller, from, to, MAX_CSV_STATEMENTS)) {
                  rows.add(s.statement());
                }
                // oldest first, as a spreadsheet is read
                Collections.reverse(rows);
                return StatementCsv.write(rows);
              })
          .onSuccess(
              csv -> ctx.response().putHeader("content-type", "text/csv; charset=utf-8").end(csv))
          .onFailure(ctx::fail);
      return;
    }
    Object limitParam = ApiRequests.query(ctx, "limit");
    int limit = limitParam == null ? MAX_ROWS : ((Number) limitParam).intValue();
    if (limit < 1 || limit > MAX_STATEMENTS) {
      throw ApiError.badRequest("BAD_LIMIT", "limit must be 1.." + MAX_STATEMENTS, "limit");
    }
    blocking.respond(
        ctx,
        200,
        () -> {
          JsonArray items = new JsonArray();
          List<SettlementViews.SettledStatement> found = views.statements(caller, from, to, limit);
          // whether each is anchored yet: its proof verifies once the anchor is mined
          Map<String, JsonObject> anchors =
              views.anchors(
                  found.stream().map(SettlementViews.SettledStatement::statement).toList());
          for (SettlementViews.SettledStatement s : found) {
            items.add(
                new JsonObject(Json.write(StatementJson.toMap(s.statement())))
                    .put("settledAt", s.settledAt().toString())
                    .put("anchor", anchors.get(SettlementViews.ref(s.statement()))));
          }
          return new JsonObject().put("statements", items);
        });
  }

  private Callable<JsonObject> payments(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    return () -> {
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
    };
  }

  private Callable<JsonObject> channels(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    if (caller.role() == Role.UTILITY) {
      throw ApiError.forbidden("payment channels are visible to their prosumer and to operators");
    }
    return () -> {
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
                    r.getClosingTxid() == null ? null : Transaction.txidToHex(r.getClosingTxid())));
      }
      return new JsonObject().put("channels", items);
    };
  }
}
