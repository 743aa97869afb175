package io.peerwatt.settlement.api;

import io.peerwatt.http.ApiError;
import io.peerwatt.http.ApiRequests;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.ApiResponses;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.DeviceRequests.DeviceCaller;
import io.peerwatt.http.DeviceRequests.SignedRequest;
import io.peerwatt.http.DeviceRequests;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.channel.ChannelJson;
import io.peerwatt.protocol.channel.CommitmentUpdate;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.settlement.m2m.GatewayChannels;
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
      return s.refuse(c, ApiRequests.pathLong(ctx, "id"), Math.toIntExact(Json.integer(body, "code")),
          Json.string(body, "detail"));
    }));
    router.post("/gateway/transactions").handler(ctx -> handle(ctx, 200,
        (s, c) -> s.relay(c, Json.string(body(ctx), "rawTx"))));
  }

  /** Authenticates the device (on a worker: it reads the database), then runs {@code work}. */
  private void handle(RoutingContext ctx, int status, BiFunction<GatewayChannels, DeviceCaller, JsonObject> work) {
    SignedRequest request = SignedRequest.of(ctx);
    ApiResponses.respond(ctx, status, blocking.run(() -> {
      DeviceCaller caller = devices.authenticate(request);
      try {
        return work.apply(service, caller);
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
    return ApiRequests.pathString(ctx, "id");
  }
}
