package io.peerwatt.trading.ingest;

import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.ReadingChain;
import io.peerwatt.protocol.reading.ReadingChainCheck;
import io.peerwatt.trading.device.DeviceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one group of batches does to the database, decided in memory from what the database held
 * before the group: each batch's outcome (refused whole, or one result per reading), the readings
 * and nonces to insert, and how each touched chain moves. The batches are taken in group order,
 * each seeing what the earlier ones accepted, so a group gives exactly what storing its batches one
 * after another would give. No I/O.
 *
 * <p>Per reading, in this order: signature, device key, duplicate or conflict with what is stored,
 * chain continuity ({@link ReadingChain}: sequence, prevHash, time, counters), power plausibility,
 * clock skew. A rejected reading does not advance its chain, so everything after a gap is rejected
 * too, never skipped.
 */
final class GroupPlan {
  /**
   * A device of the group as the database holds it.
   *
   * @param tips the last accepted reading of each of its chains, by channel
   * @param usedNonces the group's nonces (hex) the device has used before
   */
  record Device(
      long id,
      String status,
      long maxPowerW,
      Map<Integer, ReadingChain.Tip> tips,
      Set<String> usedNonces) {}

  /** Where a reading sits: its device, chain (channel) and position (sequence). */
  record Position(long deviceId, int channel, long sequence) {}

  /** A chain of a device. */
  record Chain(long deviceId, int channel) {}

  /** A reading to insert. */
  record NewReading(
      long deviceId,
      MeterReading reading,
      byte[] hash,
      byte[] signature,
      byte[] encoding,
      Instant receivedAt) {}

  /** A batch nonce to remember. */
  record NewNonce(long deviceId, byte[] nonce, Instant sentAt) {}

  /**
   * A chain's move: from {@code before} (null: the chain has no row yet) to {@code after}.
   *
   * @param at when the batch that moved it last arrived
   */
  record Move(Chain chain, ReadingChain.Tip before, ReadingChain.Tip after, Instant at) {}

  /** A batch's outcome: its results, or the refusal of the whole batch. */
  record Outcome(List<ReadingIngest.Result> results, IngestRefusal refusal) {}

  final List<Outcome> outcomes = new ArrayList<>();
  final List<NewReading> readings = new ArrayList<>();
  final List<NewNonce> nonces = new ArrayList<>();
  final List<Move> moves = new ArrayList<>();

  private GroupPlan() {}

  /**
   * The readings of {@code batches} that could be stored already: at or below their chain's last
   * accepted sequence. Their stored encodings decide duplicate or conflict.
   *
   * @param devices the group's devices by hex key
   */
  static Set<Position> duplicateCandidates(
      List<CheckedBatch> batches, Map<String, Device> devices) {
    Set<Position> candidates = new HashSet<>();
    for (CheckedBatch b : batches) {
      Device d = devices.get(b.deviceKeyHex());
      if (d == null) {
        continue;
      }
      for (int i = 0; i < b.size(); i++) {
        MeterReading r = b.reading(i);
        ReadingChain.Tip tip = d.tips().get(r.channel());
        if (tip != null && r.sequence() <= tip.sequence()) {
          candidates.add(new Position(d.id(), r.channel(), r.sequence()));
        }
      }
    }
    return candidates;
  }

