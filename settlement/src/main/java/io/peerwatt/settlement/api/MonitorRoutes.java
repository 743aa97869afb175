package io.peerwatt.settlement.api;

import static io.peerwatt.db.schema.Tables.ANCHOR;

import io.peerwatt.http.ApiRequests;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.Role;
import io.peerwatt.settlement.chain.ChainBackend;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.chain.ChainUnavailableException;
import io.peerwatt.settlement.runtime.PassRecord;
import io.peerwatt.settlement.runtime.Settlement;
import io.peerwatt.settlement.runtime.SettlementScheduler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import org.jooq.DSLContext;

/**
 * {@code GET /api/v1/monitor} (operators): what settlement is doing, for the operator's console:
 * the chain and its height, the hub wallet, the last settlement passes with what each did and why
 * one failed, the anchors (pending until mined, mined, and those that failed in the kept passes)
 * and the last errors.
 */
public final class MonitorRoutes implements ApiResource {
  private static final int RECENT_ANCHORS = 12;

  private final Settlement settlement;
  private final SettlementScheduler scheduler;
  private final DSLContext dsl;
  private final Blocking blocking;
  private final Clock clock;

  public MonitorRoutes(
      Settlement settlement,
      SettlementScheduler scheduler,
      DSLContext dsl,
      Blocking blocking,
      Clock clock) {
    this.settlement = settlement;
    this.scheduler = scheduler;
    this.dsl = dsl;
    this.blocking = blocking;
    this.clock = clock;
  }

  @Override
  public void addTo(Router router) {
    router.get("/monitor").handler(this::monitor);
  }

  private void monitor(RoutingContext ctx) {
    ApiRequests.caller(ctx).require(Role.OPERATOR);
    blocking.respond(ctx, 200, this::status);
  }

  private JsonObject status() {
    JsonArray passes = new JsonArray();
    JsonArray errors = new JsonArray();
    int failedAnchors = 0;
    for (PassRecord p : scheduler.recentPasses()) {
      JsonArray failures = new JsonArray();
      p.anchorFailures().forEach(failures::add);
      failedAnchors += p.anchorFailures().size();
      passes.add(
          new JsonObject()
              .put("startedAt", p.startedAt().toString())
              .put("millis", p.millis())
              .put("ok", p.error() == null)
              .put("statements", p.statements())
              .put("payments", p.payments())
              .put("anchored", p.anchored())
              .put("anchorFailures", failures)
              .put("error", p.error()));
      if (p.error() != null) {
        errors.add(new JsonObject().put("at", p.startedAt().toString()).put("message", p.error()));
      }
      for (String failure : p.anchorFailures()) {
        errors.add(
            new JsonObject()
                .put("at", p.startedAt().toString())
                .put("message", "anchor " + failure));
      }
    }
    int pending = dsl.fetchCount(ANCHOR, ANCHOR.BLOCK_HEIGHT.isNull());
    int mined = dsl.fetchCount(ANCHOR, ANCHOR.BLOCK_HEIGHT.isNotNull());
    JsonArray anchors = new JsonArray();
    dsl.select(
            ANCHOR.TXID,
            ANCHOR.ANCHOR_KEY,
            ANCHOR.SLOT_INTERVAL,
            ANCHOR.LEAF_COUNT,
            ANCHOR.CREATED_AT,
            ANCHOR.BLOCK_HEIGHT)
        .from(ANCHOR)
        .orderBy(ANCHOR.CREATED_AT.desc(), ANCHOR.TXID)
        .limit(RECENT_ANCHORS)
        .forEach(
            r ->
                anchors.add(
                    new JsonObject()
                        .put("txid", r.value1())
                        .put("what", r.value2())
                        .put("slot", r.value3())
                        .put("items", r.value4())
                        .put("createdAt", r.value5().toString())
                        .put("blockHeight", r.value6())
                        .put("state", r.value6() == null ? "pending" : "mined")));
    String lastError = scheduler.lastError();
    return new JsonObject()
        .put("time", clock.instant().toString())
        .put("chain", chain())
        .put(
            "hubWallet",
            new JsonObject()
                .put("address", settlement.hubWalletAddress())
                .put("sats", settlement.hubWalletSats()))
        .put("custodialStoreSats", settlement.custodialStoreSats())
        .put(
            "passes",
            new JsonObject()
                .put("completed", scheduler.passes())
                .put("lastError", lastError)
                .put("recent", passes))
        .put(
            "anchors",
            new JsonObject()
                .put("pending", pending)
                .put("mined", mined)
                .put("failedRecently", failedAnchors)
                .put("recent", anchors))
        .put("errors", errors);
  }

  /**
   * Network, tip and the fee rate the platform pays now; only the network and reachable false while
   * a node or ARC does not answer (the monitor shows the rest of settlement all the same).
   */
  private JsonObject chain() {
    ChainBackend chain = settlement.chain();
    JsonObject status = new JsonObject().put("network", chain.network());
    try {
      ChainHeader tip = chain.tip();
      return status
          .put("height", tip.height())
          .put("tipHash", tip.hashHex())
          .put("feeSatsPerKb", chain.feePolicy().satoshisPerKb())
          .put("reachable", true);
    } catch (ChainUnavailableException e) {
      return status.put("reachable", false).put("error", e.getMessage());
    }
  }
}
