package io.peerwatt.settlement;

import io.peerwatt.protocol.statement.AcceptedReading;
import io.peerwatt.protocol.statement.MeterSeries;
import io.peerwatt.settlement.allocation.SlotTerms;
import io.peerwatt.settlement.allocation.TradeFill;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Market and metering inputs in memory; readings can arrive late (add them between passes). */
final class FakeInputs implements SettlementInputs {
  final Map<SlotKey, SlotTerms> terms = new TreeMap<>();
  final Map<SlotKey, List<TradeFill>> trades = new TreeMap<>();

  /** account -> device ids; readings per device (channel 0). */
  final Map<Long, List<Long>> devices = new HashMap<>();

  final Map<Long, List<AcceptedReading>> readings = new HashMap<>();

  void add(AcceptedReading r) {
    readings.computeIfAbsent(r.deviceId(), k -> new ArrayList<>()).add(r);
  }

  @Override
  public List<SlotKey> tradedSlots(Instant endFrom, Instant endTo) {
    return trades.keySet().stream()
        .filter(k -> !k.slot().end().isBefore(endFrom) && !k.slot().end().isAfter(endTo))
        .toList();
  }

  @Override
  public SlotTerms terms(SlotKey key) {
    return terms.get(key);
  }

  @Override
  public List<TradeFill> trades(SlotKey key) {
    return trades.getOrDefault(key, List.of());
  }

  @Override
  public Map<Long, List<MeterSeries>> meters(SlotKey key, Collection<Long> accountIds) {
    Map<Long, List<MeterSeries>> out = new TreeMap<>();
    for (Long account : accountIds) {
      List<MeterSeries> series = new ArrayList<>();
      for (Long device : devices.getOrDefault(account, List.of())) {
        series.add(new MeterSeries(device, 0, readings.getOrDefault(device, List.of())));
      }
      out.put(account, series);
    }
    return out;
  }
}