  /**
   * Decides the group.
   *
   * @param devices the group's devices by hex key, as loaded (not changed here)
   * @param stored the stored encodings of the {@link #duplicateCandidates} that exist
   */
  static GroupPlan of(
      List<CheckedBatch> batches,
      Map<String, Device> devices,
      Map<Position, byte[]> stored,
      Duration maxSkew) {
    GroupPlan plan = new GroupPlan();
    Map<String, Map<Integer, ReadingChain.Tip>> tips = new HashMap<>();
    Map<String, Set<String>> nonces = new HashMap<>();
    Map<Position, byte[]> acceptedInGroup = new HashMap<>();
    Map<Chain, Move> moves = new LinkedHashMap<>();
    for (CheckedBatch b : batches) {
      String key = b.deviceKeyHex();
      Device device = devices.get(key);
      if (device == null) {
        plan.refuse(IngestRefusal.Reason.UNKNOWN_DEVICE, "no device is enrolled with this key");
        continue;
      }
      if (!DeviceStatus.ACTIVE.code().equals(device.status())) {
        plan.refuse(IngestRefusal.Reason.DEVICE_NOT_ACTIVE, "the device is " + device.status());
        continue;
      }
      if (!nonces.computeIfAbsent(key, k -> new HashSet<>(device.usedNonces())).add(b.nonceHex())) {
        plan.refuse(
            IngestRefusal.Reason.REPLAYED_BATCH,
            "this batch nonce was used before; sign each upload with a fresh nonce");
        continue;
      }
      plan.nonces.add(new NewNonce(device.id(), b.batch().nonce(), b.batch().sentAt()));
      Map<Integer, ReadingChain.Tip> last =
          tips.computeIfAbsent(key, k -> new HashMap<>(device.tips()));
      List<ReadingIngest.Result> results = new ArrayList<>(b.size());
      for (int i = 0; i < b.size(); i++) {
        MeterReading r = b.reading(i);
        Position position = new Position(device.id(), r.channel(), r.sequence());
        byte[] existing = acceptedInGroup.getOrDefault(position, stored.get(position));
        IngestReason reason;
        ReadingIngest.Status status = ReadingIngest.Status.REJECTED;
        if (!b.signatureValid()[i]) {
          reason = IngestReason.BAD_SIGNATURE;
        } else if (!r.deviceKey().equals(b.batch().deviceKey())) {
          reason = IngestReason.WRONG_DEVICE;
        } else if (existing != null) {
          boolean same = Arrays.equals(existing, b.encodings()[i]);
          reason = same ? null : IngestReason.CONFLICT;
          status = same ? ReadingIngest.Status.DUPLICATE : ReadingIngest.Status.REJECTED;
        } else {
          reason = check(last.get(r.channel()), r, device.maxPowerW(), b.receivedAt(), maxSkew);
          if (reason == null) {
            status = ReadingIngest.Status.ACCEPTED;
            ReadingChain.Tip after = ReadingChain.Tip.of(r, b.hashes()[i]);
            Chain chain = new Chain(device.id(), r.channel());
            ReadingChain.Tip before =
                moves.containsKey(chain)
                    ? moves.get(chain).before()
                    : device.tips().get(r.channel());
            moves.put(chain, new Move(chain, before, after, b.receivedAt()));
            last.put(r.channel(), after);
            acceptedInGroup.put(position, b.encodings()[i]);
            plan.readings.add(
                new NewReading(
                    device.id(),
                    r,
                    b.hashes()[i],
                    b.batch().readings().get(i).signature(),
                    b.encodings()[i],
                    b.receivedAt()));
          }
        }
        results.add(new ReadingIngest.Result(r.channel(), r.sequence(), status, reason, null));
      }
      plan.outcomes.add(new Outcome(withHeads(results, last), null));
    }
    plan.moves.addAll(moves.values());
    return plan;
  }

  /**
   * {@code results} with each rejected reading's chain head as it stands after the batch: what a
   * gateway's chain restart must name.
   */
  private static List<ReadingIngest.Result> withHeads(
      List<ReadingIngest.Result> results, Map<Integer, ReadingChain.Tip> tips) {
    return results.stream()
        .map(
            r -> {
              ReadingChain.Tip tip = tips.get(r.channel());
              return r.status() == ReadingIngest.Status.REJECTED && tip != null
                  ? new ReadingIngest.Result(
                      r.channel(), r.sequence(), r.status(), r.reason(), tip.head())
                  : r;
            })
        .toList();
  }

  private void refuse(IngestRefusal.Reason reason, String message) {
    outcomes.add(new Outcome(null, new IngestRefusal(reason, message)));
  }

  /**
   * Null when {@code r} may follow the chain standing at {@code previous} (null: the chain has
   * nothing yet; after a chain restart: its resume point), else why not.
   */
  static IngestReason check(
      ReadingChain.Tip previous, MeterReading r, long maxPowerW, Instant now, Duration maxSkew) {
    ReadingChainCheck chain =
        previous == null ? ReadingChain.checkFirst(r) : ReadingChain.checkLink(previous, r);
    switch (chain) {
      case LINKED -> {}
      case NOT_FIRST -> {
        return IngestReason.NOT_CHAIN_START;
      }
      case SEQUENCE_NOT_NEXT -> {
        return r.sequence() > previous.sequence() ? IngestReason.GAP : IngestReason.STALE_SEQUENCE;
      }
      case PREV_HASH_MISMATCH -> {
        return IngestReason.PREV_HASH_MISMATCH;
      }
      case TIME_NOT_INCREASING -> {
        return IngestReason.TIME_NOT_INCREASING;
      }
      case COUNTER_DECREASED -> {
        return IngestReason.COUNTER_DECREASED;
      }
      case DEVICE_CHANGED, CHANNEL_CHANGED -> {
        return IngestReason.WRONG_DEVICE;
      }
    }
    if (Math.abs((long) r.powerW()) > maxPowerW) {
      return IngestReason.POWER_IMPLAUSIBLE;
    }
    if (r.takenAt().isAfter(now.plus(maxSkew))) {
      return IngestReason.FUTURE_TIMESTAMP;
    }
    return null;
  }
}
