package io.peerwatt.trading.device;

import static io.peerwatt.db.schema.Tables.GATEWAY_ALARM;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jooq.DSLContext;

/**
 * The alarms gateways' light clients report ({@code gateway_alarm}): a reading of their own missing
 * from its slot's anchor ({@code MISSING}), differing from what they signed ({@code DIFFERS}), with
 * a proof that fails ({@code PROOF_FAILED}), or a header source breaking the chain ({@code
 * HEADERS}). A report retried is stored once. Blocking.
 */
public final class GatewayAlarms {
  /** The alarm kinds a light client raises. */
  public static final List<String> KINDS = List.of("MISSING", "DIFFERS", "PROOF_FAILED", "HEADERS");

  /** Most alarms shown per device: the newest. */
  static final int SHOWN_PER_DEVICE = 20;

  /**
   * One alarm.
   *
   * @param channel the reading's meter channel, -1 for {@code HEADERS}
   * @param sequence the reading's sequence, -1 for {@code HEADERS}
   * @param raisedAt when the gateway raised it
   */
  public record Alarm(String kind, int channel, long sequence, String detail, Instant raisedAt) {}

  private final DSLContext dsl;

  public GatewayAlarms(DSLContext dsl) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
  }

  /** Stores the alarms {@code deviceId} reported; returns how many were new. */
  public int record(long deviceId, List<Alarm> alarms, Instant receivedAt) {
    int added = 0;
    for (Alarm a : alarms) {
      added +=
          dsl.insertInto(GATEWAY_ALARM)
              .set(GATEWAY_ALARM.DEVICE_ID, deviceId)
              .set(GATEWAY_ALARM.KIND, a.kind())
              .set(GATEWAY_ALARM.CHANNEL, a.channel())
              .set(GATEWAY_ALARM.SEQUENCE, a.sequence())
              .set(GATEWAY_ALARM.DETAIL, a.detail())
              .set(GATEWAY_ALARM.RAISED_AT, a.raisedAt())
              .set(GATEWAY_ALARM.RECEIVED_AT, receivedAt)
              .onConflictDoNothing()
              .execute();
    }
    return added;
  }

  /**
   * The newest alarms of each of {@code deviceIds}, newest first; devices without any are absent.
   */
  public Map<Long, List<Alarm>> of(Collection<Long> deviceIds) {
    Map<Long, List<Alarm>> byDevice = new LinkedHashMap<>();
    if (deviceIds.isEmpty()) {
      return byDevice;
    }
    dsl.selectFrom(GATEWAY_ALARM)
        .where(GATEWAY_ALARM.DEVICE_ID.in(deviceIds))
        .orderBy(GATEWAY_ALARM.RAISED_AT.desc(), GATEWAY_ALARM.ID.desc())
        .fetch()
        .forEach(
            r -> {
              List<Alarm> list = byDevice.computeIfAbsent(r.getDeviceId(), id -> new ArrayList<>());
              if (list.size() < SHOWN_PER_DEVICE) {
                list.add(
                    new Alarm(
                        r.getKind(),
                        r.getChannel(),
                        r.getSequence(),
                        r.getDetail(),
                        r.getRaisedAt()));
              }
            });
    return byDevice;
  }
}
