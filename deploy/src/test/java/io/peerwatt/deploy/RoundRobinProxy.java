package io.peerwatt.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A load balancer for tests: a TCP proxy on a loopback port that hands each new connection to the
 * next of its backends in turn, skipping (and from then on dropping) one that refuses the
 * connection, as a load balancer's health check would.
 */
final class RoundRobinProxy implements AutoCloseable {
  private final ServerSocket server;
  private final List<InetSocketAddress> live;
  private final AtomicInteger next = new AtomicInteger();
  private final ConcurrentHashMap<InetSocketAddress, AtomicInteger> connections =
      new ConcurrentHashMap<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  RoundRobinProxy(List<InetSocketAddress> backends) throws IOException {
    this.live = new CopyOnWriteArrayList<>(backends);
    backends.forEach(b -> connections.put(b, new AtomicInteger()));
    this.server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::accept, "proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Connections handed to {@code backend} so far. */
  int connectionsTo(InetSocketAddress backend) {
    return connections.get(backend).get();
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      open.add(client);
      Socket backend = connectBackend();
      if (backend == null) {
        closeQuietly(client);
        continue;
      }
      open.add(backend);
      pipe(client, backend);
      pipe(backend, client);
    }
  }

  private Socket connectBackend() {
    while (!live.isEmpty()) {
      InetSocketAddress target = live.get(Math.floorMod(next.getAndIncrement(), live.size()));
      Socket s = new Socket();
      try {
        s.connect(target, 1000);
        connections.get(target).incrementAndGet();
        return s;
      } catch (IOException e) {
        closeQuietly(s);
        live.remove(target);
      }
    }
    return null;
  }

  private void pipe(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // either side went away: the other is closed below
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "proxy-pipe");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    open.forEach(RoundRobinProxy::closeQuietly);
  }
}
