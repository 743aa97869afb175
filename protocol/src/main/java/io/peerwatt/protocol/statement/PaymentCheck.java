package io.peerwatt.protocol.statement;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The machine-to-machine check a buyer's gateway runs before it signs a channel update: it
 * recomputes the statement from the readings it signed itself and signs only what those readings
 * justify, within its owner's spending cap. Pure: the gateway supplies its own readings and its cap
 * state.
 *
 * <p>Credits the platform books beside the energy (flexibility a household delivered) are checked
 * for their arithmetic and may only raise the statement's total; they never make it sign a debit.
 *
 * <p>The payment for a version is the change of the statement's satoshi total since the version
 * paid before ({@code previous}); the gateway pays only when that change is a debit.
 */
public final class PaymentCheck {
  private final SlotMetering metering = new SlotMetering(Duration.ZERO);

  /**
   * @param statement the statement the platform asks to be paid
   * @param previous the version of this statement the gateway paid before, if any
   * @param accountId the gateway owner's account
   * @param ownReadings the readings this gateway signed around the slot, per device
   * @param cap the owner's spending cap and what is already spent in its period
   */
  public PaymentDecision check(
      Statement statement,
      Optional<Statement> previous,
      long accountId,
      List<MeterSeries> ownReadings,
      SpendingCap cap) {
    if (statement.accountId() != accountId) {
      return PaymentDecision.refuse(
          RefusalReason.NOT_FOR_THIS_ACCOUNT,
          "statement is for account " + statement.accountId() + ", gateway serves " + accountId);
    }
    if (previous.isPresent()) {
      Statement p = previous.get();
      if (p.accountId() != accountId
          || !p.zoneCode().equals(statement.zoneCode())
          || !p.slot().equals(statement.slot())
          || statement.version() <= p.version()
          || !statement.previousHashHex().equals(StatementCodec.hashHex(p))) {
        return PaymentDecision.refuse(
            RefusalReason.NOT_FOR_THIS_ACCOUNT,
            "version " + statement.version() + " does not follow the paid version " + p.version());
      }
    } else if (statement.version() != 1) {
      return PaymentDecision.refuse(
          RefusalReason.NOT_FOR_THIS_ACCOUNT,
          "version " + statement.version() + " arrives without the version it replaces");
    }
    Optional<String> arithmetic = arithmeticError(statement);
    if (arithmetic.isPresent()) {
      return PaymentDecision.refuse(RefusalReason.INCONSISTENT_STATEMENT, arithmetic.get());
    }
    Map<List<Long>, Map<Long, String>> signed = new HashMap<>();
    for (MeterSeries s : ownReadings) {
      Map<Long, String> bySequence =
          signed.computeIfAbsent(
              List.of(s.deviceId(), (long) s.meterChannel()), k -> new HashMap<>());
      for (AcceptedReading r : s.readings()) {
        bySequence.put(r.sequence(), r.readingHashHex());
      }
    }
    for (ReadingRef ref : statement.readings()) {
      Map<Long, String> bySequence = signed.get(List.of(ref.deviceId(), (long) ref.meterChannel()));
      if (bySequence == null) {
        return PaymentDecision.refuse(
            RefusalReason.UNKNOWN_DEVICE,
            "statement cites device "
                + ref.deviceId()
                + " channel "
                + ref.meterChannel()
                + ", which this gateway does not hold");
      }
      String own = bySequence.get(ref.sequence());
      if (own != null && !own.equals(ref.readingHashHex())) {
        return PaymentDecision.refuse(
            RefusalReason.READING_NOT_SIGNED_BY_GATEWAY,
            "device "
                + ref.deviceId()
                + " sequence "
                + ref.sequence()
                + " differs from the signed reading");
      }
    }
    long chargedImportWh = chargedImportWh(statement);
    boolean chargedShortfall =
        statement.lines().stream().anyMatch(l -> l.kind() == LineKind.SELLER_SHORTFALL);
    if (chargedImportWh > 0 || statement.importWh() > 0 || chargedShortfall) {
      MeteredEnergy own =
          metering.account(ownReadings, statement.slot().start(), statement.slot().end());
      if (own.missing()) {
        return PaymentDecision.refuse(
            RefusalReason.NO_OWN_READINGS,
            "no own readings around both boundaries of " + statement.slot());
      }
      if (statement.importWh() > own.importWh() || chargedImportWh > own.importWh()) {
        return PaymentDecision.refuse(
            RefusalReason.CHARGES_UNIMPORTED_ENERGY,
            "statement counts "
                + Math.max(statement.importWh(), chargedImportWh)
                + " Wh imported, the meter counted "
                + own.importWh()
                + " Wh");
      }
      // a shortfall is sold minus min(sold, export): counting less export than the meter did
      // overcharges it
      if (chargedShortfall && statement.exportWh() < own.exportWh()) {
        return PaymentDecision.refuse(
            RefusalReason.UNDERCOUNTS_EXPORT,
            "statement counts "
                + statement.exportWh()
                + " Wh exported, the meter counted "
                + own.exportWh()
                + " Wh");
      }
    }
    long paidBefore = previous.map(Statement::totalSat).orElse(0L);
    long paySat = Math.max(0, Math.subtractExact(paidBefore, statement.totalSat()));
    if (paySat > cap.remainingSat()) {
      return PaymentDecision.refuse(
          RefusalReason.EXCEEDS_SPENDING_CAP,
          "payment of "
              + paySat
              + " sat exceeds the "
              + cap.remainingSat()
              + " sat left under the cap");
    }
    return PaymentDecision.approve(paySat);
  }

