package io.peerwatt.http;

import io.vertx.core.Handler;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Who is really on the other end of a request, and whether they reached the platform over TLS. The
 * client's address is the connection's peer, unless the connection comes from a trusted proxy
 * ({@link TrustedProxies}, config {@code http.trusted-proxies}): then it is the right-most address
 * of {@code X-Forwarded-For} that is not itself a trusted proxy, and {@code X-Forwarded-Proto} says
 * whether the client used TLS. The platform's own portal calls the API over loopback for its
 * browsers and forwards each browser's address (as it resolved it, the same way) with the
 * platform's per-process portal key ({@link #PORTAL_HEADER}); nothing else can choose the address
 * the login limiter counts.
 */
public final class ClientAddress {
  /**
   * Header with which the in-process portal proves that its forwarded address is to be believed.
   */
  public static final String PORTAL_HEADER = "X-PeerWatt-Portal";

  private static final String ADDRESS_KEY = "peerwatt.client-address";
  private static final String SECURE_KEY = "peerwatt.client-secure";

  private ClientAddress() {}

  /**
   * The handler that resolves the client of every request; mount it first on the platform's root
   * router.
   *
   * @param portalKey the secret the in-process portal sends with its API calls
   */
  public static Handler<RoutingContext> resolver(TrustedProxies proxies, String portalKey) {
    byte[] key = portalKey.getBytes(StandardCharsets.UTF_8);
    return ctx -> {
      String peer = peer(ctx);
      String portal = ctx.request().getHeader(PORTAL_HEADER);
      String address = peer;
      boolean secure = ctx.request().isSSL();
      if (portal != null
          && TrustedProxies.isLoopback(peer)
          && MessageDigest.isEqual(portal.getBytes(StandardCharsets.UTF_8), key)) {
        address = forwardedFor(ctx, TrustedProxies.NONE, peer);
        secure = "https".equalsIgnoreCase(firstForwardedProto(ctx));
      } else if (proxies.contains(peer)) {
        address = forwardedFor(ctx, proxies, peer);
        secure = secure || "https".equalsIgnoreCase(firstForwardedProto(ctx));
      }
      ctx.put(ADDRESS_KEY, address);
      ctx.put(SECURE_KEY, secure);
      ctx.next();
    };
  }

  /** The client's address: as resolved by {@link #resolver}, else the connection's peer. */
  public static String of(RoutingContext ctx) {
    String resolved = ctx.get(ADDRESS_KEY);
    return resolved != null ? resolved : peer(ctx);
  }

  /** True when the client reached the platform over TLS (itself, or through a trusted proxy). */
  public static boolean secure(RoutingContext ctx) {
    Boolean resolved = ctx.get(SECURE_KEY);
    return resolved != null ? resolved : ctx.request().isSSL();
  }

  private static String peer(RoutingContext ctx) {
    SocketAddress remote = ctx.request().remoteAddress();
    String host = remote == null ? null : remote.hostAddress();
    String canonical = TrustedProxies.canonical(host);
    return canonical != null ? canonical : "unknown";
  }

  /**
   * The right-most address of {@code X-Forwarded-For} that is not a trusted proxy; the left-most
   * when all are; {@code peer} when the header holds no address at all.
   */
  private static String forwardedFor(RoutingContext ctx, TrustedProxies proxies, String peer) {
    String leftMost = null;
    List<String> hops = new ArrayList<>();
    for (String header : ctx.request().headers().getAll("X-Forwarded-For")) {
      for (String hop : header.split(",")) {
        String canonical = TrustedProxies.canonical(hop);
        if (canonical == null) {
          // a hop that is not an address cannot be attributed: stop believing the header there
          hops.clear();
          leftMost = null;
          continue;
        }
        if (leftMost == null) {
          leftMost = canonical;
        }
        hops.add(canonical);
      }
    }
    for (int i = hops.size() - 1; i >= 0; i--) {
      if (!proxies.contains(hops.get(i))) {
        return hops.get(i);
      }
    }
    return leftMost != null ? leftMost : peer;
  }

  private static String firstForwardedProto(RoutingContext ctx) {
    String proto = ctx.request().getHeader("X-Forwarded-Proto");
    if (proto == null) {
      return null;
    }
    int comma = proto.indexOf(',');
    return (comma < 0 ? proto : proto.substring(0, comma)).strip();
  }
}
