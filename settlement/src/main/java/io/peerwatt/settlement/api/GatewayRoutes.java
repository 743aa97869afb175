package io.peerwatt.settlement.api;

import io.peerwatt.http.ApiError;
import io.peerwatt.http.ApiRequests;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.ApiResponses;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.DeviceRequests;
import io.peerwatt.http.DeviceRequests.DeviceCaller;
import io.peerwatt.http.DeviceRequests.SignedRequest;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.channel.ChannelJson;
import io.peerwatt.protocol.channel.CommitmentUpdate;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.settlement.m2m.GatewayChannels;
import io.peerwatt.settlement.m2m.GatewayRefusal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The device API of machine-to-machine payments under {@code /api/v1/gateway} (contract in {@code
 * settlement/M2M-PAYMENTS.md} and the OpenAPI document). No login: each request is signed with the
 * device key and authenticated by {@link DeviceRequests}; the work is {@link GatewayChannels}'.
 */
public final class GatewayRoutes implements ApiResource {
  private final GatewayChannels service;
  private final DeviceRequests devices;
  private final Blocking blocking;

  public GatewayRoutes(GatewayChannels service, DeviceRequests devices, Blocking blocking) {
    this.service = service;
    this.devices = devices;
    this.blocking = blocking;
  }

  @Override
  public void addTo(Router router) {
    router
        .get("/gateway/wallet")
        .handler(ctx -> handle(ctx, 200, (s, c) -> GatewayJson.info(s.info(c))));
    router
        .put("/gateway/wallet")
        .handler(
            ctx ->
                handle(
                    ctx,
                    200,
                    (s, c) -> {
                      Map<String, Object> body = body(ctx);
                      return GatewayJson.info(
                          s.register(
                              c,
                              Json.string(body, "channelKey"),
                              Json.string(body, "payoutScript")));
                    }));
    router
        .post("/gateway/faucet")
        .handler(
            ctx ->
                handle(
                    ctx,
                    200,
                    (s, c) ->
                        GatewayJson.faucet(s.faucet(c, Json.integer(body(ctx), "satoshis")))));
    router
        .get("/gateway/channels")
        .handler(ctx -> handle(ctx, 200, (s, c) -> GatewayJson.channels(s.channels(c))));
    router
        .post("/gateway/channels")
        .handler(
            ctx ->
                handle(
                    ctx,
                    201,
                    (s, c) -> {
                      Map<String, Object> body = body(ctx);
                      return GatewayJson.accepted(
                          s.openBuyerChannel(
                              c, Json.object(body, "terms"), Json.string(body, "fundingTx")));
                    }));
    router
        .post("/gateway/channels/:id/funding")
        .handler(
            ctx ->
                handle(
                    ctx,
                    200,
                    (s, c) ->
                        GatewayJson.broadcast(
                            s.broadcastBuyerFunding(c, id(ctx), Json.string(body(ctx), "rawTx")))));
    router
        .post("/gateway/channels/:id/refund-signature")
        .handler(
            ctx ->
                handle(
                    ctx,
                    200,
                    (s, c) ->
                        GatewayJson.opened(
                            s.answerProposal(
                                c, id(ctx), Json.string(body(ctx), "refundSignature")))));
    router
        .post("/gateway/channels/:id/commitments")
        .handler(
            ctx ->
                handle(
                    ctx,
                    200,
                    (s, c) -> {
                      Map<String, Object> body = body(ctx);
                      CommitmentUpdate update = ChannelJson.readUpdate(body, "paymentId");
                      long paymentId = Json.integer(body, "paymentId");
                      return GatewayJson.delivered(
                          id(ctx), paymentId, s.deliver(c, id(ctx), paymentId, update));
                    }));
    router
        .post("/gateway/channels/:id/acks")
        .handler(
            ctx ->
                handle(
                    ctx,
                    200,
                    (s, c) ->
                        GatewayJson.acknowledged(
                            id(ctx),
                            s.acknowledge(c, id(ctx), Json.integer(body(ctx), "sequence")))));
    router
        .post("/gateway/channels/:id/close")
        .handler(
            ctx -> handle(ctx, 200, (s, c) -> GatewayJson.closed(s.closeBuyerChannel(c, id(ctx)))));
    router
        .get("/gateway/payment-requests")
        .handler(
            ctx -> handle(ctx, 200, (s, c) -> GatewayJson.paymentRequests(s.paymentRequests(c))));
    router
        .post("/gateway/payments/:id/refusal")
        .handler(
            ctx ->
                handle(
                    ctx,
                    200,
                    (s, c) -> {
                      Map<String, Object> body = body(ctx);
                      long paymentId = ApiRequests.pathLong(ctx, "id");
                      return GatewayJson.refused(
                          paymentId,
                          s.refuse(
                              c,
                              paymentId,
                              Math.toIntExact(Json.integer(body, "code")),
                              Json.string(body, "detail")));
                    }));
    router
        .post("/gateway/transactions")
        .handler(
            ctx ->
                handle(
                    ctx,
                    200,
                    (s, c) -> GatewayJson.relayed(s.relay(c, Json.string(body(ctx), "rawTx")))));
  }

  /**
   * Authenticates the device (on a worker: it reads the database), then runs {@code work}; the
   * hub's refusals become their API errors.
   */
  private void handle(
      RoutingContext ctx, int status, BiFunction<GatewayChannels, DeviceCaller, JsonObject> work) {
    SignedRequest request = SignedRequest.of(ctx);
    ApiResponses.respond(
        ctx,
        status,
        blocking.run(
            () -> {
              DeviceCaller caller = devices.authenticate(request);
              try {
                return work.apply(service, caller);
              } catch (FormatException e) {
                throw ApiError.badRequest("MALFORMED_FIELD", e.getMessage(), null);
              } catch (GatewayRefusal e) {
                throw refused(e);
              }
            }));
  }

  /**
   * A refusal of the hub as the API answers it: 400 for invalid input, 404 for unknown items, 409
   * for state.
   */
  static ApiError refused(GatewayRefusal e) {
    int status =
        switch (e.kind()) {
          case INVALID -> 400;
          case NOT_FOUND -> 404;
          case CONFLICT -> 409;
        };
    return new ApiError(status, e.code(), e.getMessage(), e.field());
  }

  /**
   * The raw body as the protocol's JSON (numbers stay exact longs), the same bytes the device
   * signed.
   */
  private static Map<String, Object> body(RoutingContext ctx) {
    String text = ctx.body() == null ? "" : ctx.body().asString(StandardCharsets.UTF_8.name());
    if (text == null || text.isBlank()) {
      throw ApiError.badRequest("INVALID_BODY", "the request body must be a JSON object", null);
    }
    return Json.parseObject(text);
  }

  private static String id(RoutingContext ctx) {
    return ApiRequests.pathString(ctx, "id");
  }
}
