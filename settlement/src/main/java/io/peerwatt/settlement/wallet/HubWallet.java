package io.peerwatt.settlement.wallet;

import io.peerwatt.protocol.Signatures;

import io.peerwatt.protocol.Network;
import io.peerwatt.protocol.P2pkhAddress;
import io.peerwatt.protocol.PrivateKey;
import io.peerwatt.protocol.Script;
import io.peerwatt.protocol.Transaction;
import io.peerwatt.protocol.TxInput;
import io.peerwatt.protocol.TxOutput;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.ChainBackend;
import io.peerwatt.protocol.FeePolicy;
import io.peerwatt.settlement.chain.TxStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform hub's on-chain wallet: P2PKH outputs of one vault key, tracked from its own broadcasts
 * and the chain; pays outputs with coin selection, change and a fee from the backend's policy over
 * the real serialized size; never creates outputs below the dust limit (small change is folded into
 * the fee); spends its own unconfirmed change, so payments can chain without waiting for blocks.
 * Every transaction it makes is recorded in the {@link TransactionLog}. Thread-safe.
 */
public final class HubWallet {
  /** The vault label of the wallet's key. */
  public static final String WALLET_KEY_LABEL = "hub-wallet";
  private static final Logger LOG = LoggerFactory.getLogger(HubWallet.class);
  /** A signature with its type byte is at most 73 bytes; fee estimates assume the largest. */
  private static final int MAX_SIGNATURE_BYTES = 73;

  private final PrivateKey key;
  private final byte[] lockingScript;
  private final ChainBackend chain;
  private final WalletStore store;
  private final TransactionLog log;

  /** A signed transaction whose inputs the wallet has reserved, not yet broadcast. */
  public record PreparedSpend(Transaction transaction, List<WalletOutput> inputs, long feeSats, int changeIndex) {
    public PreparedSpend {
      inputs = List.copyOf(inputs);
    }

    /** The outputs spent, in input order (for the audit log). */
    public List<TxOutput> spentOutputs() {
      return inputs.stream().map(o -> new TxOutput(o.satoshis(), o.lockingScript())).toList();
    }
  }

