package io.peerwatt.trading.openadr;

import static io.peerwatt.db.schema.Tables.OPENADR_NOTIFICATION;
import static io.peerwatt.trading.testing.ApiClient.await;
import static io.peerwatt.trading.testing.ApiClient.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.db.testing.TestDatabase;
import io.peerwatt.protocol.testing.MutableClock;
import io.peerwatt.trading.testing.ApiClient.Account;
import io.peerwatt.trading.testing.TestGateway;
import io.peerwatt.trading.testing.TradingHarness;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openadr.oadr3.client.ApiException;
import org.openadr.oadr3.client.api.AuthApi;
import org.openadr.oadr3.client.api.EventsApi;
import org.openadr.oadr3.client.api.MqttNotifierApi;
import org.openadr.oadr3.client.api.NotifiersApi;
import org.openadr.oadr3.client.api.ProgramsApi;
import org.openadr.oadr3.client.api.ReportsApi;
import org.openadr.oadr3.client.api.ResourcesApi;
import org.openadr.oadr3.client.api.SubscriptionsApi;
import org.openadr.oadr3.client.api.VensApi;
import org.openadr.oadr3.client.model.BlResourceRequest;
import org.openadr.oadr3.client.model.BlVenRequest;
import org.openadr.oadr3.client.model.ClientCredentialResponse;
import org.openadr.oadr3.client.model.Event;
import org.openadr.oadr3.client.model.EventPayloadDescriptor;
import org.openadr.oadr3.client.model.EventRequest;
import org.openadr.oadr3.client.model.Interval;
import org.openadr.oadr3.client.model.IntervalPeriod;
import org.openadr.oadr3.client.model.ObjectTypes;
import org.openadr.oadr3.client.model.Problem;
import org.openadr.oadr3.client.model.Program;
import org.openadr.oadr3.client.model.ProgramRequest;
import org.openadr.oadr3.client.model.Report;
import org.openadr.oadr3.client.model.ReportRequest;
import org.openadr.oadr3.client.model.ReportRequestResourcesInner;
import org.openadr.oadr3.client.model.Resource;
import org.openadr.oadr3.client.model.ResourceRequest;
import org.openadr.oadr3.client.model.Subscription;
import org.openadr.oadr3.client.model.SubscriptionRequest;
import org.openadr.oadr3.client.model.SubscriptionRequestObjectOperationsInner;
import org.openadr.oadr3.client.model.SubscriptionRequestObjectOperationsInner.OperationsEnum;
import org.openadr.oadr3.client.model.ValuesMap;
import org.openadr.oadr3.client.model.ValuesMapValuesInner;
import org.openadr.oadr3.client.model.Ven;
import org.openadr.oadr3.client.model.VenRequest;
import org.openadr.oadr3.client.model.VenResourceRequest;
import org.openadr.oadr3.client.model.VenVenRequest;

/**
 * The VTN driven through a client generated from the OpenADR 3.1.0 document by openapi-generator
 * (as any other party would generate it), over real HTTP against PostgreSQL, every answer checked
 * against the document's schemas by a {@link ValidatingProxy} on the way. The last test checks that
 * every operation and status the VTN uses was seen.
 */
