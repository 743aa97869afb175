package io.peerwatt.cluster.market;

import static io.peerwatt.db.schema.Tables.ZONE;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.db.testing.TestDatabase;
import java.util.OptionalInt;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A zone's partition follows the order in which zones were created ({@code zone.shard_order}), not
 * their names or how anyone lists them, and zones created after the shards were made are found.
 */
@ExtendWith(PostgresExtension.class)
class ZoneShardsInDatabaseTest {

  @Test
  void zonesAreShardedInTheOrderTheyWereCreated(TestDatabase db) {
    DSLContext dsl = db.dsl();
    ZoneShards shards = ZoneShards.inDatabase(3, dsl);
    create(dsl, "ZZ-FIRST");
    create(dsl, "AA-SECOND");
    create(dsl, "MM-THIRD");
    long first = order(dsl, "ZZ-FIRST");
    assertThat(order(dsl, "AA-SECOND")).isEqualTo(first + 1);
    assertThat(order(dsl, "MM-THIRD")).isEqualTo(first + 2);

    int p = shards.partitionOf("ZZ-FIRST").getAsInt();
    assertThat(p).isEqualTo((int) (first % 3));
    assertThat(shards.partitionOf("AA-SECOND")).isEqualTo(OptionalInt.of((p + 1) % 3));
    assertThat(shards.partitionOf("MM-THIRD")).isEqualTo(OptionalInt.of((p + 2) % 3));
    assertThat(shards.partitionOf("NO-SUCH-ZONE")).isEmpty();
    // created while the shards are in use: found without a restart, and it wraps around
    create(dsl, "BB-FOURTH");
    assertThat(shards.partitionOf("BB-FOURTH")).isEqualTo(OptionalInt.of(p));
    // renaming keeps the order
    dsl.update(ZONE).set(ZONE.NAME, "renamed").where(ZONE.CODE.eq("ZZ-FIRST")).execute();
    assertThat(ZoneShards.inDatabase(3, dsl).partitionOf("ZZ-FIRST")).isEqualTo(OptionalInt.of(p));
  }

  private static void create(DSLContext dsl, String code) {
    dsl.insertInto(ZONE).set(ZONE.CODE, code).set(ZONE.NAME, code).execute();
  }

  private static long order(DSLContext dsl, String code) {
    return dsl.select(ZONE.SHARD_ORDER).from(ZONE).where(ZONE.CODE.eq(code)).fetchSingle().value1();
  }
}
