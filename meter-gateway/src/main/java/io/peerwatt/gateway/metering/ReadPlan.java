package io.peerwatt.gateway.metering;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The requests that read a set of register points: points of one function code that lie close
 * together share one request, as long as it asks for at most the map's {@code max-registers} and
 * spans no gap the map marks unreadable. Points named in {@code alone} (a meter refused a request
 * that held them) get a request each. Pure.
 *
 * @param blocks the requests, by function code and address
 */
record ReadPlan(List<Block> blocks) {

  /**
   * One request: {@code count} registers from {@code address} with {@code functionCode}, holding
   * {@code points}.
   */
  record Block(int functionCode, int address, int count, List<RegisterPoint> points) {
    /** Where {@code point} starts in this block's answer, in registers. */
    int offsetOf(RegisterPoint point) {
      return point.address() - address;
    }
  }

  static ReadPlan of(
      Collection<RegisterPoint> points,
      int maxRegisters,
      List<RegisterMap.Gap> gaps,
      Set<String> alone) {
    List<RegisterPoint> sorted = new ArrayList<>(points);
    sorted.sort(
        Comparator.comparingInt(RegisterPoint::functionCode)
            .thenComparingInt(RegisterPoint::address));
    List<Block> blocks = new ArrayList<>();
    List<RegisterPoint> current = new ArrayList<>();
    for (RegisterPoint p : sorted) {
      if (!current.isEmpty() && !fits(current, p, maxRegisters, gaps, alone)) {
        blocks.add(block(current));
        current = new ArrayList<>();
      }
      current.add(p);
    }
    if (!current.isEmpty()) {
      blocks.add(block(current));
    }
    return new ReadPlan(List.copyOf(blocks));
  }

  private static boolean fits(
      List<RegisterPoint> current,
      RegisterPoint next,
      int maxRegisters,
      List<RegisterMap.Gap> gaps,
      Set<String> alone) {
    RegisterPoint first = current.get(0);
    if (first.functionCode() != next.functionCode()
        || alone.contains(next.quantity())
        || alone.contains(first.quantity())) {
      return false;
    }
    int last = Math.max(next.lastAddress(), current.get(current.size() - 1).lastAddress());
    if (last - first.address() + 1 > maxRegisters) {
      return false;
    }
    for (RegisterMap.Gap g : gaps) {
      if (g.overlaps(first.functionCode(), first.address(), last)) {
        return false;
      }
    }
    return true;
  }

  private static Block block(List<RegisterPoint> points) {
    RegisterPoint first = points.get(0);
    int last = points.stream().mapToInt(RegisterPoint::lastAddress).max().orElseThrow();
    return new Block(
        first.functionCode(), first.address(), last - first.address() + 1, List.copyOf(points));
  }
}
