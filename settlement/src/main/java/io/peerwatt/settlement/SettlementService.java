package io.peerwatt.settlement;

import io.peerwatt.protocol.statement.ExchangeRate;
import io.peerwatt.protocol.statement.MeterSeries;
import io.peerwatt.protocol.statement.MeteredEnergy;
import io.peerwatt.protocol.statement.SlotMetering;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementCodec;
import io.peerwatt.settlement.allocation.AccountAllocation;
import io.peerwatt.settlement.allocation.AllocatedLine;
import io.peerwatt.settlement.allocation.Allocation;
import io.peerwatt.settlement.allocation.AllocationResult;
import io.peerwatt.settlement.allocation.SlotTerms;
import io.peerwatt.settlement.allocation.TradeFill;
import io.peerwatt.settlement.statement.RateSource;
import io.peerwatt.settlement.statement.Statements;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles delivered slots: gathers trades and readings, allocates, writes versioned statements and
 * their payments, and hands the payments to the channels.
 *
 * <p>The platform calls {@link #settleDueSlots(Instant)} on a timer (e.g. every minute, on a worker
 * thread). A slot is first settled once it ended at least the grace window ago; until its zone's
 * re-settlement window closes, every pass settles it again and writes a new version for each
 * account whose statement changed (late readings), with a payment of the satoshi difference only; a
 * slot none of whose statements lacks data is left alone (see {@link #settleSlot}). The terms and
 * the rate of a slot are frozen at its first settlement, so the final version equals what a single
 * settlement with all the data would have produced.
 *
 * <p>Blocking and not thread-safe: call it from one worker at a time (e.g. a periodic timer whose
 * work runs ordered on a worker thread). Two platform nodes settling the same slot cannot both
 * write: the statement and payment keys make the second writer's transaction fail, and its pass
 * reports FAILED.
 */
public final class SettlementService {
  private static final Logger log = LoggerFactory.getLogger(SettlementService.class);

  /** Payments handed to the channels per dispatch pass. */
  private static final int DISPATCH_BATCH = 5_000;

  private final SettlementInputs inputs;
  private final StatementStore store;
  private final RateSource rates;
  private final PaymentPort payments;
  private final SettlementPolicy policy;
  private final SlotMetering metering;
  private final Executor lanes;
  private final List<ServiceLines> services;

  /** Pays one payment after another, on the calling thread. */
  public SettlementService(
      SettlementInputs inputs,
      StatementStore store,
      RateSource rates,
      PaymentPort payments,
      SettlementPolicy policy) {
    this(inputs, store, rates, payments, policy, Runnable::run, List.of());
  }

  /**
   * @param lanes runs the payment lanes of a dispatch (see {@link #dispatchPayments}); several
   *     threads pay several prosumers at once, which the payment port and statement store must
   *     allow
   * @param services the other services whose lines the slot statements carry (flexibility, data)
   */
  public SettlementService(
      SettlementInputs inputs,
      StatementStore store,
      RateSource rates,
      PaymentPort payments,
      SettlementPolicy policy,
      Executor lanes,
      List<ServiceLines> services) {
    this.services = List.copyOf(services);
    this.lanes = Objects.requireNonNull(lanes, "lanes");
    this.inputs = Objects.requireNonNull(inputs, "inputs");
    this.store = Objects.requireNonNull(store, "store");
    this.rates = Objects.requireNonNull(rates, "rates");
    this.payments = Objects.requireNonNull(payments, "payments");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.metering = new SlotMetering(policy.estimateThreshold());
  }

  /**
   * Settles (or re-settles) every slot with trades or service lines that ended between its zone's
   * re-settlement window and the grace window before {@code now}, then dispatches pending payments.
   * A failing slot is logged and left for the next pass; the others go on.
   */
  public List<SlotSettlement> settleDueSlots(Instant now) {
    Instant endTo = now.minus(policy.graceWindow());
    Instant endFrom = now.minus(policy.longestWindow());
    List<SlotSettlement> done = new ArrayList<>();
    TreeSet<SlotKey> due = new TreeSet<>(inputs.tradedSlots(endFrom, endTo));
    for (ServiceLines service : services) {
      due.addAll(service.slots(endFrom, endTo));
    }
    for (SlotKey key : due) {
      if (key.slot().end().plus(policy.windowOf(key.zoneCode())).isBefore(now)) {
        continue;
      }
      try {
        done.add(settleSlot(key, now));
      } catch (RuntimeException e) {
        log.error("Settling {} failed; retrying on the next pass", key, e);
        done.add(new SlotSettlement(key, SlotSettlement.Outcome.FAILED, 0, 0));
      }
    }
    dispatchPayments(now);
    return done;
  }

  /**
   * Settles one slot now, whatever the windows say (operators use it to force a pass). A slot
   * settled before is recomputed only while one of its statements still has missing data: ingestion
   * accepts each device channel's readings in sequence order only, so a meter whose boundaries were
   * bracketed cannot receive a reading that changes them.
   */
  public SlotSettlement settleSlot(SlotKey key, Instant now) {
    List<TradeFill> trades = inputs.trades(key);
    if (trades.isEmpty() && services.stream().noneMatch(s -> hasSlot(s, key))) {
      return new SlotSettlement(key, SlotSettlement.Outcome.NOTHING_TRADED, 0, 0);
    }
    Optional<SettledSlot> before = store.settledSlot(key);
    Map<Long, Statement> latest = store.latestStatements(key);
    SettledSlot basis;
    if (before.isPresent()) {
      // Ingestion accepts a device channel's readings strictly in sequence, so once both boundaries
      // of
      // a meter are bracketed no later reading can change its values: only statements with missing
      // data can still move.
      if (latest.values().stream().noneMatch(Statement::missing)) {
        return new SlotSettlement(key, SlotSettlement.Outcome.UNCHANGED, 0, 0);
      }
      basis = before.get();
    } else {
      var terms = inputs.terms(key);
      Optional<ExchangeRate> rate = rates.rate(terms.currency(), now);
      if (rate.isEmpty()) {
        log.warn("No satoshi rate for {}: {} waits for the next pass", terms.currency(), key);
        return new SlotSettlement(key, SlotSettlement.Outcome.WAITING_FOR_RATE, 0, 0);
      }
      ExchangeRate r = rate.get();
      // whole seconds: the rate's time is stored and must read back identical for later versions
      basis =
          new SettledSlot(
              terms,
              new ExchangeRate(
                  r.currency(),
                  r.satoshisPerUnit(),
                  r.marketUnitsPerUnit(),
                  r.source(),
                  r.asOf().truncatedTo(ChronoUnit.SECONDS)));
    }
    TreeSet<Long> accounts = new TreeSet<>();
    for (TradeFill t : trades) {
      accounts.add(t.buyerAccountId());
      accounts.add(t.sellerAccountId());
    }
    Map<Long, MeteredEnergy> metered = meter(key, accounts);
    AllocationResult allocation = Allocation.allocate(basis.terms(), trades, metered);
    List<Statement> newVersions = new ArrayList<>();
    List<SettlementPayment> newPayments = new ArrayList<>();
    for (AccountAllocation a : withServiceLines(key, basis.terms(), allocation, metered)) {
      Statement candidate = Statements.of(basis.terms(), a, basis.rate(), 1, Statement.NO_PREVIOUS);
      Statement previous = latest.get(a.accountId());
      if (previous != null && previous.sameContentAs(candidate)) {
        continue;
      }
      Statement statement =
          previous == null
              ? candidate
              : candidate.asVersion(previous.version() + 1, StatementCodec.hashHex(previous));
      newVersions.add(statement);
      long owed =
          Math.subtractExact(statement.totalSat(), previous == null ? 0 : previous.totalSat());
      if (owed != 0) {
        newPayments.add(
            new SettlementPayment(0, statement, StatementCodec.hashHex(statement), owed));
      }
    }
    if (before.isPresent() && newVersions.isEmpty()) {
      return new SlotSettlement(key, SlotSettlement.Outcome.UNCHANGED, 0, 0);
    }
    store.record(basis, newVersions, newPayments, now);
    SlotSettlement.Outcome outcome =
        before.isPresent() ? SlotSettlement.Outcome.RESETTLED : SlotSettlement.Outcome.SETTLED;
    log.info(
        "{} {}: {} statement versions, {} payments (grid fees {}, imbalance account {} in {} units)",
        outcome,
        key,
        newVersions.size(),
        newPayments.size(),
        allocation.gridFeeAccount(),
        allocation.imbalanceAccount(),
        basis.terms().priceUnit());
    return new SlotSettlement(key, outcome, newVersions.size(), newPayments.size());
  }

  private static boolean hasSlot(ServiceLines service, SlotKey key) {
    return service.slots(key.slot().end(), key.slot().end()).contains(key);
  }

  private Map<Long, MeteredEnergy> meter(SlotKey key, Collection<Long> accounts) {
    Map<Long, List<MeterSeries>> meters = inputs.meters(key, accounts);
    Map<Long, MeteredEnergy> metered = new TreeMap<>();
    for (Long account : accounts) {
      metered.put(
          account,
          metering.account(
              meters.getOrDefault(account, List.of()), key.slot().start(), key.slot().end()));
    }
    return metered;
  }

  /**
   * The allocation's accounts with the services' lines added, and an allocation of no energy for
   * each account that has service lines only; lines ordered by kind code, then reference.
   */
  private List<AccountAllocation> withServiceLines(
      SlotKey key, SlotTerms terms, AllocationResult allocation, Map<Long, MeteredEnergy> metered) {
    if (services.isEmpty()) {
      return allocation.accounts();
    }
    Map<Long, List<AllocatedLine>> extra = new HashMap<>();
    for (ServiceLines service : services) {
      Map<Long, List<AllocatedLine>> lines =
          service.lines(
              key,
              terms,
              account -> metered.computeIfAbsent(account, a -> meter(key, List.of(a)).get(a)));
      lines.forEach(
          (account, l) -> extra.computeIfAbsent(account, a -> new ArrayList<>()).addAll(l));
    }
    if (extra.isEmpty()) {
      return allocation.accounts();
    }
    Map<Long, AccountAllocation> byAccount = new TreeMap<>();
    for (AccountAllocation a : allocation.accounts()) {
      byAccount.put(a.accountId(), a);
    }
    for (Map.Entry<Long, List<AllocatedLine>> e : extra.entrySet()) {
      long account = e.getKey();
      AccountAllocation a = byAccount.get(account);
      if (a == null) {
        MeteredEnergy energy =
            metered.computeIfAbsent(account, id -> meter(key, List.of(id)).get(id));
        a = new AccountAllocation(account, 0, 0, 0, energy, List.of());
      }
      List<AllocatedLine> lines = new ArrayList<>(a.lines());
      lines.addAll(e.getValue());
      lines.sort(
          Comparator.comparingInt((AllocatedLine l) -> l.kind().code())
              .thenComparingLong(AllocatedLine::tradeId));
      byAccount.put(
          account,
          new AccountAllocation(
              account, a.boughtWh(), a.soldWh(), a.deliveredWh(), a.metered(), lines));
    }
    return List.copyOf(byAccount.values());
  }

  /**
   * Hands pending payments to the channels, oldest first, and records each outcome. A payment whose
   * call throws stays pending for the next pass.
   *
   * <p>An account's payments in one direction form a lane (they go over one channel): a lane's
   * payments go out in order, and one still pending holds its later ones back; a debt waiting for a
   * prosumer -> hub channel does not stop the account's receipts. Different lanes are paid at once
   * on the service's executor; this call returns when every lane is done.
   *
   * @return how many payments were paid in this pass
   */
  public int dispatchPayments(Instant now) {
    Map<List<Long>, List<SettlementPayment>> byLane = new LinkedHashMap<>();
    for (SettlementPayment p : store.pendingPayments(DISPATCH_BATCH)) {
      byLane
          .computeIfAbsent(
              List.of(p.accountId(), (long) Long.signum(p.amountSat())), k -> new ArrayList<>())
          .add(p);
    }
    List<CompletableFuture<Integer>> running = new ArrayList<>(byLane.size());
    for (List<SettlementPayment> lane : byLane.values()) {
      running.add(CompletableFuture.supplyAsync(() -> payLane(lane, now), lanes));
    }
    // every lane ends before this returns, even when one failed: the next pass must not find a
    // lane still being paid
    CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
        .exceptionally(e -> null)
        .join();
    int paid = 0;
    for (CompletableFuture<Integer> lane : running) {
      paid += lane.join();
    }
    return paid;
  }

  /** Pays a lane's payments in order until one stays pending; returns how many were paid. */
  private int payLane(List<SettlementPayment> lane, Instant now) {
    int paid = 0;
    for (SettlementPayment p : lane) {
      PaymentOutcome outcome;
      try {
        outcome = payments.send(p, store);
      } catch (RuntimeException e) {
        log.warn(
            "Payment {} of {} sat for account {} failed; retrying on the next pass",
            p.id(),
            p.amountSat(),
            p.accountId(),
            e);
        return paid;
      }
      store.markPayment(p.id(), outcome, now);
      if (outcome.status() == PaymentStatus.PAID) {
        paid++;
      } else if (outcome.status() == PaymentStatus.PENDING) {
        return paid;
      } else {
        log.warn(
            "Payment {} of {} sat for account {} refused ({}): {}",
            p.id(),
            p.amountSat(),
            p.accountId(),
            outcome.refusalCode(),
            outcome.detail());
      }
    }
    return paid;
  }
}
