package io.peerwatt.settlement.wallet;

import io.peerwatt.protocol.bsv.FeePolicy;
import io.peerwatt.protocol.bsv.P2pkhSpend;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.Signatures;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxInput;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.keys.Network;
import io.peerwatt.protocol.keys.P2pkhAddress;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.ChainBackend;
import io.peerwatt.settlement.chain.ChainUnavailableException;
import io.peerwatt.settlement.chain.TxStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform hub's on-chain wallet: P2PKH outputs of one vault key, tracked from its own
 * broadcasts and the chain; pays outputs with coin selection, change and a fee from the backend's
 * policy over the real serialized size; never creates outputs below the dust limit (small change is
 * folded into the fee); spends its own unconfirmed change, so payments can chain without waiting
 * for blocks. Every transaction it makes is recorded in the {@link TransactionLog}. Thread-safe.
 */
public final class HubWallet {
  /** The vault label of the wallet's key. */
  public static final String WALLET_KEY_LABEL = "hub-wallet";

  /**
   * A DER signature with its sighash byte is at most 73 bytes; fees are computed for the largest.
   */
  private static final int P2PKH_MAX_SIGNATURE_BYTES = 73;

  private static final Logger LOG = LoggerFactory.getLogger(HubWallet.class);

  private final PrivateKey key;
  private final byte[] lockingScript;
  private final ChainBackend chain;
  private final WalletStore store;
  private final TransactionLog log;

  /** A signed transaction whose inputs the wallet has reserved, not yet broadcast. */
  public record PreparedSpend(
      Transaction transaction, List<WalletOutput> inputs, long feeSats, int changeIndex) {
    public PreparedSpend {
      inputs = List.copyOf(inputs);
    }

    /** The outputs spent, in input order (for the audit log). */
    public List<TxOutput> spentOutputs() {
      return inputs.stream().map(o -> new TxOutput(o.satoshis(), o.lockingScript())).toList();
    }
  }

  public HubWallet(PrivateKey key, ChainBackend chain, WalletStore store, TransactionLog log) {
    this.key = Objects.requireNonNull(key, "key");
    this.lockingScript = Script.p2pkh(key.publicKey().hash160()).bytes();
    this.chain = chain;
    this.store = store;
    this.log = log;
  }

  /** The wallet of the vault key named by the store's {@link WalletStore#walletLabel()}. */
  public static HubWallet open(
      KeyVault vault, ChainBackend chain, WalletStore store, TransactionLog log) {
    return new HubWallet(vault.key(store.walletLabel()), chain, store, log);
  }

  /** The script payments to this wallet use (also change, channel refunds and payer change). */
  public byte[] lockingScript() {
    return lockingScript.clone();
  }

  public P2pkhAddress address(Network network) {
    return key.publicKey().toAddress(network);
  }

  /** Spendable value, confirmed or not. */
  public long balanceSats() {
    long sum = 0;
    for (WalletOutput o : store.unspent()) {
      sum = Math.addExact(sum, o.satoshis());
    }
    return sum;
  }

  public List<WalletOutput> unspent() {
    return store.unspent();
  }

  /**
   * Takes note of a transaction that pays this wallet (a faucet payment, a channel close, a
   * refund): its outputs to the wallet script become spendable. {@code made} says whether the
   * platform signed it.
   */
  public synchronized void receive(
      Transaction tx, boolean made, List<TxOutput> spentOutputs, String purpose) {
    if (made) {
      log.recordMade(tx, spentOutputs, purpose);
    } else {
      log.recordReceived(tx, purpose);
    }
    store.add(outputsToUs(tx));
  }

  /**
   * Builds and signs a transaction paying {@code outputs} (in order; change, if any, goes last; the
   * rules are {@link P2pkhSpend}'s) and reserves its inputs. Broadcast it with {@link #broadcast};
   * a rejected one releases its inputs.
   *
   * @throws P2pkhSpend.InsufficientFundsException when the spendable outputs cannot pay
   */
  public synchronized PreparedSpend prepare(List<TxOutput> outputs) {
    Map<P2pkhSpend.Coin, WalletOutput> byCoin = new LinkedHashMap<>();
    for (WalletOutput o : store.unspent()) {
      byCoin.put(new P2pkhSpend.Coin(o.txid(), o.index(), o.satoshis(), o.isConfirmed()), o);
    }
    P2pkhSpend.Spend spend =
        P2pkhSpend.build(key, new ArrayList<>(byCoin.keySet()), outputs, chain.feePolicy());
    List<WalletOutput> selected = spend.inputs().stream().map(byCoin::get).toList();
    store.markSpent(selected, spend.transaction().txid());
    return new PreparedSpend(spend.transaction(), selected, spend.feeSats(), spend.changeIndex());
  }

