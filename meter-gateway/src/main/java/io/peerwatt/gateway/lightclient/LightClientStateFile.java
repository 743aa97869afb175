package io.peerwatt.gateway.lightclient;

import io.peerwatt.gateway.lightclient.LightClient.Alarm;
import io.peerwatt.gateway.lightclient.LightClient.Pending;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.encoding.StrictHex;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.reading.ReadingCodec;
import io.peerwatt.protocol.reading.SignedReading;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The light client's state file, {@value LightClient#STATE_FILE} in the data dir: written after
 * every round, read when the light client opens.
 */
final class LightClientStateFile {
  /** Logs as the light client (the log lines are the light client's). */
  private static final Logger log = LoggerFactory.getLogger(LightClient.class);

  /** What the state file holds. */
  static final class State {
    PublicKey platformKey;
    long verifiedOnChain;
    long alarmsRaised;
    long alarmsReported;
    Instant newestAnchoredSlot;
    final List<Pending> pending = new ArrayList<>();
    final List<Alarm> alarms = new ArrayList<>();
  }

  private LightClientStateFile() {}

  static Map<String, Object> alarmJson(Alarm a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", a.kind());
    m.put("channel", a.channel());
    m.put("sequence", a.sequence());
    m.put("detail", a.detail());
    m.put("at", ReadingCodec.formatInstant(a.at()));
    return m;
  }

  static List<Object> alarmsJson(List<Alarm> alarms) {
    List<Object> list = new ArrayList<>();
    for (Alarm a : alarms) {
      list.add(alarmJson(a));
    }
    return list;
  }

  /** Writes {@code s} to the state file (through a temporary file, moved into place). */
  static void save(Path dataDir, State s) throws IOException {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("platformKey", s.platformKey == null ? null : s.platformKey.hex());
    state.put("verifiedOnChain", s.verifiedOnChain);
    state.put("alarmsRaised", s.alarmsRaised);
    state.put("alarmsReported", s.alarmsReported);
    state.put(
        "newestAnchoredSlot",
        s.newestAnchoredSlot == null ? null : ReadingCodec.formatInstant(s.newestAnchoredSlot));
    List<Object> waiting = new ArrayList<>();
    for (Pending p : s.pending) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("channel", p.channel());
      m.put("sequence", p.sequence());
      m.put("takenAt", ReadingCodec.formatInstant(p.takenAt()));
      m.put("readingHash", p.readingHashHex());
      waiting.add(m);
    }
    state.put("pending", waiting);
    state.put("alarms", alarmsJson(s.alarms));
    Path file = dataDir.resolve(LightClient.STATE_FILE);
    Path tmp = dataDir.resolve(LightClient.STATE_FILE + ".tmp");
    Files.writeString(tmp, Json.writePretty(state) + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Reads the state file (none: a fresh state); a damaged one is logged and leaves no pending or
   * alarms.
   */
  static State load(Path dataDir) throws IOException {
    State loaded = new State();
    Path file = dataDir.resolve(LightClient.STATE_FILE);
    if (!Files.exists(file)) {
      return loaded;
    }
    try {
      Map<String, Object> state = Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
      Object key = state.get("platformKey");
      loaded.platformKey = key instanceof String hex ? PublicKey.fromHex(hex) : null;
      loaded.verifiedOnChain = Json.integer(state, "verifiedOnChain");
      loaded.alarmsRaised = Json.integer(state, "alarmsRaised");
      // a state file from before alarms were reported: report the ones it keeps
      loaded.alarmsReported =
          state.containsKey("alarmsReported") ? Json.integer(state, "alarmsReported") : 0;
      Object slot = state.get("newestAnchoredSlot");
      loaded.newestAnchoredSlot =
          slot instanceof String s ? ReadingCodec.parseInstant(s, "newestAnchoredSlot") : null;
      for (Object item : Json.array(state, "pending")) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) item;
        if (m.containsKey("signedReading")) {
          // written before statement readings were audited: the whole signed reading
          SignedReading signed =
              SignedReading.decode(StrictHex.decode(Json.string(m, "signedReading"), "reading"));
          loaded.pending.add(
              new Pending(
                  (int) Json.integer(m, "channel"),
                  signed.reading().sequence(),
                  signed.reading().takenAt(),
                  StrictHex.encode(signed.hash())));
        } else {
          loaded.pending.add(
              new Pending(
                  (int) Json.integer(m, "channel"),
                  Json.integer(m, "sequence"),
                  ReadingCodec.parseInstant(Json.string(m, "takenAt"), "pending.takenAt"),
                  Json.string(m, "readingHash")));
        }
      }
      for (Object item : Json.array(state, "alarms")) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) item;
        loaded.alarms.add(
            new Alarm(
                Json.string(m, "kind"),
                (int) Json.integer(m, "channel"),
                Json.integer(m, "sequence"),
                Json.string(m, "detail"),
                ReadingCodec.parseInstant(Json.string(m, "at"), "alarms.at")));
      }
    } catch (FormatException | IllegalArgumentException | ClassCastException e) {
      log.warn("{} is damaged ({}); the audit starts afresh", file, e.getMessage());
      loaded.pending.clear();
      loaded.alarms.clear();
    }
    return loaded;
  }
}
