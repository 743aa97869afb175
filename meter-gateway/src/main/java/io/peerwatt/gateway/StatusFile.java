package io.peerwatt.gateway;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code status.json} in the data dir: what the running gateway last reported (meters, journal
 * depth, uploads, wallet), for {@code peerwatt gateway status}. The next start, and enrolment, read
 * the meters' serials from it.
 */
public final class StatusFile {
  private static final Logger log = LoggerFactory.getLogger(StatusFile.class);
  static final String NAME = "status.json";

  private StatusFile() {}

  public static Path path(Path dataDir) {
    return dataDir.resolve(NAME);
  }

  /** Replaces the status (written beside it, then renamed over it). */
  static void write(Path dataDir, Map<String, Object> status) throws IOException {
    Path tmp = dataDir.resolve(NAME + ".tmp");
    Files.writeString(tmp, Json.writePretty(status) + "\n", StandardCharsets.UTF_8);
    Files.move(
        tmp, path(dataDir), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * The serial each meter channel last reported ("" when it never did), in the order of the meters;
   * empty when there is no status yet or it cannot be read.
   */
  public static Map<Integer, String> knownSerials(Path dataDir) {
    Map<Integer, String> out = new LinkedHashMap<>();
    Path file = path(dataDir);
    if (!Files.exists(file)) {
      return out;
    }
    try {
      for (Object item :
          Json.array(Json.parseObject(Files.readString(file, StandardCharsets.UTF_8)), "meters")) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) item;
        out.put((int) Json.integer(m, "channel"), Json.string(m, "serial"));
      }
    } catch (IOException | FormatException | ClassCastException e) {
      log.warn(
          "cannot read meter serials from {} ({}); swap detection starts fresh",
          file,
          e.getMessage());
      out.clear();
    }
    return out;
  }
}
