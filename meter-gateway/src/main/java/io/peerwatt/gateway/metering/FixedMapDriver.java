package io.peerwatt.gateway.metering;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/** Eastron and Carlo Gavazzi meters: one fixed map file, read in planned blocks. */
final class FixedMapDriver extends MeterDriver {
  private final RegisterMap map;
  private final String how;

  /** Points of a request the meter refused: each is read alone for the rest of the connection. */
  private final Set<String> alone = new HashSet<>();

  private ReadPlan plan;

  FixedMapDriver(RegisterMap map, String how) {
    this.map = map;
    this.how = how;
  }

  @Override
  String mapName() {
    return map.name();
  }

  @Override
  String description() {
    return map.name() + " (" + how + ")";
  }

  @Override
  Set<String> optionalQuantities() {
    Set<String> out = new HashSet<>();
    for (RegisterPoint p : map.pollPoints()) {
      if (!p.required()) {
        out.add(p.quantity());
      }
    }
    return out;
  }

  @Override
  void resetSession() {
    super.resetSession();
    alone.clear();
    plan = null;
  }

  /** The requests of one poll (for tests and {@code probe}). */
  ReadPlan plan() {
    if (plan == null) {
      List<RegisterPoint> points = new ArrayList<>();
      for (RegisterPoint p : map.pollPoints()) {
        if (!isLacking(p.quantity())) {
          points.add(p);
        }
      }
      plan = ReadPlan.of(points, map.maxRegisters(), map.gaps(), alone);
    }
    return plan;
  }

  @Override
  Map<String, OptionalLong> readValues(RegisterReader link) throws MeterException {
    Map<String, OptionalLong> values = new HashMap<>();
    for (ReadPlan.Block block : plan().blocks()) {
      readBlock(link, block, values);
    }
    return values;
  }

  private void readBlock(
      RegisterReader link, ReadPlan.Block block, Map<String, OptionalLong> values)
      throws MeterException {
    byte[] registers;
    try {
      registers = link.read(block.functionCode(), block.address(), block.count());
    } catch (MeterException e) {
      if (!tolerable(e)) {
        throw e;
      }
      if (block.points().size() > 1) {
        splitAfterRefusal(link, block, values, e);
      } else if (block.points().get(0).required()) {
        throw e;
      } else {
        lack(block.points().get(0).quantity(), e);
        plan = null;
      }
      return;
    }
    for (RegisterPoint p : block.points()) {
      values.put(p.quantity(), p.decode(registers, block.offsetOf(p)));
    }
  }

  /** The meter refused a request of several points: each is read alone, the required ones first. */
  private void splitAfterRefusal(
      RegisterReader link,
      ReadPlan.Block block,
      Map<String, OptionalLong> values,
      MeterException why)
      throws MeterException {
    List<RegisterPoint> points = new ArrayList<>(block.points());
    points.sort(Comparator.comparing(p -> !p.required()));
    for (RegisterPoint p : points) {
      alone.add(p.quantity());
    }
    plan = null;
    logOnce(
        "split:" + block.functionCode() + "@" + block.address() + "+" + block.count(),
        "meter ({}) refused one read of {} registers at {}: {}; reading those values one by one",
        map.name(),
        block.count(),
        points.get(0).printedAddress(),
        why.getMessage());
    for (RegisterPoint p : points) {
      readBlock(
          link, new ReadPlan.Block(p.functionCode(), p.address(), p.words(), List.of(p)), values);
    }
  }

  @Override
  String readSerial(RegisterReader link) throws MeterException {
    RegisterPoint p = map.points().get(RegisterMap.SERIAL);
    if (p == null) {
      return "";
    }
    byte[] words = link.read(p.functionCode(), p.address(), p.words());
    if (p.type() == RegisterType.STRING) {
      return p.decodeText(words, 0);
    }
    return Long.toString(p.decode(words, 0).orElse(0));
  }
}
