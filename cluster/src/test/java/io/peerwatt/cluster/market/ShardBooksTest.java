package io.peerwatt.cluster.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.trading.matching.CloseGate;
import io.peerwatt.trading.matching.Instrument;
import io.peerwatt.trading.matching.OrderCommand;
import io.peerwatt.trading.matching.PlaceOrder;
import io.peerwatt.trading.matching.ResultCode;
import io.peerwatt.trading.matching.Side;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * A shard keeps its open books only: a closed book is answered from its slot and hash, and closed
 * slots are forgotten {@link ShardBooks#KEEP_CLOSED} later, the same way after a snapshot.
 */
class ShardBooksTest {
  private static final String ZONE = "zone-0";
  private static final DeliverySlot FIRST = TestZones.SLOTS.get(0);
  private static final DeliverySlot LATER =
      DeliverySlot.startingAt(FIRST.start().plus(ShardBooks.KEEP_CLOSED).plus(Duration.ofHours(1)));

  private long offset;

  @Test
  void aClosedBookIsAnsweredFromItsHashAndForgottenTwoDaysOfSlotsLater() {
    ShardBooks shard = new ShardBooks("node", "snapshots", TestZones::config, 0);
    apply(shard, FIRST, order(FIRST, 1, Side.SELL));
    ZoneResult close = apply(shard, FIRST, new CloseGate());
    assertThat(close.result().code()).isEqualTo(ResultCode.SUCCESS);

    ZoneResult late = apply(shard, FIRST, order(FIRST, 2, Side.BUY));
    assertThat(late.result().code()).isEqualTo(ResultCode.BOOK_CLOSED);
    assertThat(late.bookStateHash()).isEqualTo(close.bookStateHash());
    ZoneSnapshot kept = snapshot(shard);
    assertThat(kept.books()).isEmpty();
    assertThat(kept.closed())
        .containsExactly(new ZoneSnapshot.ClosedBook(FIRST, close.bookStateHash()));

    // a shard restored from that snapshot answers the same
    ShardBooks restored = new ShardBooks("node", "snapshots", TestZones::config, 0);
    restored.restore(ZONE, kept);
    assertThat(apply(restored, FIRST, order(FIRST, 3, Side.BUY)).bookStateHash())
        .isEqualTo(close.bookStateHash());

    apply(shard, LATER, order(LATER, 4, Side.SELL));
    apply(shard, LATER, new CloseGate());
    ZoneSnapshot after = snapshot(shard);
    assertThat(after.closed()).extracting(ZoneSnapshot.ClosedBook::slot).containsExactly(LATER);
    assertThat(after.forgottenBefore()).isEqualTo(FIRST.end());
    ZoneResult forgotten = apply(shard, FIRST, order(FIRST, 5, Side.BUY));
    assertThat(forgotten.result().code()).isEqualTo(ResultCode.BOOK_CLOSED);
    assertThat(forgotten.bookStateHash()).isZero();
    // a slot between the forgotten one and the horizon that never had a book still opens one
    DeliverySlot between = FIRST.next();
    assertThat(apply(shard, between, order(between, 6, Side.BUY)).result().code())
        .isEqualTo(ResultCode.SUCCESS);
  }

  private ZoneResult apply(ShardBooks shard, DeliverySlot slot, OrderCommand command) {
    ZoneCommand zoneCommand = new ZoneCommand(new Instrument(ZONE, slot), command);
    return shard.apply(new ConsumerRecord<>("commands", 0, offset++, ZONE, zoneCommand.toBytes()));
  }

  private static OrderCommand order(DeliverySlot slot, long id, Side side) {
    return PlaceOrder.limit(id, id, new Instrument(ZONE, slot), side, 10, 1_000);
  }

  private static ZoneSnapshot snapshot(ShardBooks shard) {
    List<ProducerRecord<String, byte[]>> sent = new ArrayList<>();
    shard.writeSnapshots(sent::add);
    assertThat(sent).hasSize(1);
    return ZoneSnapshot.fromBytes(sent.get(0).value());
  }
}
