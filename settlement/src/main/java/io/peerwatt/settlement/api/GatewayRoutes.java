package io.peerwatt.settlement.api;

import io.peerwatt.http.ApiError;
import io.peerwatt.http.ApiRequests;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.DeviceRequests;
import io.peerwatt.http.DeviceRequests.DeviceCaller;
import io.peerwatt.http.DeviceRequests.SignedRequest;
import io.peerwatt.http.Handlers;
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

/**
 * The device API of machine-to-machine payments under {@code /api/v1/gateway} (contract in {@code
 * settlement/M2M-PAYMENTS.md} and the OpenAPI document). No login: each request is signed with the
 * device key and authenticated by {@link DeviceRequests}; the work is {@link GatewayChannels}'.
 */
public final class GatewayRoutes implements ApiResource {
  private final GatewayChannels service;
  private final DeviceRequests devices;
  private final Handlers handlers;

  public GatewayRoutes(GatewayChannels service, DeviceRequests devices, Blocking blocking) {
    this.service = service;
    this.devices = devices;
    this.handlers = new Handlers(blocking);
  }

  @Override
  public void addTo(Router router) {
    router.get("/gateway/wallet").handler(handlers.ok(device(this::wallet)));
    router.put("/gateway/wallet").handler(handlers.ok(device(this::register)));
    router.post("/gateway/faucet").handler(handlers.ok(device(this::faucet)));
    router.get("/gateway/channels").handler(handlers.ok(device(this::channels)));
    router.post("/gateway/channels").handler(handlers.created(device(this::openChannel)));
    router.post("/gateway/channels/:id/funding").handler(handlers.ok(device(this::funding)));
    router
        .post("/gateway/channels/:id/refund-signature")
        .handler(handlers.ok(device(this::refundSignature)));
    router.post("/gateway/channels/:id/commitments").handler(handlers.ok(device(this::commit)));
    router.post("/gateway/channels/:id/acks").handler(handlers.ok(device(this::acknowledge)));
    router.post("/gateway/channels/:id/close").handler(handlers.ok(device(this::close)));
    router.get("/gateway/payment-requests").handler(handlers.ok(device(this::paymentRequests)));
    router.post("/gateway/payments/:id/refusal").handler(handlers.ok(device(this::refuse)));
    router.post("/gateway/transactions").handler(handlers.ok(device(this::relay)));
  }

  /** What a device's request asks of the hub, answered as JSON. Runs on a worker. */
  @FunctionalInterface
  private interface DeviceWork {
    JsonObject answer(DeviceCaller caller, RoutingContext ctx);
  }

  /**
   * Authenticates the device (on a worker: it reads the database), then runs {@code work}; the
   * hub's refusals become their API errors.
   */
  private Handlers.RequestReader device(DeviceWork work) {
    return ctx -> {
      SignedRequest request = SignedRequest.of(ctx);
      return () -> {
        DeviceCaller caller = devices.authenticate(request);
        try {
          return work.answer(caller, ctx);
        } catch (FormatException e) {
          throw ApiError.badRequest("MALFORMED_FIELD", e.getMessage(), null);
        } catch (GatewayRefusal e) {
          throw refused(e);
        }
      };
    };
  }

  private JsonObject wallet(DeviceCaller c, RoutingContext ctx) {
    return GatewayJson.info(service.info(c));
  }

  private JsonObject register(DeviceCaller c, RoutingContext ctx) {
    Map<String, Object> body = body(ctx);
    return GatewayJson.info(
        service.register(c, Json.string(body, "channelKey"), Json.string(body, "payoutScript")));
  }

  private JsonObject faucet(DeviceCaller c, RoutingContext ctx) {
    return GatewayJson.faucet(service.faucet(c, Json.integer(body(ctx), "satoshis")));
  }

  private JsonObject channels(DeviceCaller c, RoutingContext ctx) {
    return GatewayJson.channels(service.channels(c));
  }

  private JsonObject openChannel(DeviceCaller c, RoutingContext ctx) {
    Map<String, Object> body = body(ctx);
    return GatewayJson.accepted(
        service.openBuyerChannel(c, Json.object(body, "terms"), Json.string(body, "fundingTx")));
  }

  private JsonObject funding(DeviceCaller c, RoutingContext ctx) {
    return GatewayJson.broadcast(
        service.broadcastBuyerFunding(c, id(ctx), Json.string(body(ctx), "rawTx")));
  }

  private JsonObject refundSignature(DeviceCaller c, RoutingContext ctx) {
    return GatewayJson.opened(
        service.answerProposal(c, id(ctx), Json.string(body(ctx), "refundSignature")));
  }

  private JsonObject commit(DeviceCaller c, RoutingContext ctx) {
    Map<String, Object> body = body(ctx);
    CommitmentUpdate update = ChannelJson.readUpdate(body, "paymentId");
    long paymentId = Json.integer(body, "paymentId");
    return GatewayJson.delivered(
        id(ctx), paymentId, service.deliver(c, id(ctx), paymentId, update));
  }

  private JsonObject acknowledge(DeviceCaller c, RoutingContext ctx) {
    return GatewayJson.acknowledged(
        id(ctx), service.acknowledge(c, id(ctx), Json.integer(body(ctx), "sequence")));
  }

  private JsonObject close(DeviceCaller c, RoutingContext ctx) {
    return GatewayJson.closed(service.closeBuyerChannel(c, id(ctx)));
  }

  private JsonObject paymentRequests(DeviceCaller c, RoutingContext ctx) {
    return GatewayJson.paymentRequests(service.paymentRequests(c));
  }

  private JsonObject refuse(DeviceCaller c, RoutingContext ctx) {
    Map<String, Object> body = body(ctx);
    long paymentId = ApiRequests.pathLong(ctx, "id");
    return GatewayJson.refused(
        paymentId,
        service.refuse(
            c,
            paymentId,
            Math.toIntExact(Json.integer(body, "code")),
            Json.string(body, "detail")));
  }

  private JsonObject relay(DeviceCaller c, RoutingContext ctx) {
    return GatewayJson.relayed(service.relay(c, Json.string(body(ctx), "rawTx")));
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
