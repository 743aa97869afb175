package io.peerwatt.db;

import static io.peerwatt.db.schema.Tables.ACCOUNT;
import static io.peerwatt.db.schema.Tables.METERING_POINT;
import static io.peerwatt.db.schema.Tables.ZONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.db.testing.TestDatabase;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The fixture hands out a migrated database that jOOQ writes to and reads from. */
@ExtendWith(PostgresExtension.class)
class FixtureTest {

  @Test
  void migratesWritesAndReadsThroughJooq(DSLContext db) {
    db.insertInto(ZONE, ZONE.CODE, ZONE.NAME).values("DE-TEST", "Test zone").execute();
    long accountId =
        db.insertInto(
                ACCOUNT, ACCOUNT.USERNAME, ACCOUNT.ROLE, ACCOUNT.PASSWORD_HASH, ACCOUNT.ZONE_CODE)
            .values("alice", "prosumer", "$argon2id$placeholder-not-checked-here", "DE-TEST")
            .returning(ACCOUNT.ID)
            .fetchOne(ACCOUNT.ID);
    db.insertInto(
            METERING_POINT,
            METERING_POINT.ACCOUNT_ID,
            METERING_POINT.ZONE_CODE,
            METERING_POINT.LABEL,
            METERING_POINT.MAX_POWER_W)
        .values(accountId, "DE-TEST", "Home", 11_000L)
        .execute();

    var row =
        db.select(ACCOUNT.USERNAME, METERING_POINT.LABEL, METERING_POINT.MAX_POWER_W)
            .from(ACCOUNT)
            .join(METERING_POINT)
            .on(METERING_POINT.ACCOUNT_ID.eq(ACCOUNT.ID))
            .where(ACCOUNT.ID.eq(accountId))
            .fetchOne();
    assertThat(row.value1()).isEqualTo("alice");
    assertThat(row.value2()).isEqualTo("Home");
    assertThat(row.value3()).isEqualTo(11_000L);
  }

  @Test
  void constraintsFromTheMigrationsHold(DSLContext db) {
    assertThatThrownBy(
            () ->
                db.insertInto(ACCOUNT, ACCOUNT.USERNAME, ACCOUNT.ROLE, ACCOUNT.PASSWORD_HASH)
                    .values("mallory", "superuser", "x")
                    .execute())
        .isInstanceOf(DataAccessException.class)
        .hasMessageContaining("ck_account_role");
  }

  @Test
  void eachTestClassGetsItsOwnDatabase(TestDatabase db) {
    assertThat(db.jdbcUrl()).contains("/pw_fixturetest_");
    assertThat(TestDatabase.serverKind()).isIn("external", "testcontainers", "embedded");
  }
}
