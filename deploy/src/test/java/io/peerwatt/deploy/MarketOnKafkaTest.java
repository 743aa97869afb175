package io.peerwatt.deploy;

import static io.peerwatt.db.schema.Tables.CLEARING_RESULT;
import static io.peerwatt.db.schema.Tables.ZONE_RESULT_OFFSET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.cluster.KafkaTestCluster;
import io.peerwatt.cluster.market.ZoneShards;
import io.peerwatt.cluster.market.ZoneTopics;
import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.db.testing.TestDatabase;
import io.peerwatt.protocol.testing.MutableClock;
import io.peerwatt.trading.testing.ApiClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: the market of two platform nodes on Kafka, both in this JVM on one database: node-1
 * {@code --roles api,market,settlement}, node-2 {@code --roles api,market}. Orders placed on either
 * node go to the zone's shard, are matched by whichever node owns it, and are visible through both
 * APIs as soon as the order is answered; rejections answer as the single process answers; gates
 * close through Kafka on the shared clock, exactly once.
 */
@ExtendWith(PostgresExtension.class)
class MarketOnKafkaTest {
  private static final int PARTITIONS = 4;
  private static final String SLOT = "2026-11-25T11:00Z/PT15M";
  private static final String SLOT_START = "2026-11-25T11:00Z";

