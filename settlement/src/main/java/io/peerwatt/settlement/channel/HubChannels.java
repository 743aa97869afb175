package io.peerwatt.settlement.channel;

import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelRejection;
import io.peerwatt.protocol.channel.ChannelResult;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.CommitmentUpdate;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.ChainBackend;
import io.peerwatt.settlement.chain.TxStatus;
import io.peerwatt.settlement.wallet.HubWallet;
import io.peerwatt.settlement.wallet.KeyVault;
import io.peerwatt.settlement.wallet.TransactionLog;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform hub's channels in both directions.
 *
 * <ul>
 *   <li>Hub -> seller: the hub is payer ({@link #sellers()}: open, pay, refund after expiry).
 *   <li>Buyer -> hub: the hub is payee ({@link #buyers()} is the endpoint buyers' gateways and the
 *       custodial payer deliver to); {@link #closeBuyerChannel} co-signs and broadcasts the newest
 *       commitment, {@link #closeExpiring} does so for every channel near its expiry.
 * </ul>
 *
 * The hub signs with one vault key ({@value #CHANNEL_KEY_LABEL}); refunds, payer change and buyer
 * payments return to the hub wallet's script.
 */
public final class HubChannels {
  /** Vault label of the hub's channel key. */
  public static final String CHANNEL_KEY_LABEL = "hub-channels";

  /** The shortest height-based lifetime the hub accepts for a buyer channel. */
  public static final long MIN_BUYER_CHANNEL_BLOCKS = 3;

  private static final Logger LOG = LoggerFactory.getLogger(HubChannels.class);

  private final PrivateKey hubKey;
  private final HubWallet wallet;
  private final ChannelStore store;
  private final ChainBackend chain;
  private final PayerKeeper sellers;
  private final PayeeKeeper buyers;
  private final PayeeEndpoint buyerEndpoint;

  /**
   * @param hubKey the hub's channel key
   * @param wallet the hub wallet (funds seller channels, receives buyer payments)
   * @param store channel state
   * @param chain the chain backend
   * @param log where buyers' funding transactions are recorded (parents of the hub's closing
   *     transactions)
   */
  public HubChannels(
      PrivateKey hubKey,
      HubWallet wallet,
      ChannelStore store,
      ChainBackend chain,
      TransactionLog log) {
    this.hubKey = hubKey;
    this.wallet = wallet;
    this.store = store;
    this.chain = chain;
    this.sellers = new PayerKeeper(hubKey, wallet, store, chain);
    this.buyers = new PayeeKeeper(hubKey, store);
    this.buyerEndpoint =
        new PayeeEndpoint() {
          @Override
          public ChannelResult<byte[]> openAndSignRefund(
              ChannelTerms terms, Transaction funding, Transaction refund) {
            String unacceptable = unacceptableBuyerTerms(terms);
            if (unacceptable != null) {
              return ChannelResult.rejected(ChannelRejection.BAD_TERMS, unacceptable);
            }
            ChannelResult<byte[]> r = buyers.openAndSignRefund(terms, funding, refund);
            if (r.isOk()) {
              log.recordReceived(funding, "channel-funding");
            }
            return r;
          }

          @Override
          public ChannelResult<Long> deliver(CommitmentUpdate update) {
            return buyers.deliver(update);
          }
        };
  }

  /**
   * Why the hub will not be payee on these terms, or null when they are fine: the hub's amount must
   * go to the hub wallet, the fee must meet the chain's policy (else the hub's closing transaction
   * could not be relayed), the dust limit must not be below the policy's, and a height-based expiry
   * must leave at least {@value #MIN_BUYER_CHANNEL_BLOCKS} blocks to use and close the channel.
   */
  String unacceptableBuyerTerms(ChannelTerms terms) {
    if (terms.direction() != ChannelDirection.BUYER_TO_HUB) {
      return "a channel to the hub must be buyer_to_hub";
    }
    if (!Arrays.equals(terms.payeeScript(), wallet.lockingScript())) {
      return "the payee script is not the hub wallet's";
    }
    long minFee =
        ChannelTerms.commitmentFeeSats(chain.feePolicy(), terms.payerScript(), terms.payeeScript());
    if (terms.feeSats() < minFee) {
      return "fee "
          + terms.feeSats()
          + " sat below the "
          + minFee
          + " sat the chain's policy needs";
    }
    if (terms.dustLimitSats() < chain.feePolicy().dustLimitSats()) {
      return "dust limit below the chain's " + chain.feePolicy().dustLimitSats() + " sat";
    }
    long expiry = terms.expiryLockTime();
    if (expiry < 500_000_000L && expiry < chain.tip().height() + MIN_BUYER_CHANNEL_BLOCKS) {
      return "expiry at height " + expiry + " is too soon (tip " + chain.tip().height() + ")";
    }
    return null;
  }

  /** With the hub channel key from the vault. */
  public static HubChannels open(
      KeyVault vault,
      HubWallet wallet,
      ChannelStore store,
      ChainBackend chain,
      TransactionLog log) {
    return new HubChannels(vault.key(CHANNEL_KEY_LABEL), wallet, store, chain, log);
  }

  /** The public key buyers put in their channels' 2-of-2 as payee, and sellers see as payer. */
  public PublicKey hubKey() {
    return hubKey.publicKey();
  }

  /** The script buyer channels pay the hub to (the hub wallet's). */
  public byte[] hubPayeeScript() {
    return wallet.lockingScript();
  }

  /** The hub as payer of seller channels. */
  public PayerKeeper sellers() {
    return sellers;
  }

  /**
   * The hub as payee of buyer channels: the endpoint buyers' gateways and the custodial payer
   * deliver to.
   */
  public PayeeEndpoint buyers() {
    return buyerEndpoint;
  }

  /** The hub's stored view of a buyer channel. */
  public Optional<PayeeChannel> buyerChannel(String channelId) {
    return buyers.channel(channelId);
  }

  /**
   * The newest commitment of a buyer channel with both signatures (what the hub broadcasts to close
   * it).
   */
  public ChannelResult<Transaction> buyerClosingTransaction(String channelId) {
    return buyers.closingTransaction(channelId);
  }

  /**
   * Records that a buyer channel's funding was spent otherwise (e.g. refunded to its payer after
   * expiry).
   */
  public void markBuyerChannelSpent(String channelId, ChannelState state, byte[] spendingTxid) {
    buyers.markSpent(channelId, state, spendingTxid);
  }

  /**
   * Closes a buyer channel: co-signs its newest commitment, broadcasts it and books the hub's
   * amount into the wallet.
   */
  public synchronized ChannelResult<BroadcastResult> closeBuyerChannel(String channelId) {
    ChannelResult<Transaction> closing = buyers.closingTransaction(channelId);
    if (!closing.isOk()) {
      return ChannelResult.rejected(closing.rejection(), closing.detail());
    }
    PayeeChannel channel = buyers.channel(channelId).orElseThrow();
    BroadcastResult result = chain.broadcast(closing.value().serialize());
    if (result.isAccepted()) {
      wallet.receive(
          closing.value(),
          true,
          List.of(new TxOutput(channel.terms().capacitySats(), channel.terms().fundingScript())),
          "channel-close");
      buyers.markSpent(channelId, ChannelState.CLOSING, closing.value().txid());
      LOG.info(
          "buyer channel {} closing at {} sat: {}",
          channelId,
          channel.payeeAmountSats(),
          result.txid());
    }
    return ChannelResult.ok(result);
  }

  /**
   * Closes every open buyer channel whose expiry is within {@code marginBlocks} of the next block,
   * so the hub's newest commitment is mined before the buyer's refund becomes valid. Time-based
   * expiries (lock times from 500,000,000 on) count ten minutes per block of margin against the
   * tip's time. Channels with no commitment yet are left to their refund. Returns the closing
   * broadcasts.
   */
  public synchronized List<BroadcastResult> closeExpiring(long marginBlocks) {
    long nextHeight = chain.tip().height() + 1;
    long tipTime = chain.tip().time();
    List<BroadcastResult> results = new ArrayList<>();
    for (PayeeChannel c : store.payeeChannels(ChannelState.OPEN)) {
      long expiry = c.terms().expiryLockTime();
      boolean heightLock = expiry < 500_000_000L;
      boolean due =
          heightLock
              ? expiry - nextHeight <= marginBlocks
              : expiry - tipTime <= Math.multiplyExact(marginBlocks, 600L);
      if (c.sequence() > 0 && due) {
        ChannelResult<BroadcastResult> r = closeBuyerChannel(c.channelId());
        if (r.isOk()) {
          results.add(r.value());
        }
      }
    }
    return results;
  }

  /**
   * Marks closing buyer channels closed once their closing transaction is mined; returns how many.
   */
  public synchronized int syncClosed() {
    int closed = 0;
    for (PayeeChannel c : store.payeeChannels(ChannelState.CLOSING)) {
      Transaction closing = c.closingTransaction(hubKey).orThrow();
      if (chain.status(closing.txidHex()).state() == TxStatus.State.MINED) {
        buyers.markState(c.channelId(), ChannelState.CLOSED);
        closed++;
      }
    }
    return closed;
  }
}
