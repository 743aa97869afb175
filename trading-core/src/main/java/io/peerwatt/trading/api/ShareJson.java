package io.peerwatt.trading.api;

import io.peerwatt.trading.share.DataApplications;
import io.peerwatt.trading.share.DataGrants;
import io.peerwatt.trading.share.DataScope;
import io.peerwatt.trading.share.DataSharingPolicies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** The JSON forms of data-sharing applications, offers, grants and policies. */
final class ShareJson {
  private ShareJson() {}

  static JsonObject application(DataApplications.Application a) {
    return new JsonObject()
        .put("id", a.id())
        .put("accountId", a.accountId())
        .put("name", a.name())
        .put("purpose", a.purpose())
        .put("redirectUris", new JsonArray(a.redirectUris()))
        .put("contact", a.contact())
        .put("clientId", a.clientId())
        .put("confidential", a.confidential())
        .put("state", a.state())
        .put("createdAt", a.createdAt().toString())
        .put("decidedAt", a.decidedAt() == null ? null : a.decidedAt().toString());
  }

  static JsonObject offer(DataGrants.Offer o) {
    return scope(
        new JsonObject()
            .put("id", o.id())
            .put("applicationId", o.applicationId())
            .put("applicationName", o.applicationName())
            .put("accessDays", o.accessDays())
            .put("purpose", o.purpose())
            .put("state", o.state())
            .put("createdAt", o.createdAt().toString()),
        o.scope());
  }

  static JsonObject grant(DataGrants.Grant g, Instant now) {
    return scope(
        new JsonObject()
            .put("id", g.id())
            .put("offerId", g.offerId())
            .put("accountId", g.accountId())
            .put("applicationId", g.applicationId())
            .put("applicationName", g.applicationName())
            .put("purpose", g.purpose())
            .put("state", g.state(now))
            .put("createdAt", g.createdAt().toString())
            .put("expiresAt", g.expiresAt().toString())
            .put("revokedAt", g.revokedAt() == null ? null : g.revokedAt().toString()),
        g.scope());
  }

  static JsonObject policy(DataSharingPolicies.Policy p) {
    return new JsonObject()
        .put("finestResolution", p.finestResolution().code())
        .put("statements", p.statements())
        .put("minPriceMilliCtPerHomeDay", p.minPriceMilliCtPerHomeDay())
        .put("setAt", p.setAt().toString());
  }

  private static JsonObject scope(JsonObject json, DataScope s) {
    return json.put("resolution", s.resolution().code())
        .put("importData", s.importData())
        .put("exportData", s.exportData())
        .put("statements", s.statements())
        .put("periodFrom", s.periodFrom().toString())
        .put("periodTo", s.periodTo().toString())
        .put("priceMilliCtPerHomeDay", s.priceMilliCtPerHomeDay())
        .put("scope", s.oauthScope());
  }
}
