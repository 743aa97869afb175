package io.peerwatt.webui;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * The proof pages: the in-browser verifier ({@code /proofs}) and the download of an item's proof
 * bundle ({@code /proofs/download}), both read from the API with the viewer's token.
 */
final class ProofPages {
  private final Portal portal;
  private final ApiClient api;

  ProofPages(Portal portal, ApiClient api) {
    this.portal = portal;
    this.api = api;
  }

  void mount(Router router) {
    router.get("/proofs").handler(this::proofs);
    router.get("/proofs/download").handler(this::downloadProof);
  }

  /**
   * The in-browser verifier. With {@code kind} and {@code ref} it loads that item's bundle from the
   * API into the form. The platform key is offered as the platform publishes it; the person can
   * replace it with a key obtained elsewhere.
   */
  private void proofs(RoutingContext ctx) {
    Viewer viewer = Portal.viewer(ctx);
    String kind = ctx.request().getParam("kind");
    String ref = ctx.request().getParam("ref");
    String path = proofPath(kind, ref);
    Future<ApiClient.Answer> key = api.get("/chain/platform-key", viewer);
    Future<ZoneView> zone = portal.zone(viewer, viewer.zone());
    Future<ApiClient.Answer> bundle =
        path == null
            ? Future.succeededFuture(new ApiClient.Answer(204, null, ""))
            : api.get(path, viewer);
    Future.join(key, bundle, zone)
        .onComplete(
            x -> {
              String platformKey =
                  key.succeeded() && key.result().ok()
                      ? key.result().object().getString("publicKey", "")
                      : "";
              String bundleText = "";
              String notice = "";
              if (path != null && bundle.succeeded() && bundle.result().ok()) {
                bundleText = bundle.result().object().encodePrettily();
              } else if (path != null) {
                int status = bundle.succeeded() ? bundle.result().status() : 502;
                notice =
                    status == 409
                        ? "That item is anchored, but its block is not mined yet: try again in a minute."
                        : status == 404
                            ? "That item is not anchored yet (slots are anchored after their grace window,"
                                + " enrolments once the quarter-hour they were made in has ended)."
                            : status == 403
                                ? "That item belongs to another account."
                                : "The bundle could not be loaded.";
              }
              Map<String, Object> params = new java.util.HashMap<>();
              params.put("platformKey", platformKey);
              params.put("bundle", bundleText);
              params.put("notice", notice);
              params.put(
                  "download", path == null || !bundleText.isEmpty() ? downloadLink(kind, ref) : "");
              params.put("timeZone", zone.succeeded() ? zone.result().timeZone().getId() : "UTC");
              params.put("currency", zone.succeeded() ? zone.result().currency() : "EUR");
              portal.render(ctx, 200, "proofs.jte", params);
            });
  }

  /** A bundle file to keep: the API's JSON, served as a download. */
  private void downloadProof(RoutingContext ctx) {
    String kind = ctx.request().getParam("kind");
    String ref = ctx.request().getParam("ref");
    String path = proofPath(kind, ref);
    if (path == null) {
      portal.error(
          ctx,
          400,
          "Unknown proof",
          "Proofs exist for readings, trades, statements, reports and device enrolments.");
      return;
    }
    api.download(path, Portal.viewer(ctx))
        .onSuccess(
            r -> {
              if (r.statusCode() != 200) {
                portal.error(
                    ctx,
                    r.statusCode() == 403 ? 403 : 404,
                    "No proof",
                    "That proof is not available to you (yet).");
                return;
              }
              ctx.response()
                  .putHeader("content-type", "application/json")
                  .putHeader(
                      "content-disposition",
                      "attachment; filename=\"peerwatt-" + kind + "-proof.json\"")
                  .end(r.body());
            })
        .onFailure(ctx::fail);
  }

  /**
   * The API path of a bundle, or null when {@code kind}/{@code ref} are not a valid item reference.
   */
  static String proofPath(String kind, String ref) {
    if (kind == null
        || ref == null
        || !ref.matches("[A-Za-z0-9/_:-]{1,120}")
        || ref.contains("..")) {
      return null;
    }
    return switch (kind) {
      case "reading", "trade" -> "/proofs/" + kind + "s/" + ref;
      case "statement" -> statementProofPath(ref);
      case "report" -> ref.matches("[0-9a-f]{64}") ? "/proofs/reports/" + ref : null;
      // an enrolment is asked for by its device id: the API answers the device's newest anchored
      // certificate
      case "enrolment" -> ref.matches("[0-9]{1,19}") ? "/proofs/enrolments/" + ref : null;
      case "consent" ->
          ref.matches("[0-9]{1,19}/(granted|revoked)") ? "/proofs/consents/" + ref : null;
      default -> null;
    };
  }

  /**
   * A statement's reference as the API's path, which names the slot by its ISO start ({@code
   * 2026-11-25T10:00Z}): {@code account/zone/slot/version} with the slot either so (the portal's
   * pages) or in epoch seconds (an anchored item's reference).
   */
  private static String statementProofPath(String ref) {
    String[] part = ref.split("/");
    if (part.length != 4
        || !part[0].matches("[0-9]{1,19}")
        || !part[1].matches("[A-Z0-9][A-Z0-9-]{0,31}")
        || !part[3].matches("[0-9]{1,9}")) {
      return null;
    }
    String slot;
    if (part[2].matches("[0-9]{1,12}")) {
      slot =
          DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'")
              .withZone(ZoneOffset.UTC)
              .format(Instant.ofEpochSecond(Long.parseLong(part[2])));
    } else if (part[2].matches("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}Z")) {
      slot = part[2];
    } else {
      return null;
    }
    return "/proofs/statements/" + part[0] + "/" + part[1] + "/" + slot + "/" + part[3];
  }

  private static String downloadLink(String kind, String ref) {
    return kind == null ? "" : "/proofs/download?kind=" + kind + "&ref=" + ref;
  }
}