  /** The wallet cannot pay: not enough spendable value for the outputs plus the fee. */
  public static final class InsufficientFundsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InsufficientFundsException(String message) {
      super(message);
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
  public static HubWallet open(KeyVault vault, ChainBackend chain, WalletStore store, TransactionLog log) {
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
   * Takes note of a transaction that pays this wallet (a faucet payment, a channel close, a refund):
   * its outputs to the wallet script become spendable. {@code made} says whether the platform signed it.
   */
  public synchronized void receive(Transaction tx, boolean made, List<TxOutput> spentOutputs, String purpose) {
    if (made) {
      log.recordMade(tx, spentOutputs, purpose);
    } else {
      log.recordReceived(tx, purpose);
    }
    store.add(outputsToUs(tx));
  }

  /**
   * Builds and signs a transaction paying {@code outputs} (in order; change, if any, goes last) and
   * reserves its inputs. Broadcast it with {@link #broadcast}; a rejected one releases its inputs.
   */
  public synchronized PreparedSpend prepare(List<TxOutput> outputs) {
    FeePolicy policy = chain.feePolicy();
    long target = 0;
    for (TxOutput o : outputs) {
      if (o.satoshis() < policy.dustLimitSats() && !Script.of(o.lockingScript()).isOpReturnData()) {
        throw new IllegalArgumentException("output of " + o.satoshis() + " sat is below the dust limit "
            + policy.dustLimitSats());
      }
      target = Math.addExact(target, o.satoshis());
    }
    List<WalletOutput> candidates = new ArrayList<>(store.unspent());
    // confirmed coins first, then largest: fewer inputs, and unconfirmed chains stay short
    candidates.sort(Comparator.comparing((WalletOutput o) -> !o.isConfirmed())
        .thenComparing(Comparator.comparingLong(WalletOutput::satoshis).reversed()));
    List<WalletOutput> selected = new ArrayList<>();
    long selectedSats = 0;
    for (WalletOutput c : candidates) {
      selected.add(c);
      selectedSats += c.satoshis();
      long feeWithChange = policy.feeFor(estimateSize(selected.size(), outputs, true));
      if (selectedSats >= target + feeWithChange) {
        break;
      }
      long feeNoChange = policy.feeFor(estimateSize(selected.size(), outputs, false));
      if (selectedSats >= target + feeNoChange) {
        break;
      }
    }
    long feeNoChange = policy.feeFor(estimateSize(selected.size(), outputs, false));
    if (selectedSats < target + feeNoChange) {
      throw new InsufficientFundsException("need " + (target + feeNoChange) + " sat, wallet has " + selectedSats
          + " sat spendable");
    }
    long feeWithChange = policy.feeFor(estimateSize(selected.size(), outputs, true));
    long change = selectedSats - target - feeWithChange;
    List<TxOutput> finalOutputs = new ArrayList<>(outputs);
    int changeIndex = -1;
    long fee;
    if (change >= Math.max(1, policy.dustLimitSats())) {
      finalOutputs.add(new TxOutput(change, lockingScript));
      changeIndex = finalOutputs.size() - 1;
      fee = feeWithChange;
    } else {
      fee = selectedSats - target; // change below dust is folded into the fee
    }
    List<TxInput> inputs = new ArrayList<>();
    for (WalletOutput o : selected) {
      inputs.add(new TxInput(o.txid(), o.index(), new byte[0], TxInput.SEQUENCE_FINAL));
    }
    Transaction tx = new Transaction(1, inputs, finalOutputs, 0);
    for (int i = 0; i < selected.size(); i++) {
      WalletOutput o = selected.get(i);
      byte[] sig = Signatures.signAllForkId(key, tx, i, o.lockingScript(), o.satoshis());
      tx = tx.withUnlockingScript(i, Script.p2pkhUnlock(sig, key.publicKey().bytes()).bytes());
    }
    store.markSpent(selected, tx.txid());
    return new PreparedSpend(tx, selected, fee, changeIndex);
  }

  /**
   * Broadcasts a prepared spend. Accepted: its change becomes spendable (unconfirmed) and it is logged
   * under {@code purpose}. Rejected: its inputs are released.
   */
  public synchronized BroadcastResult broadcast(PreparedSpend spend, String purpose) {
    Transaction tx = spend.transaction();
    BroadcastResult result = chain.broadcast(tx.serialize());
    if (result.isAccepted()) {
      log.recordMade(tx, spend.spentOutputs(), purpose);
      store.add(outputsToUs(tx));
    } else {
      LOG.warn("wallet transaction {} rejected: {} {}", tx.txidHex(), result.reason(), result.detail());
      store.releaseSpentBy(tx.txid());
    }
    return result;
  }

  /** Drops a prepared spend that will not be broadcast, releasing its inputs. */
  public synchronized void release(PreparedSpend spend) {
    store.releaseSpentBy(spend.transaction().txid());
  }

  /** {@link #prepare} then {@link #broadcast}. */
  public BroadcastResult pay(List<TxOutput> outputs, String purpose) {
    return broadcast(prepare(outputs), purpose);
  }

  /** Asks the chain about unconfirmed wallet outputs and records those now mined; returns how many. */
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
        ours.add(new WalletOutput(txid, i, o.satoshis(), lockingScript, store.walletLabel(), -1, null));
      }
    }
    return ours;
  }

  /** Serialized size with the largest P2PKH unlocking scripts, and a P2PKH change output if asked. */
  private int estimateSize(int inputCount, List<TxOutput> outputs, boolean withChange) {
    byte[] unlock = Script.p2pkhUnlock(new byte[MAX_SIGNATURE_BYTES], key.publicKey().bytes()).bytes();
    List<TxInput> ins = new ArrayList<>();
    for (int i = 0; i < inputCount; i++) {
      ins.add(new TxInput(new byte[32], 0, unlock, TxInput.SEQUENCE_FINAL));
    }
    List<TxOutput> outs = new ArrayList<>(outputs);
    if (withChange) {
      outs.add(new TxOutput(1, lockingScript));
    }
    return new Transaction(1, ins, outs, 0).size();
  }
}
