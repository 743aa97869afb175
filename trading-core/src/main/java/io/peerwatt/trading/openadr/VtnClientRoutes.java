package io.peerwatt.trading.openadr;

import io.peerwatt.http.ApiRequests;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.ClientAddress;
import io.peerwatt.http.DeviceRequests;
import io.peerwatt.http.DeviceRequests.DeviceCaller;
import io.peerwatt.http.DeviceRequests.SignedRequest;
import io.peerwatt.http.Role;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The VTN's credentials on the platform's API: an operator issues business-logic client credentials
 * ({@code POST /openadr/clients}); a gateway asks for its own VEN credentials with a device-signed
 * {@code POST /gateway/openadr/credentials}.
 */
public final class VtnClientRoutes implements ApiResource {
  private final VtnClients clients;
  private final VtnObjects objects;
  private final DeviceRequests signed;
  private final Blocking blocking;

  public VtnClientRoutes(
      VtnClients clients, VtnObjects objects, DeviceRequests signed, Blocking blocking) {
    this.clients = clients;
    this.objects = objects;
    this.signed = signed;
    this.blocking = blocking;
  }

  @Override
  public void addTo(Router api) {
    api.post("/openadr/clients").handler(this::createBusinessLogicClient);
    api.post("/gateway/openadr/credentials").handler(this::gatewayCredentials);
  }

  private void createBusinessLogicClient(RoutingContext ctx) {
    ApiRequests.caller(ctx).require(Role.OPERATOR);
    String label = ApiRequests.body(ctx).getString("label");
    String vtnUrl = vtnUrl(ctx);
    blocking.respond(
        ctx,
        201,
        () -> {
          VtnClients.Issued issued = clients.issueBusinessLogic(label);
          return new JsonObject()
              .put("clientId", issued.clientId())
              .put("clientSecret", issued.clientSecret())
              .put("scopes", issued.scopes())
              .put("vtnUrl", vtnUrl);
        });
  }

  /**
   * The gateway's VEN credentials: the same client id each time, a new secret; its ven is
   * registered on the first call, targeted at the device id and the zone.
   */
  private void gatewayCredentials(RoutingContext ctx) {
    SignedRequest request = SignedRequest.of(ctx);
    String vtnUrl = vtnUrl(ctx);
    blocking.respond(
        ctx,
        200,
        () -> {
          DeviceCaller device = signed.authenticate(request);
          VtnClients.Issued issued = clients.issueVen(device.deviceId());
          objects.registerVen(issued.venName(), issued.clientId(), device.zoneCode());
          return new JsonObject()
              .put("clientId", issued.clientId())
              .put("clientSecret", issued.clientSecret())
              .put("venName", issued.venName())
              .put("vtnUrl", vtnUrl);
        });
  }

  /** The VTN's URL on the host and scheme the caller reached the platform by. */
  static String vtnUrl(RoutingContext ctx) {
    String host =
        ctx.request().authority() == null ? "localhost" : ctx.request().authority().toString();
    return (ClientAddress.secure(ctx) ? "https" : "http") + "://" + host + VtnContract.BASE_PATH;
  }
}
