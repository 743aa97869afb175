package io.peerwatt.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The reverse proxies (addresses or CIDR blocks, IPv4 or IPv6) whose {@code X-Forwarded-For} and
 * {@code X-Forwarded-Proto} the platform believes: config key {@code http.trusted-proxies}. Nobody
 * else can choose the address the login limiter counts. Only IP literals are accepted, never host
 * names (no DNS lookups on the request path).
 */
public final class TrustedProxies {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  /** No proxy is trusted: the connection's peer is always the client. */
  public static final TrustedProxies NONE = new TrustedProxies(List.of());

  private record Block(byte[] network, int prefixBits) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefixBits / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefixBits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xFF << (8 - rest)) & 0xFF;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  private final List<Block> blocks;

  private TrustedProxies(List<Block> blocks) {
    this.blocks = List.copyOf(blocks);
  }

  /**
   * Parses a comma-separated list such as {@code 127.0.0.1, 10.0.0.0/8, ::1}; blank means none.
   *
   * @throws IllegalArgumentException naming the first entry that is not an address or block
   */
  public static TrustedProxies parse(String list) {
    List<Block> blocks = new ArrayList<>();
    if (list != null) {
      for (String raw : list.split(",")) {
        String entry = raw.strip();
        if (entry.isEmpty()) {
          continue;
        }
        int slash = entry.indexOf('/');
        byte[] network = literal(slash < 0 ? entry : entry.substring(0, slash));
        if (network == null) {
          throw new IllegalArgumentException("not an IP address or CIDR block: " + entry);
        }
        int bits = network.length * 8;
        if (slash >= 0) {
          try {
            bits = Integer.parseInt(entry.substring(slash + 1));
          } catch (NumberFormatException e) {
            bits = -1;
          }
          if (bits < 0 || bits > network.length * 8) {
            throw new IllegalArgumentException("not a CIDR prefix length: " + entry);
          }
        }
        blocks.add(new Block(network, bits));
      }
    }
    return new TrustedProxies(blocks);
  }

  /** True when {@code address} (an IP literal) is one of the trusted proxies. */
  public boolean contains(String address) {
    byte[] bytes = literal(address);
    if (bytes == null) {
      return false;
    }
    for (Block b : blocks) {
      if (b.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  public boolean isEmpty() {
    return blocks.isEmpty();
  }

  /** The canonical text of an IP literal, or null when {@code text} is not one. */
  static String canonical(String text) {
    byte[] bytes = literal(text);
    if (bytes == null) {
      return null;
    }
    try {
      return InetAddress.getByAddress(bytes).getHostAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** True when {@code text} is a loopback IP literal. */
  public static boolean isLoopback(String text) {
    byte[] bytes = literal(text);
    try {
      return bytes != null && InetAddress.getByAddress(bytes).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** The bytes of an IPv4 or IPv6 literal (IPv4-mapped IPv6 as IPv4); null for anything else. */
  private static byte[] literal(String text) {
    if (text == null) {
      return null;
    }
    String t = text.strip();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    if (t.isEmpty() || t.length() > 45) {
      return null;
    }
    if (IPV4.matcher(t).matches()) {
      String[] parts = t.split("\\.");
      byte[] out = new byte[4];
      for (int i = 0; i < 4; i++) {
        int v = Integer.parseInt(parts[i]);
        if (v > 255) {
          return null;
        }
        out[i] = (byte) v;
      }
      return out;
    }
    if (IPV6.matcher(t).matches()) {
      try {
        // a literal with a colon is parsed, never looked up
        return InetAddress.getByName(t).getAddress();
      } catch (UnknownHostException e) {
        return null;
      }
    }
    return null;
  }
}