  /**
   * {@link #prepare} for a spend that waits before its broadcast (a channel proposal waiting for
   * its payee): it takes the smallest single coin that pays it, so the wallet's larger coins stay
   * free for everything else meanwhile; several coins only when no single one suffices.
   */
  public synchronized PreparedSpend prepareHolding(List<TxOutput> outputs) {
    List<WalletOutput> bySize = new ArrayList<>(store.unspent());
    bySize.sort(java.util.Comparator.comparingLong(WalletOutput::satoshis));
    for (WalletOutput o : bySize) {
      P2pkhSpend.Coin coin =
          new P2pkhSpend.Coin(o.txid(), o.index(), o.satoshis(), o.isConfirmed());
      P2pkhSpend.Spend spend;
      try {
        spend = P2pkhSpend.build(key, List.of(coin), outputs, chain.feePolicy());
      } catch (P2pkhSpend.InsufficientFundsException e) {
        continue;
      }
      store.markSpent(List.of(o), spend.transaction().txid());
      return new PreparedSpend(
          spend.transaction(), List.of(o), spend.feeSats(), spend.changeIndex());
    }
    return prepare(outputs);
  }

  /**
   * The prepared spend of {@code tx} as {@link #prepare} left it (after a restart, or when the
   * broadcast waits for someone else, like a payee's refund signature); empty when its inputs are
   * no longer reserved for it.
   */
  public synchronized Optional<PreparedSpend> reserved(Transaction tx) {
    List<WalletOutput> reservedOutputs = store.spentBy(tx.txid());
    List<WalletOutput> inOrder = new ArrayList<>();
    for (TxInput in : tx.inputs()) {
      Optional<WalletOutput> spent =
          reservedOutputs.stream()
              .filter(o -> Arrays.equals(o.txid(), in.prevTxid()) && o.index() == in.prevIndex())
              .findFirst();
      if (spent.isEmpty()) {
        return Optional.empty();
      }
      inOrder.add(spent.get());
    }
    long in = inOrder.stream().mapToLong(WalletOutput::satoshis).sum();
    long out = tx.outputs().stream().mapToLong(TxOutput::satoshis).sum();
    int changeIndex = -1;
    for (int i = 0; i < tx.outputs().size(); i++) {
      if (Arrays.equals(tx.outputs().get(i).lockingScript(), lockingScript)) {
        changeIndex = i;
      }
    }
    return Optional.of(new PreparedSpend(tx, inOrder, in - out, changeIndex));
  }

  /**
   * Broadcasts a prepared spend. Accepted: its change becomes spendable (unconfirmed) and it is
   * logged under {@code purpose}. Rejected: its inputs are released. When the chain cannot be asked
   * ({@link ChainUnavailableException}, rethrown) the transaction may have reached it: it is kept
   * as if accepted, and the {@link TransactionWatcher} sends it again once the chain answers.
   */
  public synchronized BroadcastResult broadcast(PreparedSpend spend, String purpose) {
    Transaction tx = spend.transaction();
    BroadcastResult result;
    try {
      result = chain.broadcast(tx.serialize());
    } catch (ChainUnavailableException e) {
      log.recordMade(tx, spend.spentOutputs(), purpose);
      store.add(outputsToUs(tx));
      throw e;
    }
    if (result.isAccepted()) {
      log.recordMade(tx, spend.spentOutputs(), purpose);
      store.add(outputsToUs(tx));
    } else {
      LOG.warn(
          "wallet transaction {} rejected: {} {}", tx.txidHex(), result.reason(), result.detail());
      store.releaseSpentBy(tx.txid());
    }
    return result;
  }

  /** Drops a prepared spend that will not be broadcast, releasing its inputs. */
  public synchronized void release(PreparedSpend spend) {
    store.releaseSpentBy(spend.transaction().txid());
  }

