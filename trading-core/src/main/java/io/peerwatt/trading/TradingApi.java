package io.peerwatt.trading;

import io.peerwatt.http.ApiDocument;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.ApiRouter;
import io.peerwatt.http.BearerTokens;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.DataGrantTokens;
import io.peerwatt.http.DeviceRequests;
import io.peerwatt.trading.account.AccountStore;
import io.peerwatt.trading.account.InMemoryLoginLimiter;
import io.peerwatt.trading.account.PasswordHasher;
import io.peerwatt.trading.account.RevokedTokens;
import io.peerwatt.trading.api.AccountRoutes;
import io.peerwatt.trading.api.DeviceRoutes;
import io.peerwatt.trading.api.MarketDataRoutes;
import io.peerwatt.trading.api.MeteringPointRoutes;
import io.peerwatt.trading.api.OrderRoutes;
import io.peerwatt.trading.api.ReadingRoutes;
import io.peerwatt.trading.api.RuleRoutes;
import io.peerwatt.trading.api.ShareRoutes;
import io.peerwatt.trading.api.ZoneRoutes;
import io.peerwatt.trading.device.DeviceStore;
import io.peerwatt.trading.device.Enrolment;
import io.peerwatt.trading.device.GatewayAlarms;
import io.peerwatt.trading.device.MeteringPointStore;
import io.peerwatt.trading.flex.FlexRequests;
import io.peerwatt.trading.flex.FlexRoutes;
import io.peerwatt.trading.flex.FlexRules;
import io.peerwatt.trading.flex.GridFlexEvents;
import io.peerwatt.trading.ingest.ChainRestarts;
import io.peerwatt.trading.ingest.ReadingIngest;
import io.peerwatt.trading.ingest.ReadingIntake;
import io.peerwatt.trading.ingest.ReadingPartitions;
import io.peerwatt.trading.ingest.ReadingStore;
import io.peerwatt.trading.market.Market;
import io.peerwatt.trading.market.ZoneStore;
import io.peerwatt.trading.openadr.Notifications;
import io.peerwatt.trading.openadr.Vtn;
import io.peerwatt.trading.openadr.VtnClientRoutes;
import io.peerwatt.trading.openadr.VtnObjects;
import io.peerwatt.trading.share.AuthorizationServer;
import io.peerwatt.trading.share.DataApplications;
import io.peerwatt.trading.share.DataGrants;
import io.peerwatt.trading.share.DataSharingPolicies;
import io.peerwatt.trading.share.GrantTokenCheck;
import io.peerwatt.trading.share.OAuthTokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jooq.DSLContext;

/**
 * The trading side of the platform, as the composition root wires it: accounts, zones, metering
 * points, device enrolment, reading ingestion and the market over one database, and the API
 * resources that serve them, each built with its services. The composition root mounts {@link
 * #router} (the trading resources and settlement's) at {@link ApiRouter#BASE_PATH} and hands {@link
 * #deviceRequests} to the device-signed gateway API.
 */
public final class TradingApi implements AutoCloseable {
  /** Class-path location of the platform's OpenAPI document. */
  public static final String OPENAPI_RESOURCE = "openapi/peerwatt-api.yaml";

  /** How often reading partitions are made ahead and old nonces forgotten. */
  private static final Duration HOUSEKEEPING_EVERY = Duration.ofHours(6);

  private final Vertx vertx;
  private final TradingSettings settings;
  private final List<ApiResource> resources;
  private final BearerTokens tokens;
  private final DeviceRequests deviceRequests;
  private final Market market;
  private final ReadingIngest ingest;
  private final Vtn vtn;
  private final Sharing sharing;
  private final long housekeepingTimer;

  private TradingApi(
      Vertx vertx,
      TradingSettings settings,
      List<ApiResource> resources,
      BearerTokens tokens,
      DeviceRequests deviceRequests,
      Market market,
      ReadingIngest ingest,
      Vtn vtn,
      Sharing sharing,
      long housekeepingTimer) {
    this.vertx = vertx;
    this.settings = settings;
    this.resources = resources;
    this.tokens = tokens;
    this.deviceRequests = deviceRequests;
    this.market = market;
    this.ingest = ingest;
    this.vtn = vtn;
    this.sharing = sharing;
    this.housekeepingTimer = housekeepingTimer;
  }

  /** Data sharing's services, for its authorization server and its token check. */
  private record Sharing(
      DataApplications applications,
      DataGrants grants,
      OAuthTokens oauthTokens,
      GrantTokenCheck check,
      Blocking blocking,
      Clock clock,
      Clock securityClock) {}

