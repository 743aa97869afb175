package io.peerwatt.settlement.channel;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One lock per channel id: a keeper works on many channels at once (the settlement pass pays
 * different prosumers in parallel), and on one channel one step at a time, so each step reads the
 * state the previous one saved.
 */
final class ChannelLocks {
  private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

  <T> T with(String channelId, Supplier<T> work) {
    ReentrantLock lock = locks.computeIfAbsent(channelId, id -> new ReentrantLock());
    lock.lock();
    try {
      return work.get();
    } finally {
      lock.unlock();
    }
  }

  void run(String channelId, Runnable work) {
    with(
        channelId,
        () -> {
          work.run();
          return null;
        });
  }
}
