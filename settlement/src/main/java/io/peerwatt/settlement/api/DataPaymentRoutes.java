package io.peerwatt.settlement.api;

import io.peerwatt.http.ApiRequests;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.Caller;
import io.peerwatt.http.Role;
import io.peerwatt.settlement.share.DataPayments;
import io.peerwatt.settlement.share.DataPayments.GrantPayment;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * What shared data earned and cost, per grant: {@code GET /api/v1/data/income} for the household
 * (its "data income") and {@code GET /api/v1/data/payments} for the third party (its applications'
 * grants; operators: every grant, the reconciliation). Amounts in 0.001 ct (the charges) and in
 * satoshis (the paid statements' lines); the rules are in {@code settlement/SETTLEMENT-RULES.md}.
 */
public final class DataPaymentRoutes implements ApiResource {
  private final DataPayments payments;
  private final Blocking blocking;

  public DataPaymentRoutes(DataPayments payments, Blocking blocking) {
    this.payments = payments;
    this.blocking = blocking;
  }

  @Override
  public void addTo(Router api) {
    api.get("/data/income").handler(this::income);
    api.get("/data/payments").handler(this::payments);
  }

  private void income(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx).require(Role.PROSUMER);
    blocking.respond(ctx, 200, () -> json(payments.ofHousehold(caller.accountId()), false));
  }

  private void payments(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx).require(Role.THIRD_PARTY, Role.OPERATOR);
    blocking.respond(
        ctx,
        200,
        () ->
            caller.role() == Role.OPERATOR
                ? json(payments.all(), true)
                : json(payments.ofThirdParty(caller.accountId()), false));
  }

  /**
   * The grants and their totals.
   *
   * @param accounts whether to name the household and third party accounts (operators only)
   */
  static JsonObject json(List<GrantPayment> grants, boolean accounts) {
    JsonArray items = new JsonArray();
    long[] totals = new long[9];
    boolean reconciled = true;
    for (GrantPayment g : grants) {
      JsonObject o =
          new JsonObject()
              .put("grantId", g.grantId())
              .put("offerId", g.offerId())
              .put("application", g.applicationName())
              .put("resolution", g.resolution())
              .put("priceMilliCtPerHomeDay", g.priceMilliCtPerHomeDay());
      if (accounts) {
        o.put("householdAccountId", g.householdAccountId())
            .put("thirdPartyAccountId", g.thirdPartyAccountId());
      }
      items.add(
          o.put("days", g.days())
              .put("unsettledDays", g.unsettledDays())
              .put("grossMilliCt", g.grossMilliCt())
              .put("feeMilliCt", g.feeMilliCt())
              .put("netMilliCt", g.netMilliCt())
              .put("thirdPartyPaidSat", g.thirdPartyPaidSat())
              .put("householdReceivedSat", g.householdReceivedSat())
              .put("platformFeeSat", g.platformFeeSat())
              .put("unpaidSat", g.unpaidSat())
              .put("paid", g.fullyPaid())
              .put("reconciled", g.reconciled()));
      long[] values = {
        g.days(),
        g.unsettledDays(),
        g.grossMilliCt(),
        g.feeMilliCt(),
        g.netMilliCt(),
        g.thirdPartyPaidSat(),
        g.householdReceivedSat(),
        g.platformFeeSat(),
        g.unpaidSat()
      };
      for (int i = 0; i < values.length; i++) {
        totals[i] = Math.addExact(totals[i], values[i]);
      }
      reconciled &= g.reconciled();
    }
    JsonObject total =
        new JsonObject()
            .put("grants", grants.size())
            .put("days", totals[0])
            .put("unsettledDays", totals[1])
            .put("grossMilliCt", totals[2])
            .put("feeMilliCt", totals[3])
            .put("netMilliCt", totals[4])
            .put("thirdPartyPaidSat", totals[5])
            .put("householdReceivedSat", totals[6])
            .put("platformFeeSat", totals[7])
            .put("unpaidSat", totals[8])
            .put("reconciled", reconciled);
    return new JsonObject().put("grants", items).put("totals", total);
  }
}