  /**
   * Energy the statement makes the buyer pay for because it was imported: its bought energy minus
   * the under-import credit plus the excess-import charge. A correct statement has exactly its
   * metered import here (or nothing, when it bought nothing).
   */
  private static long chargedImportWh(Statement s) {
    long excess = 0;
    long under = 0;
    for (StatementLine l : s.lines()) {
      if (l.kind() == LineKind.BUYER_EXCESS_IMPORT) {
        excess = Math.addExact(excess, l.quantityWh());
      } else if (l.kind() == LineKind.BUYER_UNDER_IMPORT) {
        under = Math.addExact(under, l.quantityWh());
      }
    }
    if (s.boughtWh() == 0 && excess == 0) {
      return 0;
    }
    return Math.addExact(Math.subtractExact(s.boughtWh(), under), excess);
  }

  private static Optional<String> arithmeticError(Statement s) {
    long purchasedWh = 0;
    for (StatementLine l : s.lines()) {
      long expected = l.kind().sign() * Rounding.energyAmount(l.quantityWh(), l.pricePerKwh());
      if (l.amount() != expected) {
        return Optional.of(
            l.kind()
                + " line of trade "
                + l.tradeId()
                + ": amount "
                + l.amount()
                + ", expected "
                + expected);
      }
      // a flexibility credit only lowers what the household pays: at a negative price it would be
      // a debit no reading of the gateway justifies
      if (l.kind() == LineKind.FLEXIBILITY_DELIVERY && l.pricePerKwh() < 0) {
        return Optional.of(
            "flexibility line of acceptance "
                + l.tradeId()
                + " has a negative price: "
                + l.pricePerKwh());
      }
      long expectedSat = s.rate().toSatoshis(l.amount());
      if (l.amountSat() != expectedSat) {
        return Optional.of(
            l.kind()
                + " line of trade "
                + l.tradeId()
                + ": "
                + l.amountSat()
                + " sat, expected "
                + expectedSat);
      }
      if (l.kind() == LineKind.ENERGY_PURCHASE) {
        purchasedWh = Math.addExact(purchasedWh, l.quantityWh());
      }
    }
    if (purchasedWh != s.boughtWh()) {
      return Optional.of(
          "purchase lines add up to "
              + purchasedWh
              + " Wh, statement says "
              + s.boughtWh()
              + " Wh bought");
    }
    return Optional.empty();
  }
}