  /**
   * Makes sure at least {@code count} spendable outputs of at least {@code eachSats} exist,
   * splitting coins into outputs of {@code eachSats} to the wallet itself when there are fewer.
   * Spends that wait before their broadcast (a channel proposal waiting for its payee) reserve a
   * whole coin each, so several of them at once need several coins. Returns the split's broadcast,
   * or empty when none was needed.
   */
  public synchronized Optional<BroadcastResult> ensureCoins(int count, long eachSats) {
    long have = store.unspent().stream().filter(o -> o.satoshis() >= eachSats).count();
    if (have >= count) {
      return Optional.empty();
    }
    List<TxOutput> outputs = new ArrayList<>();
    for (long i = have; i < count; i++) {
      outputs.add(new TxOutput(eachSats, lockingScript));
    }
    BroadcastResult result = pay(outputs, "coin-split");
    LOG.info(
        "wallet split {} coins of {} sat for spends waiting to be broadcast: {}",
        outputs.size(),
        eachSats,
        result.isAccepted() ? result.txid() : result.detail());
    return Optional.of(result);
  }

  /**
   * Child pays for parent: spends {@code output} (an unspent output of this wallet whose
   * transaction is not mined) back to the wallet, paying the backend's rate for itself and for
   * {@code ancestorBytes} of unmined ancestors that paid {@code ancestorFeeSats} together, so
   * miners take the whole package. Logged as "fee-bump". Empty when the output cannot pay that fee
   * and keep change above the dust limit.
   */
  public synchronized Optional<BroadcastResult> payForAncestors(
      WalletOutput output, long ancestorBytes, long ancestorFeeSats) {
    FeePolicy policy = chain.feePolicy();
    TxInput in = new TxInput(output.txid(), output.index(), new byte[0], TxInput.SEQUENCE_FINAL);
    byte[] largestUnlock =
        Script.p2pkhUnlock(new byte[P2PKH_MAX_SIGNATURE_BYTES], key.publicKey().bytes()).bytes();
    long childBytes =
        new Transaction(
                1,
                List.of(in.withUnlockingScript(largestUnlock)),
                List.of(new TxOutput(output.satoshis(), lockingScript)),
                0)
            .size();
    long fee =
        Math.max(
            policy.feeFor(childBytes),
            Math.subtractExact(
                policy.feeFor(Math.addExact(ancestorBytes, childBytes)), ancestorFeeSats));
    long change = output.satoshis() - fee;
    if (change < Math.max(1, policy.dustLimitSats())) {
      LOG.warn(
          "wallet output {} of {} sat cannot pay a fee of {} sat",
          output.outpoint(),
          output.satoshis(),
          fee);
      return Optional.empty();
    }
    Transaction unsigned =
        new Transaction(1, List.of(in), List.of(new TxOutput(change, lockingScript)), 0);
    byte[] sig = Signatures.signAllForkId(key, unsigned, 0, lockingScript, output.satoshis());
    Transaction child =
        unsigned.withUnlockingScript(0, Script.p2pkhUnlock(sig, key.publicKey().bytes()).bytes());
    store.markSpent(List.of(output), child.txid());
    return Optional.of(broadcast(new PreparedSpend(child, List.of(output), fee, 0), "fee-bump"));
  }

  /** {@link #prepare} then {@link #broadcast}. */
  public BroadcastResult pay(List<TxOutput> outputs, String purpose) {
    return broadcast(prepare(outputs), purpose);
  }

  /**
   * Asks the chain about unconfirmed wallet outputs and records those now mined; returns how many.
   */
  public synchronized int syncConfirmations() {
    int confirmed = 0;
    List<byte[]> done = new ArrayList<>();
    for (WalletOutput o : store.unspent()) {
      if (o.isConfirmed() || done.stream().anyMatch(t -> Arrays.equals(t, o.txid()))) {
        continue;
      }
      TxStatus status = chain.status(Transaction.txidToHex(o.txid()));
      if (status.state() == TxStatus.State.MINED) {
        store.confirm(o.txid(), status.blockHeight());
        done.add(o.txid());
        confirmed++;
      }
    }
    return confirmed;
  }

  private List<WalletOutput> outputsToUs(Transaction tx) {
    List<WalletOutput> ours = new ArrayList<>();
    byte[] txid = tx.txid();
    for (int i = 0; i < tx.outputs().size(); i++) {
      TxOutput o = tx.outputs().get(i);
      if (o.satoshis() > 0 && Arrays.equals(o.lockingScript(), lockingScript)) {
        ours.add(
            new WalletOutput(txid, i, o.satoshis(), lockingScript, store.walletLabel(), -1, null));
      }
    }
    return ours;
  }
}
