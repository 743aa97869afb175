package io.peerwatt.gateway.control;

import io.peerwatt.gateway.journal.DurableFiles;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.reading.ReadingCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What must survive a restart, in {@code flexibility.json} of the data dir (replaced durably on
 * each change): the commandIds used (with their window's end, so they are forgotten a day after
 * they could no longer be accepted anyway) and the registers to restore while a setpoint is in
 * force, so a gateway that restarts mid-command puts the device back first.
 */
final class FlexState {
  static final String FILE = "flexibility.json";

  /** A used commandId is kept this long after its window ended. */
  private static final Duration KEEP = Duration.ofDays(1);

  private final Path file;
  private final Map<String, Instant> seen = new LinkedHashMap<>();
  private List<RegisterWrite> restore = List.of();

  private FlexState(Path file) {
    this.file = file;
  }

  static FlexState open(Path dataDir) throws IOException {
    FlexState state = new FlexState(dataDir.resolve(FILE));
    if (Files.exists(state.file)) {
      try {
        Map<String, Object> m =
            Json.parseObject(Files.readString(state.file, StandardCharsets.UTF_8));
        Json.requireOnly(m, FILE, "seen", "restore");
        for (Map.Entry<String, Object> e : Json.object(m, "seen").entrySet()) {
          if (!(e.getValue() instanceof String until)) {
            throw new FormatException("seen." + e.getKey() + " must be an instant");
          }
          state.seen.put(e.getKey(), ReadingCodec.parseInstant(until, "seen." + e.getKey()));
        }
        List<RegisterWrite> writes = new ArrayList<>();
        for (Object w : Json.array(m, "restore")) {
          writes.add(RegisterWrite.fromJson(w));
        }
        state.restore = List.copyOf(writes);
      } catch (FormatException e) {
        // refusing to start is safer than forgetting which commands were used
        throw new IOException(state.file + " is damaged: " + e.getMessage(), e);
      }
    }
    return state;
  }

  boolean seen(String commandId) {
    return seen.containsKey(commandId);
  }

  /** Records {@code commandId} as used, durably, before the gateway acts on it. */
  void markSeen(String commandId, Instant validUntil, Instant now) throws IOException {
    seen.entrySet().removeIf(e -> e.getValue().plus(KEEP).isBefore(now));
    seen.put(commandId, validUntil);
    save();
  }

  List<RegisterWrite> restore() {
    return restore;
  }

  void restore(List<RegisterWrite> writes) throws IOException {
    restore = List.copyOf(writes);
    save();
  }

  private void save() throws IOException {
    Map<String, Object> s = new LinkedHashMap<>();
    seen.forEach((id, until) -> s.put(id, ReadingCodec.formatInstant(until)));
    List<Object> r = new ArrayList<>();
    restore.forEach(w -> r.add(w.toJson()));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seen", s);
    m.put("restore", r);
    DurableFiles.replace(file, Json.writePretty(m).getBytes(StandardCharsets.UTF_8));
  }
}
