package io.peerwatt.gateway.metering;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a meter is: {@code tcp://host:port} (port defaults to 502) or {@code
 * rtu:///dev/ttyUSB0?baud=9600&parity=none&stopBits=1&dataBits=8}.
 *
 * @param parity {@code none}, {@code even} or {@code odd}
 */
public record MeterUri(
    Transport transport,
    String host,
    int port,
    String device,
    int baud,
    String parity,
    int stopBits,
    int dataBits) {

  /** Modbus TCP, or Modbus RTU over a serial line. */
  public enum Transport {
    TCP,
    RTU
  }

  /** Parses a meter URI; a bad one throws {@link IllegalArgumentException} saying what is wrong. */
  public static MeterUri parse(String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("meter URI " + text + " is not a URI: " + e.getMessage());
    }
    String scheme = uri.getScheme();
    if ("tcp".equals(scheme)) {
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("meter URI " + text + " needs a host: tcp://host:port");
      }
      if (uri.getRawQuery() != null || (uri.getPath() != null && !uri.getPath().isEmpty())) {
        throw new IllegalArgumentException(
            "meter URI " + text + " takes no path or query: tcp://host:port");
      }
      int port = uri.getPort() < 0 ? 502 : uri.getPort();
      return new MeterUri(Transport.TCP, uri.getHost(), port, null, 0, null, 0, 0);
    }
    if ("rtu".equals(scheme)) {
      String device = uri.getPath();
      if (device == null || device.isEmpty() || uri.getHost() != null) {
        throw new IllegalArgumentException(
            "meter URI " + text + " needs a device path: rtu:///dev/ttyUSB0?baud=9600");
      }
      Map<String, String> query = new LinkedHashMap<>();
      if (uri.getQuery() != null) {
        for (String pair : uri.getQuery().split("&")) {
          int eq = pair.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("meter URI " + text + ": bad query part " + pair);
          }
          query.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
      }
      int baud = intParam(text, query.remove("baud"), 9600, "baud");
      String parity = query.getOrDefault("parity", "none");
      query.remove("parity");
      if (!parity.equals("none") && !parity.equals("even") && !parity.equals("odd")) {
        throw new IllegalArgumentException(
            "meter URI " + text + ": parity must be none, even or odd");
      }
      int stopBits = intParam(text, query.remove("stopBits"), 1, "stopBits");
      if (stopBits != 1 && stopBits != 2) {
        throw new IllegalArgumentException("meter URI " + text + ": stopBits must be 1 or 2");
      }
      int dataBits = intParam(text, query.remove("dataBits"), 8, "dataBits");
      if (!query.isEmpty()) {
        throw new IllegalArgumentException(
            "meter URI " + text + ": unknown parameter " + query.keySet().iterator().next());
      }
      return new MeterUri(Transport.RTU, null, 0, device, baud, parity, stopBits, dataBits);
    }
    throw new IllegalArgumentException("meter URI " + text + " must start with tcp:// or rtu://");
  }

  private static int intParam(String uri, String value, int fallback, String name) {
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("meter URI " + uri + ": " + name + " must be a number");
    }
  }

  @Override
  public String toString() {
    return transport == Transport.TCP
        ? "tcp://" + host + ":" + port
        : "rtu://"
            + device
            + "?baud="
            + baud
            + "&parity="
            + parity
            + "&stopBits="
            + stopBits
            + "&dataBits="
            + dataBits;
  }
}
