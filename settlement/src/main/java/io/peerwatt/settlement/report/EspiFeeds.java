package io.peerwatt.settlement.report;

import io.peerwatt.protocol.statement.LineKind;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementLine;
import io.peerwatt.settlement.usage.PointUsage;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Puts metering points and their accounts' statements together into {@link EspiFeed} points. */
public final class EspiFeeds {
  private EspiFeeds() {}

  /**
   * One feed point per metering point, with its account's statement lines summed by kind on the
   * account's first metering point only, so each household's money is counted once.
   *
   * @param statements the newest version of each statement in the period
   */
  public static List<EspiFeed.Point> points(
      List<PointUsage> usage, Iterable<Statement> statements) {
    Map<Long, Map<LineKind, Long>> moneyByAccount = new HashMap<>();
    for (Statement s : statements) {
      Map<LineKind, Long> money =
          moneyByAccount.computeIfAbsent(s.accountId(), a -> new EnumMap<>(LineKind.class));
      for (StatementLine line : s.lines()) {
        money.merge(line.kind(), line.amount(), Math::addExact);
      }
    }
    Set<Long> counted = new HashSet<>();
    List<EspiFeed.Point> out = new ArrayList<>();
    for (PointUsage p : usage) {
      Map<LineKind, Long> money =
          counted.add(p.accountId())
              ? moneyByAccount.getOrDefault(p.accountId(), Map.of())
              : Map.of();
      out.add(new EspiFeed.Point(p, money));
    }
    return out;
  }
}