  @Test
  void twoNodesTradeThroughTheZoneShardsAndCloseGatesOnce(TestDatabase db, @TempDir Path dir)
      throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    try (KafkaTestCluster kafka = KafkaTestCluster.start();
        PlatformHarness one =
            node(dir, db, kafka, "node-1", "api,market,settlement", clock, PARTITIONS);
        PlatformHarness two = node(dir, db, kafka, "node-2", "api,market", clock, PARTITIONS)) {
      ApiClient a = one.api;
      ApiClient b = two.api;
      String ops = one.operator("ops", PlatformHarness.OPS_PASSWORD);
      a.zone(ops, "NL-CONT", ApiClient.zoneBody("Continuous", "CONTINUOUS", 100, 10));
      // created on the other node, after the first: the next shard
      b.zone(ops, "NL-CALL", ApiClient.zoneBody("Auction", "CALL_AUCTION", 100, 10));
      ZoneShards shards = ZoneShards.inDatabase(PARTITIONS, db.dsl());
      int contPartition = shards.partitionOf("NL-CONT").getAsInt();
      int callPartition = shards.partitionOf("NL-CALL").getAsInt();
      assertThat(callPartition).isEqualTo((contPartition + 1) % PARTITIONS);

      ApiClient.Account alice = a.prosumer(ops, "alice", "NL-CONT");
      ApiClient.Account bob = a.prosumer(ops, "bob", "NL-CONT");
      ApiClient.Account carol = b.prosumer(ops, "carol", "NL-CALL");
      ApiClient.Account dave = b.prosumer(ops, "dave", "NL-CALL");
      String aliceOnB = b.login("alice", "alice-password");
      String bobOnB = b.login("bob", "bob-password");

      // crossing orders on different nodes: the trade is there on both right after the answer
      JsonObject offer =
          created(a.post("/orders", alice.token(), order("NL-CONT", "SELL", 1000, 20_000)));
      assertThat(offer.getString("state")).isEqualTo("OPEN");
      JsonObject bid = created(b.post("/orders", bobOnB, order("NL-CONT", "BUY", 600, 25_000)));
      assertThat(bid.getString("state")).isEqualTo("FILLED");
      long offerId = offer.getLong("id");
      JsonObject offerOnB = ApiClient.ok(b.get("/orders/" + offerId, aliceOnB));
      assertThat(offerOnB.getString("state")).isEqualTo("PARTIALLY_FILLED");
      assertThat(offerOnB.getLong("openWh")).isEqualTo(400);
      JsonArray alicesTrades = ApiClient.ok(a.get("/trades", alice.token())).getJsonArray("trades");
      JsonArray bobsTrades = ApiClient.ok(b.get("/trades", bobOnB)).getJsonArray("trades");
      assertThat(alicesTrades).hasSize(1);
      assertThat(bobsTrades).hasSize(1);
      assertThat(alicesTrades.getJsonObject(0).getLong("quantityWh")).isEqualTo(600);
      assertThat(bobsTrades.getJsonObject(0).getLong("id"))
          .isEqualTo(alicesTrades.getJsonObject(0).getLong("id"));

      // amend on the other node, cancel, and what the book or the API refuses
      JsonObject amended =
          ApiClient.ok(
              b.patch("/orders/" + offerId, aliceOnB, new JsonObject().put("quantityWh", 300)));
      assertThat(amended.getLong("openWh")).isEqualTo(300);
      long low =
          created(a.post("/orders", bob.token(), order("NL-CONT", "BUY", 100, 10_000)))
              .getLong("id");
      assertThat(ApiClient.ok(b.delete("/orders/" + low, bobOnB)).getString("state"))
          .isEqualTo("CANCELLED");
      HttpResponse<Buffer> notOpen =
          a.patch("/orders/" + low, bob.token(), new JsonObject().put("quantityWh", 50));
      assertThat(notOpen.statusCode()).isEqualTo(409);
      assertThat(notOpen.bodyAsJsonObject().getString("error")).isEqualTo("ORDER_NOT_OPEN");
      assertThat(b.delete("/orders/" + offerId, bobOnB).statusCode()).isEqualTo(404);
      HttpResponse<Buffer> selfTrade =
          b.post("/orders", aliceOnB, order("NL-CONT", "BUY", 100, 25_000));
      assertThat(selfTrade.statusCode()).isEqualTo(400);
      assertThat(selfTrade.bodyAsJsonObject().getString("error")).isEqualTo("SELF_TRADE");
      assertThat(selfTrade.bodyAsJsonObject().getString("field"))
          .isEqualTo("limitPriceMilliCtPerKwh");

      // depth from either node
      for (ApiClient api : List.of(a, b)) {
        JsonObject book = ApiClient.ok(api.get("/market/NL-CONT/" + SLOT_START + "/book", ops));
        assertThat(book.getJsonArray("bids")).isEmpty();
        JsonArray offers = book.getJsonArray("offers");
        assertThat(offers).hasSize(1);
        assertThat(offers.getJsonObject(0).getLong("pricePerKwh")).isEqualTo(20_000);
        assertThat(offers.getJsonObject(0).getLong("quantityWh")).isEqualTo(300);
        assertThat(offers.getJsonObject(0).getInteger("orderCount")).isEqualTo(1);
      }

      // a call auction clears at gate closure, through Kafka, once whichever node closes it
      created(a.post("/orders", carol.token(), order("NL-CALL", "SELL", 1000, 20_000)));
      created(b.post("/orders", dave.token(), order("NL-CALL", "BUY", 600, 30_100)));
      String result = "/market/NL-CALL/" + SLOT_START + "/result";
      assertThat(ApiClient.ok(a.get(result, ops)).getBoolean("cleared")).isFalse();
      clock.set(Instant.parse("2026-11-25T10:45:00Z"));
      ApiClient.eventually(() -> ApiClient.ok(b.get(result, ops)).getBoolean("cleared"));
      ApiClient.eventually(
          () ->
              ApiClient.ok(a.get("/market/NL-CONT/" + SLOT_START + "/result", ops))
                  .getBoolean("cleared"));
      JsonObject cleared = ApiClient.ok(a.get(result, ops));
      assertThat(cleared.getLong("volumeWh")).isEqualTo(600);
      assertThat(cleared.getLong("pricePerKwh")).isBetween(20_000L, 30_100L);
      assertThat(cleared.getString("state")).isEqualTo("CLOSED");
      assertThat(ApiClient.ok(b.get("/orders/" + offerId, aliceOnB)).getString("state"))
          .isEqualTo("EXPIRED");
      assertThat(db.dsl().fetchCount(CLEARING_RESULT)).isEqualTo(2);

      // each zone's results came on its own partition
      Map<Integer, Long> projected =
          db.dsl()
              .select(ZONE_RESULT_OFFSET.PARTITION_NO, ZONE_RESULT_OFFSET.NEXT_OFFSET)
              .from(ZONE_RESULT_OFFSET)
              .where(ZONE_RESULT_OFFSET.TOPIC.eq(ZoneTopics.STANDARD.results()))
              .and(ZONE_RESULT_OFFSET.NEXT_OFFSET.gt(0L))
              .fetchMap(ZONE_RESULT_OFFSET.PARTITION_NO, ZONE_RESULT_OFFSET.NEXT_OFFSET);
      assertThat(projected.keySet()).isEqualTo(Set.of(contPartition, callPartition));

      // a node configured for another partition count would move zones: it refuses to start
      assertThatThrownBy(() -> node(dir, db, kafka, "node-3", "api", clock, PARTITIONS + 2))
          .isInstanceOf(UserError.class)
          .hasMessageContaining("kafka.zone-partitions=" + PARTITIONS);
    }
  }

  static PlatformHarness node(
      Path dataDir,
      TestDatabase db,
      KafkaTestCluster kafka,
      String nodeId,
      String roles,
      MutableClock clock,
      int partitions) {
    Map<String, String> flags = new HashMap<>();
    flags.put("http.port", "0");
    flags.put("data-dir", dataDir.toString());
    flags.put("db.url", db.jdbcUrl());
    flags.put("db.user", db.user());
    if (db.password() != null) {
      flags.put("db.password", db.password());
    }
    flags.put("kafka.bootstrap-servers", kafka.bootstrapServers());
    flags.put("kafka.zone-partitions", Integer.toString(partitions));
    flags.put("node.id", nodeId);
    return PlatformHarness.start(
        PlatformSettings.from(Config.load(PlatformSettings.KEYS, null, Map.of(), flags), roles),
        clock);
  }

  private static JsonObject order(String zone, String side, long quantityWh, long price) {
    return new JsonObject()
        .put("zone", zone)
        .put("slot", SLOT)
        .put("side", side)
        .put("quantityWh", quantityWh)
        .put("limitPriceMilliCtPerKwh", price)
        .put("type", "LIMIT");
  }

  private static JsonObject created(HttpResponse<Buffer> response) {
    return ApiClient.check(response, 201).bodyAsJsonObject();
  }
}