  /**
   * Builds the trading services and resources over {@code dsl}: creates the reading partitions for
   * the coming months, recovers the market's books and starts its scheduler.
   *
   * @param keys the platform's keys: the signing key signs device certificates, the secret login
   *     tokens
   * @param blocking the worker pool every blocking piece runs on
   * @param clock the platform's time: the market's, the readings' (the demo's accelerated one in
   *     the demo)
   * @param securityClock the login limiter's windows, the login tokens' expiry and their
   *     revocations: real time on every platform, whatever {@code clock} runs at (tests move it by
   *     hand)
   */
  public static Future<TradingApi> start(
      Vertx vertx,
      DSLContext dsl,
      TradingSettings settings,
      PlatformKeys keys,
      Clock clock,
      Clock securityClock,
      Blocking blocking) {
    return start(vertx, dsl, settings, keys, clock, securityClock, blocking, ingest -> ingest);
  }

  /**
   * The same, with reading uploads going where {@code uploads} says, given this process's {@link
   * ReadingIngest} (a node of a cluster appends them to the readings log instead).
   */
  public static Future<TradingApi> start(
      Vertx vertx,
      DSLContext dsl,
      TradingSettings settings,
      PlatformKeys keys,
      Clock clock,
      Clock securityClock,
      Blocking blocking,
      Function<ReadingIngest, ReadingIntake> uploads) {
    return start(vertx, dsl, settings, keys, clock, securityClock, blocking, uploads, Market::new);
  }

  /**
   * The same, with the market {@code markets} builds over the database (a node of a cluster gives
   * it the cluster's books and its part of the scheduling).
   */
  public static Future<TradingApi> start(
      Vertx vertx,
      DSLContext dsl,
      TradingSettings settings,
      PlatformKeys keys,
      Clock clock,
      Clock securityClock,
      Blocking blocking,
      Function<ReadingIngest, ReadingIntake> uploads,
      Function<DSLContext, Market> markets) {
    SecureRandom random = new SecureRandom();
    PasswordHasher hasher = new PasswordHasher(random);
    return blocking
        .run(
            () -> {
              ReadingPartitions.ensureAround(dsl, clock.instant());
              // verified against when a username is unknown, so a failed login takes the same time
              // either way
              return new Loaded(
                  hasher.hash(Long.toHexString(random.nextLong())),
                  RevokedTokens.load(dsl, blocking, securityClock));
            })
        .compose(
            loaded -> {
              BearerTokens tokens =
                  new BearerTokens(
                      vertx, keys.jwtSecret(), settings.tokenLifetime(), loaded.revoked());
              // the callbacks' retry waits run on real time, whatever clock the market runs on
              VtnObjects plainObjects =
                  new VtnObjects(
                      dsl,
                      clock,
                      new Notifications(dsl, securityClock, settings.privateCallbacks()));
              FlexRequests flex =
                  new FlexRequests(
                      dsl,
                      new DeviceStore(dsl),
                      plainObjects,
                      keys.signingKey(),
                      new FlexRules(dsl, new DeviceStore(dsl), clock),
                      clock);
              return Vtn.start(
                      vertx,
                      dsl,
                      plainObjects.withIntake(flex::recordFromEvent),
                      keys.jwtSecret(),
                      settings.tokenLifetime(),
                      tokens,
                      blocking,
                      clock,
                      settings.bodyLimitBytes())
                  .map(vtn -> new Started(loaded, tokens, vtn, flex));
            })
        .map(
            started -> {
              Loaded loaded = started.loaded();
              Vtn vtn = started.vtn();
              String decoyHash = loaded.decoyHash();
              RevokedTokens revoked = loaded.revoked();
              BearerTokens tokens = started.tokens();
              AccountStore accounts = new AccountStore(dsl, hasher);
              ZoneStore zones = new ZoneStore(dsl);
              MeteringPointStore points = new MeteringPointStore(dsl);
              DeviceStore devices = new DeviceStore(dsl);
              ReadingIngest ingest = new ReadingIngest(dsl, clock, settings.maxClockSkew());
              Market market = markets.apply(dsl);
              DeviceRequests deviceRequests =
                  new DeviceRequests(devices, clock, settings.maxClockSkew());
              DataApplications dataApplications = new DataApplications(dsl, random);
              DataGrants dataGrants = new DataGrants(dsl, dataApplications);
              OAuthTokens oauthTokens = new OAuthTokens(dsl);
              Sharing sharing =
                  new Sharing(
                      dataApplications,
                      dataGrants,
                      oauthTokens,
                      new GrantTokenCheck(oauthTokens, dataGrants, blocking, clock, securityClock),
                      blocking,
                      clock,
                      securityClock);
              List<ApiResource> resources =
                  List.of(
                      new AccountRoutes(
                          accounts,
                          zones,
                          blocking,
                          securityClock,
                          tokens,
                          hasher,
                          decoyHash,
                          new InMemoryLoginLimiter(
                              settings.loginFailuresPerMinute(),
                              settings.loginFailuresPerAddressPerMinute(),
                              securityClock)),
                      new ZoneRoutes(zones, blocking),
                      new MeteringPointRoutes(points, accounts, blocking),
                      new DeviceRoutes(
                          new Enrolment(devices, keys.signingKey(), random, clock),
                          devices,
                          points,
                          new GatewayAlarms(dsl),
                          deviceRequests,
                          blocking,
                          clock),
                      new ReadingRoutes(
                          uploads.apply(ingest),
                          new ChainRestarts(dsl, clock, settings.maxClockSkew()),
                          new ReadingStore(dsl),
                          points,
                          new AnchorStates(dsl),
                          blocking),
                      new OrderRoutes(market, clock, new AnchorStates(dsl)),
                      new MarketDataRoutes(vertx, market, clock),
                      new RuleRoutes(market, clock),
                      new VtnClientRoutes(vtn.clients(), vtn.objects(), deviceRequests, blocking),
                      new FlexRoutes(
                          started.flex(),
                          new GridFlexEvents(dsl, vtn.objects(), started.flex(), clock),
                          blocking),
                      new ShareRoutes(
                          dataApplications,
                          dataGrants,
                          new DataSharingPolicies(dsl, dataGrants),
                          sharing.check(),
                          blocking,
                          clock));
              market.start(vertx, blocking, clock);
              // new months get their reading partition well before their first reading; old nonces
              // and the revocations of expired tokens go
              long timer =
                  vertx.setPeriodic(
                      HOUSEKEEPING_EVERY.toMillis(),
                      id ->
                          blocking.run(
                              () -> {
                                ReadingPartitions.ensureAround(dsl, clock.instant());
                                revoked.forgetExpired();
                                return ingest.forgetOldNonces();
                              }));
              return new TradingApi(
                  vertx,
                  settings,
                  resources,
                  tokens,
                  deviceRequests,
                  market,
                  ingest,
                  vtn,
                  sharing,
                  timer);
            });
  }

