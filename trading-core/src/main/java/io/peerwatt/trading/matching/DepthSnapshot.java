package io.peerwatt.trading.matching;

import java.util.List;

/**
 * Aggregated book depth (L2), best price first on each side.
 *
 * @param bids buy levels, highest price first
 * @param offers sell levels, lowest price first
 */
public record DepthSnapshot(List<DepthLevel> bids, List<DepthLevel> offers) {

  public DepthSnapshot {
    bids = List.copyOf(bids);
    offers = List.copyOf(offers);
  }
}
