package io.peerwatt.trading.device;

import static io.peerwatt.db.schema.Tables.METERING_POINT;

import io.peerwatt.db.schema.tables.records.MeteringPointRecord;
import io.peerwatt.http.Caller;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Metering points ({@code metering_point}), and who may read them: a prosumer its own, a utility
 * those of its zone, an operator all. Blocking.
 */
public final class MeteringPointStore {
  private final DSLContext dsl;

  public MeteringPointStore(DSLContext dsl) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
  }

  /** A new metering point of {@code accountId} in {@code zoneCode}. */
  public MeteringPointRecord create(long accountId, String zoneCode, String label, long maxPowerW) {
    return dsl.insertInto(METERING_POINT)
        .set(METERING_POINT.ACCOUNT_ID, accountId)
        .set(METERING_POINT.ZONE_CODE, zoneCode)
        .set(METERING_POINT.LABEL, label)
        .set(METERING_POINT.MAX_POWER_W, maxPowerW)
        .returning()
        .fetchOne();
  }

  /** The metering points {@code caller} may read, oldest first. */
  public List<MeteringPointRecord> visibleTo(Caller caller) {
    return dsl.selectFrom(METERING_POINT)
        .where(visibility(caller))
        .orderBy(METERING_POINT.ID)
        .fetch();
  }

  /** The metering point {@code id} if {@code caller} may read it. */
  public Optional<MeteringPointRecord> visible(Caller caller, long id) {
    return dsl.selectFrom(METERING_POINT)
        .where(METERING_POINT.ID.eq(id))
        .and(visibility(caller))
        .fetchOptional();
  }

  /** The metering points {@code caller} may read, as a condition on {@code metering_point}. */
  static Condition visibility(Caller caller) {
    return switch (caller.role()) {
      case OPERATOR -> DSL.trueCondition();
      case UTILITY ->
          caller.zoneCode() == null
              ? DSL.falseCondition()
              : METERING_POINT.ZONE_CODE.eq(caller.zoneCode());
      case PROSUMER -> METERING_POINT.ACCOUNT_ID.eq(caller.accountId());
      // a third party reads only what households shared with it, never the points themselves
      case THIRD_PARTY -> DSL.falseCondition();
    };
  }
}