  /** What {@link #start} reads before it wires anything. */
  private record Loaded(String decoyHash, RevokedTokens revoked) {}

  /** What {@link #start} has before it wires the rest: the reads, and the VTN. */
  private record Started(Loaded loaded, BearerTokens tokens, Vtn vtn, FlexRequests flex) {}

  /**
   * The {@code /api/v1} router over the platform's OpenAPI document: the trading resources, then
   * {@code others} (settlement's), behind the gate and the configured body limit.
   */
  public Future<Router> router(List<? extends ApiResource> others) {
    List<ApiResource> all = new ArrayList<>(resources);
    all.addAll(others);
    return ApiDocument.load(vertx, OPENAPI_RESOURCE)
        .map(document -> ApiRouter.create(vertx, document, tokens, settings.bodyLimitBytes(), all));
  }

  /** The OpenADR 3.1.0 VTN, whose router the composition root mounts at its base path. */
  public Vtn vtn() {
    return vtn;
  }

  /** Issues and checks the login tokens. */
  public BearerTokens tokens() {
    return tokens;
  }

  /**
   * The OAuth 2 authorization server of data sharing, to mount at {@code /} before the portal.
   *
   * @param sessionCookie the portal's session cookie, whose token says which household consents
   * @param baseUrl the platform's base URL as a request reached it (the issuer, the endpoints)
   */
  public AuthorizationServer authorizationServer(
      String sessionCookie, Function<RoutingContext, String> baseUrl) {
    return new AuthorizationServer(
        sharing.applications(),
        sharing.grants(),
        sharing.oauthTokens(),
        tokens,
        sessionCookie,
        baseUrl,
        sharing.blocking(),
        sharing.clock(),
        sharing.securityClock());
  }

  /** Checks the access tokens third parties send for the data of a grant. */
  public DataGrantTokens dataGrantTokens() {
    return sharing.check();
  }

  /** Authenticates requests gateways sign with their device keys. */
  public DeviceRequests deviceRequests() {
    return deviceRequests;
  }

  /**
   * Stops the market's scheduler and the housekeeping timer, and reading ingestion once it has
   * stored what it took.
   */
  @Override
  public void close() {
    vertx.cancelTimer(housekeepingTimer);
    vtn.close();
    market.stop();
    ingest.close();
  }
}
