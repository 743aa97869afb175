package io.peerwatt.trading.market;

import static io.peerwatt.db.schema.Tables.MARKET_COMMAND;

import io.peerwatt.trading.matching.CommandCodec;
import io.peerwatt.trading.matching.CommandLog;
import io.peerwatt.trading.matching.Instrument;
import io.peerwatt.trading.matching.OrderCommand;
import java.util.Objects;
import java.util.function.Consumer;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The command log of one (zone, slot) book in table {@code market_command}: {@link CommandCodec}
 * bytes under sequence numbers 0, 1, 2, ... Appends run on the given {@link DSLContext}, so an
 * append made with a transaction's context commits or rolls back with everything else the command
 * wrote. The primary key (zone, slot, sequence) refuses a second writer that raced for the same
 * sequence.
 */
final class PostgresCommandLog implements CommandLog {
  private final DSLContext dsl;
  private final Instrument instrument;

  PostgresCommandLog(DSLContext dsl, Instrument instrument) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.instrument = Objects.requireNonNull(instrument, "instrument");
  }

  @Override
  public long append(OrderCommand command) {
    long sequence = size();
    dsl.insertInto(MARKET_COMMAND)
        .set(MARKET_COMMAND.ZONE_CODE, instrument.zoneCode())
        .set(MARKET_COMMAND.SLOT_START, instrument.slot().start())
        .set(MARKET_COMMAND.SEQUENCE, sequence)
        .set(MARKET_COMMAND.COMMAND_TYPE, (short) command.type().code())
        .set(MARKET_COMMAND.PAYLOAD, CommandCodec.encode(command))
        .execute();
    return sequence;
  }

  @Override
  public void replay(long fromSequence, Consumer<OrderCommand> sink) {
    dsl.select(MARKET_COMMAND.PAYLOAD)
        .from(MARKET_COMMAND)
        .where(MARKET_COMMAND.ZONE_CODE.eq(instrument.zoneCode()))
        .and(MARKET_COMMAND.SLOT_START.eq(instrument.slot().start()))
        .and(MARKET_COMMAND.SEQUENCE.ge(fromSequence))
        .orderBy(MARKET_COMMAND.SEQUENCE)
        .fetchSize(1000)
        .forEach(r -> sink.accept(CommandCodec.decode(r.value1())));
  }

  @Override
  public long size() {
    Long max =
        dsl.select(DSL.max(MARKET_COMMAND.SEQUENCE))
            .from(MARKET_COMMAND)
            .where(MARKET_COMMAND.ZONE_CODE.eq(instrument.zoneCode()))
            .and(MARKET_COMMAND.SLOT_START.eq(instrument.slot().start()))
            .fetchOne(0, Long.class);
    return max == null ? 0 : max + 1;
  }
}