@ExtendWith(PostgresExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VtnConformanceTest {
  @TempDir static Path dataDir;
  static TradingHarness h;
  static ValidatingProxy proxy;
  static VtnClients.Issued bl;
  static VtnClients.Issued ven1;
  static VtnClients.Issued ven2;
  static String utilityToken;
  static String prosumerToken;
  static HttpServer callbacks;
  static final Queue<JsonObject> received = new ConcurrentLinkedQueue<>();
  static final Queue<String> receivedAuth = new ConcurrentLinkedQueue<>();
  static final AtomicInteger callbackFailuresLeft = new AtomicInteger();

  @BeforeAll
  static void start(TestDatabase db) {
    h = TradingHarness.start(db, dataDir, new MutableClock(Instant.parse("2026-12-06T12:00:00Z")));
    proxy = new ValidatingProxy(h.vertx, h.port());
    String operator = h.operator("root");
    h.zone(operator, "DE-OADR", TradingHarness.zoneBody("Zone OADR", "CALL_AUCTION", 5000, 1));
    Account home1 = h.prosumer(operator, "oadr-home1", "DE-OADR");
    Account home2 = h.prosumer(operator, "oadr-home2", "DE-OADR");
    prosumerToken = home1.token();
    TestGateway gw1 = new TestGateway(h.clock.instant());
    gw1.enrol(h, home1.token(), h.meteringPoint(home1.token(), 10_000));
    TestGateway gw2 = new TestGateway(h.clock.instant());
    gw2.enrol(h, home2.token(), h.meteringPoint(home2.token(), 10_000));
    VtnClients clients = h.api.vtn().clients();
    bl = await(h.vertx.executeBlocking(() -> clients.issueBusinessLogic("grid operator")));
    ven1 = await(h.vertx.executeBlocking(() -> clients.issueVen(gw1.deviceId)));
    ven2 = await(h.vertx.executeBlocking(() -> clients.issueVen(gw2.deviceId)));
    h.post(
        "/accounts",
        operator,
        new JsonObject()
            .put("username", "oadr-utility")
            .put("password", "oadr-utility-password")
            .put("role", "utility")
            .put("zone", "DE-OADR"));
    utilityToken = h.login("oadr-utility", "oadr-utility-password");
    callbacks =
        await(
            h.vertx
                .createHttpServer()
                .requestHandler(
                    req ->
                        req.body()
                            .onSuccess(
                                body -> {
                                  if (callbackFailuresLeft.getAndDecrement() > 0) {
                                    req.response().setStatusCode(503).end();
                                    return;
                                  }
                                  receivedAuth.add(String.valueOf(req.getHeader("Authorization")));
                                  received.add(body.toJsonObject());
                                  req.response().setStatusCode(200).end();
                                }))
                .listen(0, "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    if (callbacks != null) {
      await(callbacks.close());
    }
    if (proxy != null) {
      proxy.close();
    }
    h.close();
  }

  static String base() {
    return "http://127.0.0.1:" + proxy.port() + VtnContract.BASE_PATH;
  }

  /** A generated client with no token. */
  static org.openadr.oadr3.client.ApiClient anonymous() {
    org.openadr.oadr3.client.ApiClient api = new org.openadr.oadr3.client.ApiClient();
    api.updateBaseUri(base());
    return api;
  }

  /** A generated client that sends {@code token}. */
  static org.openadr.oadr3.client.ApiClient with(String token) {
    org.openadr.oadr3.client.ApiClient api = anonymous();
    api.setRequestInterceptor(b -> b.header("Authorization", "Bearer " + token));
    return api;
  }

  /** A generated client logged in with the client credentials of {@code client}. */
  static org.openadr.oadr3.client.ApiClient as(VtnClients.Issued client) throws ApiException {
    ClientCredentialResponse t =
        new AuthApi(anonymous())
            .fetchToken("client_credentials", client.clientId(), client.clientSecret(), null);
    return with(t.getAccessToken());
  }

  static Problem problem(ApiException e) throws Exception {
    return anonymous().getObjectMapper().readValue(e.getResponseBody(), Problem.class);
  }

  /** The call fails with {@code status} and a problem body saying so. */
  static void fails(int status, ThrowingCall call) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.getCode()).as(e.getResponseBody()).isEqualTo(status);
              try {
                assertThat(problem(e).getStatus()).isEqualTo(status);
              } catch (Exception parse) {
                throw new AssertionError(parse);
              }
            });
  }

  interface ThrowingCall {
    void run() throws Exception;
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static Program program(org.openadr.oadr3.client.ApiClient api, String name) throws ApiException {
    return new ProgramsApi(api).createProgram(new ProgramRequest().programName(name));
  }

  static EventRequest capacityLimit(String programId, String target, double kw) {
    return new EventRequest()
        .programID(programId)
        .eventName("evening peak")
        .targets(List.of(target))
        .addPayloadDescriptorsItem(
            new EventPayloadDescriptor()
                .objectType(EventPayloadDescriptor.ObjectTypeEnum.EVENT_PAYLOAD_DESCRIPTOR)
                .payloadType("IMPORT_CAPACITY_LIMIT")
                .units("KW"))
        .intervalPeriod(
            new IntervalPeriod()
                .start(OffsetDateTime.parse("2026-12-06T17:00:00Z"))
                .duration("PT15M"))
        .addIntervalsItem(
            new Interval()
                .id(0)
                .addPayloadsItem(
                    new ValuesMap()
                        .type("IMPORT_CAPACITY_LIMIT")
                        .addValuesItem(new ValuesMapValuesInner(BigDecimal.valueOf(kw)))));
  }

  @Test
  @Order(1)
  void tokensByFormAndBasicAndTheAuthServer() throws Exception {
    ClientCredentialResponse t =
        new AuthApi(anonymous())
            .fetchToken("client_credentials", bl.clientId(), bl.clientSecret(), "write_programs");
    assertThat(t.getTokenType().getValue()).isEqualTo("Bearer");
    assertThat(t.getScope()).isEqualTo("write_programs");
    assertThat(t.getExpiresIn()).isPositive();
    // absolute, on the host the VTN was addressed by (the relay's target here)
    assertThat(new AuthApi(anonymous()).getAuthServerInfo().getTokenURL().toString())
        .isEqualTo("http://127.0.0.1:" + h.port() + VtnContract.BASE_PATH + "/auth/token");

    fails(
        401,
        () ->
            new AuthApi(anonymous())
                .fetchToken("client_credentials", bl.clientId(), "wrong", null));
    fails(
        401,
        () -> new AuthApi(anonymous()).fetchToken("client_credentials", "nobody", "wrong", null));
    // a VEN may not have a BL scope
    fails(
        400,
        () ->
            new AuthApi(anonymous())
                .fetchToken(
                    "client_credentials", ven1.clientId(), ven1.clientSecret(), "write_programs"));

    // RFC 6749 clients authenticate with HTTP Basic; errors carry RFC 6749's error as well
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> basic =
        http.send(
            tokenRequest("grant_type=client_credentials")
                .header(
                    "Authorization",
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString(
                                (ven1.clientId() + ":" + ven1.clientSecret())
                                    .getBytes(StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(basic.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(basic.body()).getString("scope")).contains("write_reports");
    HttpResponse<String> grant =
        http.send(
            tokenRequest("grant_type=password&client_id=a&client_secret=b").build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(grant.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(grant.body()).getString("error")).isEqualTo("unsupported_grant_type");
    HttpResponse<String> missing =
        http.send(
            tokenRequest("grant_type=client_credentials").build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(missing.body()).getString("error")).isEqualTo("invalid_request");
  }

  static HttpRequest.Builder tokenRequest(String form) {
    return HttpRequest.newBuilder(URI.create(base() + "/auth/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form));
  }

  @Test
  @Order(2)
  void noTokenForgedTokenAndWrongScope() throws Exception {
    fails(401, () -> new ProgramsApi(anonymous()).searchAllPrograms(null, null, null));
    fails(
        401, () -> new ProgramsApi(with("forged.token.value")).searchAllPrograms(null, null, null));
    // VENs hold no write_programs; a prosumer's login token is not a BL client
    fails(403, () -> program(as(ven1), unique("ven-program")));
    fails(403, () -> program(with(prosumerToken), unique("prosumer-program")));
    // BL clients hold no write_reports
    fails(
        403,
        () ->
            new ReportsApi(as(bl))
                .createReport(
                    new ReportRequest().eventID("x").clientName("x").resources(List.of())));
  }

  @Test
  @Order(3)
  void programsLifecycle() throws Exception {
    ProgramsApi programs = new ProgramsApi(as(bl));
    String name = unique("flex");
    Program p =
        programs.createProgram(new ProgramRequest().programName(name).targets(List.of("DE-OADR")));
    assertThat(p.getId()).isNotBlank();
    assertThat(p.getObjectType()).isEqualTo(ObjectTypes.PROGRAM);
    assertThat(p.getCreatedDateTime()).isEqualTo(OffsetDateTime.parse("2026-12-06T12:00:00Z"));
    fails(409, () -> programs.createProgram(new ProgramRequest().programName(name)));
    assertThat(programs.searchProgramByProgramId(p.getId()).getProgramName()).isEqualTo(name);
    assertThat(programs.searchAllPrograms(List.of("DE-OADR"), 0, 50))
        .extracting(Program::getId)
        .contains(p.getId());
    assertThat(programs.searchAllPrograms(List.of("elsewhere"), null, null))
        .extracting(Program::getId)
        .doesNotContain(p.getId());
    h.clock.advance(Duration.ofMinutes(1));
    Program renamed =
        programs.updateProgram(p.getId(), new ProgramRequest().programName(name + "-2"));
    assertThat(renamed.getCreatedDateTime()).isEqualTo(p.getCreatedDateTime());
    assertThat(renamed.getModificationDateTime()).isAfter(p.getModificationDateTime());
    String other = unique("other");
    programs.createProgram(new ProgramRequest().programName(other));
    fails(409, () -> programs.updateProgram(p.getId(), new ProgramRequest().programName(other)));
    fails(
        404,
        () -> programs.updateProgram("no-such-program", new ProgramRequest().programName("x")));
    assertThat(programs.deleteProgram(p.getId()).getProgramName()).isEqualTo(name + "-2");
    fails(404, () -> programs.searchProgramByProgramId(p.getId()));
    fails(404, () -> programs.deleteProgram(p.getId()));
    // the document's maximum page is 50
    fails(400, () -> programs.searchAllPrograms(null, null, 51));
    fails(400, () -> programs.searchAllPrograms(null, -1, null));
    // a request missing a required property creates nothing
    fails(400, () -> programs.createProgram(new ProgramRequest()));
    // paging
    program(as(bl), unique("page"));
    List<Program> all = programs.searchAllPrograms(null, 0, 50);
    assertThat(programs.searchAllPrograms(null, 1, 1)).containsExactly(all.get(1));
  }

  @Test
  @Order(4)
  void eventsAreSeenByTheVensTheyTarget() throws Exception {
    EventsApi events = new EventsApi(as(bl));
    Program p = program(as(bl), unique("flex-events"));
    Event e1 = events.createEvent(capacityLimit(p.getId(), ven1.venName(), 3.5));
    Event e2 = events.createEvent(capacityLimit(p.getId(), ven2.venName(), 4));
    assertThat(e1.getIntervals().get(0).getPayloads().get(0).getValues().get(0).getBigDecimal())
        .isEqualByComparingTo("3.5");
    fails(400, () -> events.createEvent(capacityLimit("no-such-program", "x", 1)));

    EventsApi asVen1 = new EventsApi(as(ven1));
    assertThat(asVen1.searchAllEvents(null, List.of(ven1.venName()), null, null, null))
        .extracting(Event::getId)
        .containsExactly(e1.getId());
    assertThat(asVen1.searchAllEvents(p.getId(), null, null, null, null))
        .extracting(Event::getId)
        .containsExactly(e1.getId());
    assertThat(asVen1.searchEventsByID(e1.getId()).getEventName()).isEqualTo("evening peak");
    fails(404, () -> asVen1.searchEventsByID(e2.getId()));
    fails(403, () -> asVen1.createEvent(capacityLimit(p.getId(), ven1.venName(), 1)));

    assertThat(events.searchAllEvents(p.getId(), null, null, null, null)).hasSize(2);
    assertThat(events.searchAllEvents(p.getId(), null, null, null, true)).hasSize(2);
    h.clock.set(Instant.parse("2026-12-06T17:16:00Z"));
    assertThat(events.searchAllEvents(p.getId(), null, null, null, true)).isEmpty();
    h.clock.set(Instant.parse("2026-12-06T12:10:00Z"));

    Event changed = events.updateEvent(e1.getId(), capacityLimit(p.getId(), ven1.venName(), 2));
    assertThat(
            changed.getIntervals().get(0).getPayloads().get(0).getValues().get(0).getBigDecimal())
        .isEqualByComparingTo("2");
    fails(404, () -> events.updateEvent("no-such-event", capacityLimit(p.getId(), "x", 1)));
    assertThat(events.deleteEvent(e2.getId()).getId()).isEqualTo(e2.getId());
    fails(404, () -> events.searchEventsByID(e2.getId()));
    fails(404, () -> events.deleteEvent(e2.getId()));
    fails(400, () -> events.searchAllEvents(null, null, null, 51, null));
  }

  @Test
  @Order(5)
  void vensAndResourcesKeepTheirOwners() throws Exception {
    VensApi blVens = new VensApi(as(bl));
    String name = unique("home");
    Ven v =
        blVens.createVen(
            new VenRequest(
                new BlVenRequest()
                    .objectType(BlVenRequest.ObjectTypeEnum.BL_VEN_REQUEST)
                    .clientID(ven1.clientId())
                    .venName(name)
                    .targets(List.of("feeder-7"))));
    assertThat(v.getClientID()).isEqualTo(ven1.clientId());
    fails(
        409,
        () ->
            blVens.createVen(
                new VenRequest(
                    new BlVenRequest()
                        .objectType(BlVenRequest.ObjectTypeEnum.BL_VEN_REQUEST)
                        .clientID("x")
                        .venName(name))));
    VensApi ven1Vens = new VensApi(as(ven1));
    VensApi ven2Vens = new VensApi(as(ven2));
    Ven own =
        ven2Vens.createVen(
            new VenRequest(
                new VenVenRequest()
                    .objectType(VenVenRequest.ObjectTypeEnum.VEN_VEN_REQUEST)
                    .venName(unique("self"))));
    assertThat(own.getClientID()).isEqualTo(ven2.clientId());
    fails(
        403,
        () ->
            ven1Vens.createVen(
                new VenRequest(
                    new BlVenRequest()
                        .objectType(BlVenRequest.ObjectTypeEnum.BL_VEN_REQUEST)
                        .clientID(ven1.clientId())
                        .venName(unique("sneaky")))));
    assertThat(ven1Vens.searchVens(null, null, null, null))
        .extracting(Ven::getId)
        .containsExactly(v.getId());
    assertThat(ven2Vens.searchVens(null, null, null, null))
        .extracting(Ven::getId)
        .containsExactly(own.getId());
    assertThat(blVens.searchVens(name, null, null, null))
        .extracting(Ven::getId)
        .containsExactly(v.getId());
    assertThat(blVens.searchVens(null, List.of("feeder-7"), null, null))
        .extracting(Ven::getId)
        .containsExactly(v.getId());
    fails(404, () -> ven2Vens.searchVenByID(v.getId()));
    assertThat(ven1Vens.searchVenByID(v.getId()).getVenName()).isEqualTo(name);
    // a VEN renaming its ven keeps the targets only BL may set
    Ven renamed =
        ven1Vens.updateVen(
            v.getId(),
            new VenRequest(
                new VenVenRequest()
                    .objectType(VenVenRequest.ObjectTypeEnum.VEN_VEN_REQUEST)
                    .venName(name + "-2")));
    assertThat(renamed.getTargets()).containsExactly("feeder-7");
    fails(
        409,
        () ->
            ven2Vens.updateVen(
                own.getId(),
                new VenRequest(
                    new VenVenRequest()
                        .objectType(VenVenRequest.ObjectTypeEnum.VEN_VEN_REQUEST)
                        .venName(name + "-2"))));
    fails(
        404,
        () ->
            ven2Vens.updateVen(
                v.getId(),
                new VenRequest(
                    new VenVenRequest()
                        .objectType(VenVenRequest.ObjectTypeEnum.VEN_VEN_REQUEST)
                        .venName("x"))));

    ResourcesApi ven1Resources = new ResourcesApi(as(ven1));
    Resource battery =
        ven1Resources.createResource(
            new ResourceRequest(
                new VenResourceRequest()
                    .objectType(VenResourceRequest.ObjectTypeEnum.VEN_RESOURCE_REQUEST)
                    .resourceName("battery")
                    .venID(v.getId())));
    assertThat(battery.getClientID()).isEqualTo(ven1.clientId());
    fails(
        409,
        () ->
            ven1Resources.createResource(
                new ResourceRequest(
                    new VenResourceRequest()
                        .objectType(VenResourceRequest.ObjectTypeEnum.VEN_RESOURCE_REQUEST)
                        .resourceName("battery")
                        .venID(v.getId()))));
    fails(
        404,
        () ->
            ven1Resources.createResource(
                new ResourceRequest(
                    new VenResourceRequest()
                        .objectType(VenResourceRequest.ObjectTypeEnum.VEN_RESOURCE_REQUEST)
                        .resourceName("battery")
                        .venID(own.getId()))));
    ResourcesApi blResources = new ResourcesApi(as(bl));
    Resource pv =
        blResources.createResource(
            new ResourceRequest(
                new BlResourceRequest()
                    .objectType(BlResourceRequest.ObjectTypeEnum.BL_RESOURCE_REQUEST)
                    .clientID(ven1.clientId())
                    .resourceName("pv")
                    .venID(v.getId())
                    .targets(List.of("feeder-7"))));
    assertThat(ven1Resources.searchVenResources(null, v.getId(), null, null, null))
        .extracting(Resource::getResourceName)
        .containsExactly("battery", "pv");
    assertThat(ven1Resources.searchVenResources("pv", null, List.of("feeder-7"), null, null))
        .extracting(Resource::getId)
        .containsExactly(pv.getId());
    assertThat(new ResourcesApi(as(ven2)).searchVenResources(null, null, null, null, null))
        .isEmpty();
    assertThat(ven1Resources.searchVenResourceByID(battery.getId()).getResourceName())
        .isEqualTo("battery");
    Resource home =
        ven1Resources.updateVenResource(
            battery.getId(),
            new ResourceRequest(
                new VenResourceRequest()
                    .objectType(VenResourceRequest.ObjectTypeEnum.VEN_RESOURCE_REQUEST)
                    .resourceName("home-battery")
                    .venID(v.getId())));
    assertThat(home.getResourceName()).isEqualTo("home-battery");
    fails(
        409,
        () ->
            ven1Resources.updateVenResource(
                battery.getId(),
                new ResourceRequest(
                    new VenResourceRequest()
                        .objectType(VenResourceRequest.ObjectTypeEnum.VEN_RESOURCE_REQUEST)
                        .resourceName("pv")
                        .venID(v.getId()))));
    assertThat(ven1Resources.deleteVenResource(pv.getId()).getId()).isEqualTo(pv.getId());
    fails(404, () -> ven1Resources.searchVenResourceByID(pv.getId()));
    fails(404, () -> ven1Resources.deleteVenResource(pv.getId()));
    fails(
        404,
        () ->
            ven1Resources.updateVenResource(
                pv.getId(),
                new ResourceRequest(
                    new VenResourceRequest()
                        .objectType(VenResourceRequest.ObjectTypeEnum.VEN_RESOURCE_REQUEST)
                        .resourceName("x")
                        .venID(v.getId()))));

    // a ven goes with its resources
    assertThat(blVens.deleteVen(v.getId()).getId()).isEqualTo(v.getId());
    fails(404, () -> blVens.searchVenByID(v.getId()));
    fails(404, () -> blVens.deleteVen(v.getId()));
    fails(404, () -> ven1Resources.searchVenResourceByID(battery.getId()));
  }

  @Test
  @Order(6)
  void reportsBelongToTheVenThatPostsThem() throws Exception {
    Program p = program(as(bl), unique("flex-reports"));
    Event e = new EventsApi(as(bl)).createEvent(capacityLimit(p.getId(), ven1.venName(), 3));
    ReportsApi ven1Reports = new ReportsApi(as(ven1));
    ReportRequest request =
        new ReportRequest()
            .eventID(e.getId())
            .clientName(ven1.venName())
            .reportName("setpoints")
            .addResourcesItem(
                new ReportRequestResourcesInner()
                    .resourceName(ven1.venName())
                    .addIntervalsItem(
                        new Interval()
                            .id(0)
                            .addPayloadsItem(
                                new ValuesMap()
                                    .type("SETPOINT")
                                    .addValuesItem(
                                        new ValuesMapValuesInner(new BigDecimal("-1.5"))))));
    Report r = ven1Reports.createReport(request);
    assertThat(r.getClientID()).isEqualTo(ven1.clientId());
    assertThat(ven1Reports.searchAllReports(p.getId(), e.getId(), ven1.venName(), null, null))
        .extracting(Report::getId)
        .containsExactly(r.getId());
    assertThat(new ReportsApi(as(bl)).searchAllReports(null, e.getId(), null, null, null))
        .extracting(Report::getId)
        .containsExactly(r.getId());
    ReportsApi ven2Reports = new ReportsApi(as(ven2));
    assertThat(ven2Reports.searchAllReports(null, e.getId(), null, null, null)).isEmpty();
    fails(404, () -> ven2Reports.searchReportsByReportID(r.getId()));
    // a VEN reports only on events it sees
    fails(400, () -> ven2Reports.createReport(request));
    assertThat(ven1Reports.searchReportsByReportID(r.getId()).getReportName())
        .isEqualTo("setpoints");
    Report changed = ven1Reports.updateReport(r.getId(), request.reportName("setpoints-2"));
    assertThat(changed.getReportName()).isEqualTo("setpoints-2");
    fails(404, () -> ven2Reports.updateReport(r.getId(), request));
    assertThat(ven1Reports.deleteReport(r.getId()).getId()).isEqualTo(r.getId());
    fails(404, () -> ven1Reports.deleteReport(r.getId()));
    fails(400, () -> ven1Reports.searchAllReports(null, null, null, null, 51));
  }

  @Test
  @Order(7)
  void subscriptionsNotifyTheirCallbackWithRetries() throws Exception {
    SubscriptionsApi subscriptions = new SubscriptionsApi(as(ven1));
    Program p = program(as(bl), unique("flex-subscribed"));
    String callback = "http://127.0.0.1:" + callbacks.actualPort() + "/openadr";
    Subscription s =
        subscriptions.createSubscription(
            new SubscriptionRequest()
                .clientName(ven1.venName())
                .programID(p.getId())
                .addObjectOperationsItem(
                    new SubscriptionRequestObjectOperationsInner()
                        .addObjectsItem(ObjectTypes.EVENT)
                        .addOperationsItem(OperationsEnum.CREATE)
                        .addOperationsItem(OperationsEnum.DELETE)
                        .callbackUrl(URI.create(callback))
                        .bearerToken("callback-secret")));
    assertThat(s.getClientID()).isEqualTo(ven1.clientId());
    fails(
        400,
        () ->
            subscriptions.createSubscription(
                new SubscriptionRequest()
                    .clientName(ven1.venName())
                    .programID("no-such-program")
                    .objectOperations(s.getObjectOperations())));
    assertThat(
            subscriptions.searchSubscriptions(
                p.getId(), ven1.venName(), List.of(ObjectTypes.EVENT), null, null))
        .extracting(Subscription::getId)
        .containsExactly(s.getId());
    assertThat(
            subscriptions.searchSubscriptions(null, null, List.of(ObjectTypes.REPORT), null, null))
        .isEmpty();
    assertThat(new SubscriptionsApi(as(ven2)).searchSubscriptions(null, null, null, null, null))
        .isEmpty();
    fails(404, () -> new SubscriptionsApi(as(ven2)).searchSubscriptionByID(s.getId()));
    assertThat(subscriptions.searchSubscriptionByID(s.getId()).getClientName())
        .isEqualTo(ven1.venName());

    received.clear();
    receivedAuth.clear();
    EventsApi events = new EventsApi(as(bl));
    // the first attempt fails: the worker tries again after its wait
    callbackFailuresLeft.set(1);
    Event seen = events.createEvent(capacityLimit(p.getId(), ven1.venName(), 5));
    Event unseen = events.createEvent(capacityLimit(p.getId(), ven2.venName(), 5));
    eventually(() -> callbackFailuresLeft.get() == 0);
    // move the clock past the retry's wait only once the worker has written the failed attempt
    eventually(
        () ->
            h.db
                .dsl()
                .fetchExists(
                    OPENADR_NOTIFICATION,
                    OPENADR_NOTIFICATION
                        .ATTEMPTS
                        .eq(1)
                        .and(OPENADR_NOTIFICATION.DELIVERED_AT.isNull())));
    h.clock.advance(Duration.ofSeconds(30));
    eventually(() -> received.size() == 1);
    JsonObject notification = received.peek();
    assertThat(notification.getString("objectType")).isEqualTo("EVENT");
    assertThat(notification.getString("operation")).isEqualTo("CREATE");
    assertThat(notification.getJsonObject("object").getString("id")).isEqualTo(seen.getId());
    assertThat(receivedAuth.peek()).isEqualTo("Bearer callback-secret");
    assertThat(NotificationSchema.problems(notification)).isEmpty();
    events.deleteEvent(seen.getId());
    eventually(() -> received.size() == 2);
    assertThat(received)
        .extracting(n -> n.getJsonObject("object").getString("id"))
        .doesNotContain(unseen.getId());

    Subscription changed =
        subscriptions.updateSubscription(
            s.getId(),
            new SubscriptionRequest()
                .clientName("renamed")
                .objectOperations(s.getObjectOperations()));
    assertThat(changed.getClientName()).isEqualTo("renamed");
    fails(
        404,
        () ->
            new SubscriptionsApi(as(ven2))
                .updateSubscription(
                    s.getId(),
                    new SubscriptionRequest()
                        .clientName("x")
                        .objectOperations(s.getObjectOperations())));
    assertThat(subscriptions.deleteSubscription(s.getId()).getId()).isEqualTo(s.getId());
    fails(404, () -> subscriptions.deleteSubscription(s.getId()));
    fails(400, () -> subscriptions.searchSubscriptions(null, null, null, null, 51));
  }

  @Test
  @Order(8)
  void aUtilitysLoginTokenIsABusinessLogicClient() throws Exception {
    Program p = program(with(utilityToken), unique("utility-program"));
    assertThat(new ProgramsApi(with(utilityToken)).searchProgramByProgramId(p.getId()).getId())
        .isEqualTo(p.getId());
  }

  @Test
  @Order(9)
  void notifiersAreWebhooksOnly() throws Exception {
    assertThat(new NotifiersApi(as(bl)).listAllNotifiers().getWEBHOOK()).isTrue();
    fails(404, () -> new MqttNotifierApi(as(bl)).listAllMqttNotifierTopicsPrograms());
    fails(403, () -> new MqttNotifierApi(as(ven1)).listAllMqttNotifierTopicsEvents());
  }

  @Test
  @Order(10)
  void unknownPathsAndMethodsAreProblems() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base() + "/nothing-here")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(r.body()).getInteger("status")).isEqualTo(404);
  }

  @Test
  @Order(100)
  void everyAnswerMatchedTheDocumentAndEveryOperationWasDriven() {
    assertThat(proxy.violations).isEmpty();
    List<String> expected =
        List.of(
            "fetchToken 200",
            "fetchToken 400",
            "fetchToken 401",
            "getAuthServerInfo 200",
            "searchAllPrograms 200",
            "searchAllPrograms 400",
            "searchAllPrograms 401",
            "createProgram 201",
            "createProgram 400",
            "createProgram 403",
            "createProgram 409",
            "searchProgramByProgramId 200",
            "searchProgramByProgramId 404",
            "updateProgram 200",
            "updateProgram 404",
            "updateProgram 409",
            "deleteProgram 200",
            "deleteProgram 404",
            "searchAllEvents 200",
            "searchAllEvents 400",
            "createEvent 201",
            "createEvent 400",
            "createEvent 403",
            "searchEventsByID 200",
            "searchEventsByID 404",
            "updateEvent 200",
            "updateEvent 404",
            "deleteEvent 200",
            "deleteEvent 404",
            "searchAllReports 200",
            "searchAllReports 400",
            "createReport 201",
            "createReport 400",
            "createReport 403",
            "searchReportsByReportID 200",
            "searchReportsByReportID 404",
            "updateReport 200",
            "updateReport 404",
            "deleteReport 200",
            "deleteReport 404",
            "searchSubscriptions 200",
            "searchSubscriptions 400",
            "createSubscription 201",
            "createSubscription 400",
            "searchSubscriptionByID 200",
            "searchSubscriptionByID 404",
            "updateSubscription 200",
            "updateSubscription 404",
            "deleteSubscription 200",
            "deleteSubscription 404",
            "searchVens 200",
            "createVen 201",
            "createVen 403",
            "createVen 409",
            "searchVenByID 200",
            "searchVenByID 404",
            "updateVen 200",
            "updateVen 404",
            "updateVen 409",
            "deleteVen 200",
            "deleteVen 404",
            "searchVenResources 200",
            "createResource 201",
            "createResource 404",
            "createResource 409",
            "searchVenResourceByID 200",
            "searchVenResourceByID 404",
            "updateVenResource 200",
            "updateVenResource 404",
            "updateVenResource 409",
            "deleteVenResource 200",
            "deleteVenResource 404",
            "listAllNotifiers 200",
            "listAllMqttNotifierTopicsPrograms 404",
            "listAllMqttNotifierTopicsEvents 403",
            "GET /openadr3/3.1.0/nothing-here 404");
    assertThat(proxy.seen).containsAll(expected);
  }

  /** The document's {@code notification} schema, for what the VTN posts to callbacks. */
  static final class NotificationSchema {
    private NotificationSchema() {}

    static List<String> problems(JsonObject notification) {
      JsonObject doc = VtnContract.forValidation();
      io.vertx.json.schema.SchemaRepository repo =
          io.vertx.json.schema.SchemaRepository.create(
              new io.vertx.json.schema.JsonSchemaOptions()
                  .setDraft(io.vertx.json.schema.Draft.DRAFT4)
                  .setBaseUri("https://vtn.test/"));
      repo.dereference("https://vtn.test/openadr3.json", io.vertx.json.schema.JsonSchema.of(doc));
      io.vertx.json.schema.OutputUnit out =
          repo.validator(
                  io.vertx.json.schema.JsonSchema.of(
                      new JsonObject()
                          .put(
                              "$ref",
                              "https://vtn.test/openadr3.json#/components/schemas/notification")))
              .validate(notification);
      return out.getValid() ? List.of() : List.of(String.valueOf(out.getErrors()));
    }
  }
}
