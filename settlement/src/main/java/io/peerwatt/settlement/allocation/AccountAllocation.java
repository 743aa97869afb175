package io.peerwatt.settlement.allocation;

import io.peerwatt.protocol.statement.MeteredEnergy;
import java.util.List;
import java.util.Objects;

/**
 * What one account bought, sold, metered and owes or receives for one slot.
 *
 * @param accountId the prosumer's account
 * @param boughtWh energy it bought in the slot
 * @param soldWh energy it sold in the slot
 * @param deliveredWh min(sold, metered export): the energy it is paid for
 * @param metered its meters' energy in the slot (summed over its devices)
 * @param lines money lines, ordered by kind code, then trade id
 */
public record AccountAllocation(
    long accountId,
    long boughtWh,
    long soldWh,
    long deliveredWh,
    MeteredEnergy metered,
    List<AllocatedLine> lines) {

  public AccountAllocation {
    Objects.requireNonNull(metered, "metered");
    lines = List.copyOf(lines);
  }

  /** Sum of the line amounts: positive = the account receives. */
  public long netAmount() {
    long sum = 0;
    for (AllocatedLine l : lines) {
      sum = Math.addExact(sum, l.amount());
    }
    return sum;
  }
}
