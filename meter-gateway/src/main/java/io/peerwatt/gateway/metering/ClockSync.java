package io.peerwatt.gateway.metering;

import java.nio.file.Files;
import java.nio.file.Path;

/** Whether the gateway's clock is synchronised (NTP); readings taken otherwise are flagged. */
@FunctionalInterface
public interface ClockSync {
  boolean synchronised();

  /** systemd-timesyncd's marker file, present while the clock is synchronised. */
  static ClockSync systemd() {
    Path marker = Path.of("/run/systemd/timesync/synchronized");
    return () -> Files.exists(marker);
  }

  /** For hosts whose clock is kept some other way (configured explicitly). */
  static ClockSync assumeSynchronised() {
    return () -> true;
  }
}
