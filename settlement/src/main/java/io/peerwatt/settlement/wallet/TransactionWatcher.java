package io.peerwatt.settlement.wallet;

import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.ChainBackend;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.chain.TxStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows every transaction in the {@link TransactionLog} (anchors, wallet payments, channel
 * fundings, closings and refunds) until it is mined deep enough, one {@link #watch()} per
 * settlement pass:
 *
 * <ul>
 *   <li>mined: the block is recorded in the log;
 *   <li>its block left the best chain (a reorg: the chain's block at that height is another one):
 *       it is asked about again, and recorded in its new block or sent again;
 *   <li>unknown to the backend (evicted from the mempool, lost in a node restart without its
 *       mempool, or fallen out in a reorg): the platform's own transactions are sent again, parents
 *       first;
 *   <li>still unmined {@code bumpAfterBlocks} blocks after it was first seen waiting (miners skip a
 *       transaction paying below their rate, though the node keeps it in its mempool): a child
 *       spends the wallet's change of it (or of the newest unmined wallet transaction descending
 *       from it) and pays the rate for the whole unmined chain (child pays for parent).
 * </ul>
 *
 * <p>Transactions mined more than {@link #REORG_DEPTH} blocks below the tip are no longer looked
 * at. When a block was first seen unmined is kept in memory: after a restart the count starts
 * again. Not thread-safe on its own: calls are serialized.
 */
public final class TransactionWatcher {
  /**
   * How deep a reorg is followed: mined transactions are checked until this many blocks cover them.
   */
  public static final int REORG_DEPTH = 24;

  /** Blocks a transaction may wait in the mempool before it is bumped, unless told otherwise. */
  public static final int DEFAULT_BUMP_AFTER_BLOCKS = 3;

  private static final Logger LOG = LoggerFactory.getLogger(TransactionWatcher.class);

  private final ChainBackend chain;
  private final TransactionLog log;
  private final List<HubWallet> wallets;
  private final int bumpAfterBlocks;

  /** Tip height when each waiting transaction was first seen waiting (or last bumped or sent). */
  private final Map<String, Long> waitingSince = new HashMap<>();

  /** What one {@link #watch()} found and did. */
  public record Report(int mined, int reorged, int resent, int bumped, int refused) {}

  /**
   * @param wallets the wallets whose outputs may pay for a bump (the hub wallet, a custodial store)
   * @param bumpAfterBlocks blocks a transaction may wait unmined before it is bumped (at least 1)
   */
  public TransactionWatcher(
      ChainBackend chain, TransactionLog log, List<HubWallet> wallets, int bumpAfterBlocks) {
    if (bumpAfterBlocks < 1) {
      throw new IllegalArgumentException("bump after at least one block");
    }
    this.chain = chain;
    this.log = log;
    this.wallets = List.copyOf(wallets);
    this.bumpAfterBlocks = bumpAfterBlocks;
  }

  /** One look at every unsettled transaction; see the class comment. */
  public synchronized Report watch() {
    long tip = chain.tip().height();
    List<WatchedTransaction> unsettled = log.unsettled(tip - REORG_DEPTH);
    Map<Long, String> blockAt = new HashMap<>();
    List<WatchedTransaction> waiting = new ArrayList<>();
    int mined = 0;
    int reorged = 0;
    int resent = 0;
    int refused = 0;
    for (WatchedTransaction w : unsettled) {
      if (w.isMined()) {
        String best =
            blockAt.computeIfAbsent(
                w.blockHeight(), h -> chain.header(h).map(ChainHeader::hashHex).orElse(""));
        if (best.equals(w.blockHash())) {
          continue;
        }
        reorged++;
        LOG.warn(
            "transaction {} ({}) was mined in block {} at height {}, no longer on the best chain",
            w.txid(),
            w.logged().purpose(),
            w.blockHash(),
            w.blockHeight());
      }
      Transaction tx = w.logged().transaction();
      TxStatus status = chain.status(w.txid());
      switch (status.state()) {
        case MINED -> {
          log.markMined(tx.txid(), status.blockHeight(), status.blockHash());
          waitingSince.remove(w.txid());
          mined++;
        }
        case MEMPOOL -> {
          if (w.isMined()) {
            log.markUnmined(tx.txid());
          }
          waitingSince.putIfAbsent(w.txid(), tip);
          waiting.add(w);
        }
        case UNKNOWN -> {
          if (w.isMined()) {
            log.markUnmined(tx.txid());
          }
          // others' transactions are sent again only when they were on chain before (their payer
          // sent them)
          if (!w.logged().made() && !w.isMined()) {
            continue;
          }
          BroadcastResult sent = chain.broadcast(tx.serialize());
          if (sent.isAccepted()) {
            LOG.info(
                "sent {} ({}) again: the chain no longer knew it", w.txid(), w.logged().purpose());
            waitingSince.put(w.txid(), tip);
            resent++;
          } else {
            LOG.warn(
                "sending {} ({}) again was refused: {} {}",
                w.txid(),
                w.logged().purpose(),
                sent.reason(),
                sent.detail());
            refused++;
          }
        }
        default -> throw new IllegalStateException("unknown state " + status.state());
      }
    }
    int bumped = bumpStuck(waiting, tip);
    return new Report(mined, reorged, resent, bumped, refused);
  }

  /**
   * Bumps each chain of waiting transactions whose oldest member waited {@link #bumpAfterBlocks}.
   */
  private int bumpStuck(List<WatchedTransaction> waiting, long tip) {
    Map<String, WatchedTransaction> byTxid = new LinkedHashMap<>();
    waiting.forEach(w -> byTxid.put(w.txid(), w));
    Set<String> covered = new HashSet<>();
    int bumped = 0;
    for (WatchedTransaction w : waiting) {
      if (covered.contains(w.txid()) || tip - waitingSince.get(w.txid()) < bumpAfterBlocks) {
        continue;
      }
      List<WatchedTransaction> chainOfTx = descendants(w, byTxid);
      chainOfTx.forEach(d -> covered.add(d.txid()));
      long bytes = 0;
      long fees = 0;
      for (WatchedTransaction d : chainOfTx) {
        bytes += d.logged().transaction().size();
        fees += paidFee(d.logged());
      }
      Optional<BroadcastResult> result = bump(chainOfTx, bytes, fees);
      if (result.isPresent() && result.get().isAccepted()) {
        LOG.warn(
            "{} ({}) waited {} blocks unmined: child {} pays {} sat/kB for {} unmined transactions",
            w.txid(),
            w.logged().purpose(),
            tip - waitingSince.get(w.txid()),
            result.get().txid(),
            chain.feePolicy().satoshisPerKb(),
            chainOfTx.size());
        bumped++;
      } else {
        LOG.warn(
            "{} ({}) waited {} blocks unmined and cannot be bumped: {}",
            w.txid(),
            w.logged().purpose(),
            tip - waitingSince.get(w.txid()),
            result
                .map(r -> r.reason() + " " + r.detail())
                .orElse("no wallet holds an unspent output of it or of a transaction spending it"));
      }
      chainOfTx.forEach(d -> waitingSince.put(d.txid(), tip));
    }
    return bumped;
  }

  /**
   * {@code first} and the waiting transactions spending its outputs, transitively, in log order.
   */
  private static List<WatchedTransaction> descendants(
      WatchedTransaction first, Map<String, WatchedTransaction> byTxid) {
    List<WatchedTransaction> out = new ArrayList<>(List.of(first));
    Set<String> members = new HashSet<>(List.of(first.txid()));
    boolean started = false;
    for (WatchedTransaction w : byTxid.values()) {
      if (w == first) {
        started = true;
        continue;
      }
      if (started
          && w.logged().transaction().inputs().stream()
              .anyMatch(in -> members.contains(Transaction.txidToHex(in.prevTxid())))) {
        out.add(w);
        members.add(w.txid());
      }
    }
    return out;
  }

  /**
   * The fee a made transaction paid (its inputs less its outputs); 0 for others' (not known here).
   */
  private static long paidFee(LoggedTransaction t) {
    if (!t.made()) {
      return 0;
    }
    long in = t.spentOutputs().stream().mapToLong(TxOutput::satoshis).sum();
    long out = t.transaction().outputs().stream().mapToLong(TxOutput::satoshis).sum();
    return Math.max(0, in - out);
  }

  /** Spends the newest unspent wallet output of the chain with a child paying for all of it. */
  private Optional<BroadcastResult> bump(
      List<WatchedTransaction> chainOfTx, long bytes, long fees) {
    for (int i = chainOfTx.size() - 1; i >= 0; i--) {
      byte[] txid = chainOfTx.get(i).logged().transaction().txid();
      for (HubWallet wallet : wallets) {
        for (WalletOutput o : wallet.unspent()) {
          if (Arrays.equals(o.txid(), txid)) {
            Optional<BroadcastResult> child = wallet.payForAncestors(o, bytes, fees);
            if (child.isPresent()) {
              return child;
            }
          }
        }
      }
    }
    return Optional.empty();
  }
}
