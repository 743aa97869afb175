package io.peerwatt.settlement.m2m;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.channel.ChannelJson;
import io.peerwatt.protocol.channel.CommitmentUpdate;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.trading.ApiContext;
import io.peerwatt.trading.ApiError;
import io.peerwatt.trading.ApiRoutes;
import io.peerwatt.trading.DeviceRequests;
import io.peerwatt.trading.DeviceRequests.DeviceCaller;
import io.peerwatt.trading.DeviceRequests.SignedRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The device API of machine-to-machine payments under {@code /api/v1/gateway} (contract in
 * {@code settlement/M2M-PAYMENTS.md} and the OpenAPI document). No login: each request is signed with
 * the device key and authenticated by {@link DeviceRequests}; the work is {@link GatewayChannels}'.
 * The platform hands in its service with {@link #use} once settlement runs; until then every route
 * answers 503.
 */
public final class GatewayRoutes implements ApiRoutes {
  private static volatile GatewayChannels service;
  private ApiContext api;

  /** Wires the running platform's service (the routes are created by the service loader). */
  public static void use(GatewayChannels channels) {
    service = channels;
  }

  @Override
  public void addTo(Router router, ApiContext context) {
    this.api = context;
    router.get("/gateway/wallet").handler(ctx -> handle(ctx, 200, (s, c) -> s.info(c)));
    router.put("/gateway/wallet").handler(ctx -> handle(ctx, 200, (s, c) -> {
      Map<String, Object> body = body(ctx);
      return s.register(c, Json.string(body, "channelKey"), Json.string(body, "payoutScript"));
    }));
    router.post("/gateway/faucet").handler(ctx -> handle(ctx, 200,
        (s, c) -> s.faucet(c, Json.integer(body(ctx), "satoshis"))));
    router.get("/gateway/channels").handler(ctx -> handle(ctx, 200, (s, c) -> s.channels(c)));
    router.post("/gateway/channels").handler(ctx -> handle(ctx, 201, (s, c) -> {
      Map<String, Object> body = body(ctx);
      return s.openBuyerChannel(c, Json.object(body, "terms"), Json.string(body, "fundingTx"));
    }));
    router.post("/gateway/channels/:id/funding").handler(ctx -> handle(ctx, 200,
        (s, c) -> s.broadcastBuyerFunding(c, id(ctx), Json.string(body(ctx), "rawTx"))));
    router.post("/gateway/channels/:id/refund-signature").handler(ctx -> handle(ctx, 200,
        (s, c) -> s.answerProposal(c, id(ctx), Json.string(body(ctx), "refundSignature"))));
    router.post("/gateway/channels/:id/commitments").handler(ctx -> handle(ctx, 200, (s, c) -> {
      Map<String, Object> body = body(ctx);
      CommitmentUpdate update = ChannelJson.readUpdate(body, "paymentId");
      return s.deliver(c, id(ctx), Json.integer(body, "paymentId"), update);
    }));
    router.post("/gateway/channels/:id/acks").handler(ctx -> handle(ctx, 200,
        (s, c) -> s.acknowledge(c, id(ctx), Json.integer(body(ctx), "sequence"))));
    router.post("/gateway/channels/:id/close").handler(ctx -> handle(ctx, 200,
        (s, c) -> s.closeBuyerChannel(c, id(ctx))));
    router.get("/gateway/payment-requests").handler(ctx -> handle(ctx, 200, (s, c) -> s.paymentRequests(c)));
    router.post("/gateway/payments/:id/refusal").handler(ctx -> handle(ctx, 200, (s, c) -> {
      Map<String, Object> body = body(ctx);
      return s.refuse(c, ApiContext.pathLong(ctx, "id"), Math.toIntExact(Json.integer(body, "code")),
          Json.string(body, "detail"));
    }));
    router.post("/gateway/transactions").handler(ctx -> handle(ctx, 200,
        (s, c) -> s.relay(c, Json.string(body(ctx), "rawTx"))));
  }

  /** Authenticates the device (on a worker: it reads the database), then runs {@code work}. */
  private void handle(RoutingContext ctx, int status, BiFunction<GatewayChannels, DeviceCaller, JsonObject> work) {
    SignedRequest request = SignedRequest.of(ctx);
    ApiContext.respond(ctx, status, api.blocking(() -> {
      GatewayChannels s = service;
      if (s == null) {
        throw new ApiError(503, "SETTLEMENT_NOT_RUNNING", "machine-to-machine payments need the platform's"
            + " settlement, which is not running", null);
      }
      DeviceCaller caller = DeviceRequests.authenticate(api.dsl(), request, api.clock().instant(),
          api.settings().maxClockSkew());
      try {
        return work.apply(s, caller);
      } catch (FormatException e) {
        throw ApiError.badRequest("MALFORMED_FIELD", e.getMessage(), null);
      }
    }));
  }

  /** The raw body as the protocol's JSON (numbers stay exact longs), the same bytes the device signed. */
  private static Map<String, Object> body(RoutingContext ctx) {
    String text = ctx.body() == null ? "" : ctx.body().asString(StandardCharsets.UTF_8.name());
    if (text == null || text.isBlank()) {
      throw ApiError.badRequest("INVALID_BODY", "the request body must be a JSON object", null);
    }
    return Json.parseObject(text);
  }

  private static String id(RoutingContext ctx) {
    return ApiContext.pathString(ctx, "id");
  }
}
