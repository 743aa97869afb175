package io.peerwatt.settlement.allocation;

import java.util.List;
import java.util.Objects;

/**
 * The allocation of one (zone, slot): one entry per account that traded, plus the platform's two
 * house accounts, so that every unit of money has a counterparty.
 *
 * <p><b>Conservation.</b> {@code sum(accounts[i].netAmount()) + gridFeeAccount + imbalanceAccount
 * == 0}: what buyers pay equals what sellers receive plus fees plus the imbalance account's
 * balance.
 *
 * @param terms the slot's market terms
 * @param accounts per account, ordered by account id
 * @param gridFeeAccount what the platform collected for the grid operator (the negated sum of the
 *     grid-fee lines), passed on to the grid operator outside the channels
 * @param imbalanceAccount the balance of the platform's imbalance account for the zone, the
 *     balancing party that stands in for deviations: it receives the buyers' payments for energy
 *     sellers did not deliver (the grid supplied it) and the seller-shortfall and excess-import
 *     charges, and pays the under-import credits; settled with the zone's utility outside the
 *     channels
 */
public record AllocationResult(
    SlotTerms terms, List<AccountAllocation> accounts, long gridFeeAccount, long imbalanceAccount) {

  public AllocationResult {
    Objects.requireNonNull(terms, "terms");
    accounts = List.copyOf(accounts);
  }
}
