package io.peerwatt.deploy;

import io.peerwatt.trading.testing.ApiClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * A running {@code peerwatt platform} for tests, on embedded defaults (any free port, embedded
 * PostgreSQL and devnet in a data dir of the test's), with an {@link ApiClient} speaking to it.
 */
final class PlatformHarness implements AutoCloseable {
  final Platform platform;
  final ApiClient api;

  private PlatformHarness(Platform platform) {
    this.platform = platform;
    this.api = new ApiClient(platform.port());
  }

  /** The platform's settings for {@code dataDir} on any free port, with config {@code overrides} (key, value, ...). */
  static PlatformSettings settings(Path dataDir, String... overrides) {
    Map<String, String> flags = new HashMap<>(Map.of("http.port", "0", "data-dir", dataDir.toString()));
    for (int i = 0; i < overrides.length; i += 2) {
      flags.put(overrides[i], overrides[i + 1]);
    }
    return PlatformSettings.from(Config.load(PlatformSettings.KEYS, null, Map.of(), flags));
  }

  /** Starts the platform on {@code dataDir} with config {@code overrides} (key, value, ...). */
  static PlatformHarness start(Path dataDir, String... overrides) {
    return new PlatformHarness(Platform.start(settings(dataDir, overrides)));
  }

  /** Starts the platform with {@code settings} on the embedded devnet and {@code clock}. */
  static PlatformHarness start(PlatformSettings settings, Clock clock) {
    return new PlatformHarness(Platform.start(settings, ChainSettings.devnet(), clock));
  }

  /** Creates an operator in the platform's database, as {@code peerwatt admin create-operator} does, and logs it in. */
  String operator(String username, String password) {
    return api.operator(platform.database().dsl(), username, password);
  }

  /**
   * A continuous zone in Amsterdam time with no grid fee, 30 ct/kWh imbalance, negative prices allowed,
   * orders of 1 Wh..100 kWh at -100..100 ct/kWh.
   */
  static JsonObject utrechtZone() {
    return new JsonObject().put("name", "Utrecht").put("currency", "EUR")
        .put("priceUnit", "MILLI_CT_PER_KWH").put("clearingMode", "CONTINUOUS").put("gateClosureLeadSeconds", 900)
        .put("gridFeePerKwh", 0).put("imbalancePricePerKwh", 30000).put("negativePricesAllowed", true)
        .put("localTimeZone", "Europe/Amsterdam").put("minQuantityWh", 1).put("maxQuantityWh", 100000)
        .put("minPricePerKwh", -100000).put("maxPricePerKwh", 100000);
  }

  /**
   * A continuous zone in Berlin time with a 2 ct/kWh grid fee, 40 ct/kWh imbalance, no negative prices,
   * orders of 100 Wh..1 MWh at 0..100 ct/kWh.
   */
  static JsonObject testStreetZone() {
    return new JsonObject().put("name", "Test street").put("currency", "EUR")
        .put("priceUnit", "MILLI_CT_PER_KWH").put("clearingMode", "CONTINUOUS").put("gateClosureLeadSeconds", 900)
        .put("gridFeePerKwh", 2_000).put("imbalancePricePerKwh", 40_000).put("negativePricesAllowed", false)
        .put("localTimeZone", "Europe/Berlin").put("minQuantityWh", 100).put("maxQuantityWh", 1_000_000)
        .put("minPricePerKwh", 0).put("maxPricePerKwh", 100_000);
  }

  /** The platform's event-bus handlers in use, from {@code /metrics}: one per open API stream, besides its own. */
  long eventBusHandlers() {
    return api.getPath("/metrics").bodyAsString().lines().filter(line -> line.startsWith("vertx_eventbus_handlers "))
        .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .findFirst().orElse(0); // the gauge appears with the first handler
  }

  @Override
  public void close() {
    try {
      api.close();
    } finally {
      platform.close();
    }
  }
}
