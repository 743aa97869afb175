package io.peerwatt.settlement.channel;

import io.peerwatt.protocol.PrivateKey;
import io.peerwatt.protocol.PublicKey;
import io.peerwatt.protocol.Transaction;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.ChainBackend;
import io.peerwatt.settlement.chain.TxStatus;
import io.peerwatt.settlement.wallet.HubWallet;
import io.peerwatt.settlement.wallet.KeyVault;
import io.peerwatt.settlement.wallet.TransactionLog;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform hub's channels in both directions.
 *
 * <ul>
 *   <li>Hub -> seller: the hub is payer ({@link #sellers()}: open, pay, refund after expiry).</li>
 *   <li>Buyer -> hub: the hub is payee ({@link #buyers()} is the endpoint buyers' gateways and the
 *       custodial payer deliver to); {@link #closeBuyerChannel} co-signs and broadcasts the newest
 *       commitment, {@link #closeExpiring} does so for every channel near its expiry.</li>
 * </ul>
 * The hub signs with one vault key ({@value #CHANNEL_KEY_LABEL}); refunds, payer change and buyer
 * payments return to the hub wallet's script.
 */
public final class HubChannels {
  /** Vault label of the hub's channel key. */
  public static final String CHANNEL_KEY_LABEL = "hub-channels";
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
   * @param log where buyers' funding transactions are recorded (parents of the hub's closing transactions)
   */
  public HubChannels(PrivateKey hubKey, HubWallet wallet, ChannelStore store, ChainBackend chain,
      TransactionLog log) {
    this.hubKey = hubKey;
    this.wallet = wallet;
    this.store = store;
    this.chain = chain;
    this.sellers = new PayerKeeper(hubKey, wallet, store, chain);
    this.buyers = new PayeeKeeper(hubKey, store);
    this.buyerEndpoint = new PayeeEndpoint() {
      @Override
      public ChannelResult<byte[]> openAndSignRefund(ChannelTerms terms, Transaction funding, Transaction refund) {
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

  /** With the hub channel key from the vault. */
  public static HubChannels open(KeyVault vault, HubWallet wallet, ChannelStore store, ChainBackend chain,
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

  /** The hub as payee of buyer channels: the endpoint buyers' gateways and the custodial payer deliver to. */
  public PayeeEndpoint buyers() {
    return buyerEndpoint;
  }

  /** The hub's stored view of a buyer channel. */
  public java.util.Optional<PayeeChannel> buyerChannel(String channelId) {
    return buyers.channel(channelId);
  }

  /**
   * Closes a buyer channel: co-signs its newest commitment, broadcasts it and books the hub's amount
   * into the wallet.
   */
  public synchronized ChannelResult<BroadcastResult> closeBuyerChannel(String channelId) {
    ChannelResult<Transaction> closing = buyers.closingTransaction(channelId);
    if (!closing.isOk()) {
      return ChannelResult.rejected(closing.rejection(), closing.detail());
    }
    PayeeChannel channel = buyers.channel(channelId).orElseThrow();
    BroadcastResult result = chain.broadcast(closing.value().serialize());
    if (result.isAccepted()) {
      wallet.receive(closing.value(), true, List.of(new io.peerwatt.protocol.TxOutput(
          channel.terms().capacitySats(), channel.terms().fundingScript())), "channel-close");
      buyers.markState(channelId, ChannelState.CLOSING);
      LOG.info("buyer channel {} closing at {} sat: {}", channelId, channel.payeeAmountSats(), result.txid());
    }
    return ChannelResult.ok(result);
  }

  /**
   * Closes every open buyer channel whose height-based expiry is within {@code marginBlocks} of the
   * next block, so the hub's newest commitment is mined before the buyer's refund becomes valid.
   * Channels with no commitment yet are left to their refund. Returns the closing broadcasts.
   */
  public synchronized List<BroadcastResult> closeExpiring(long marginBlocks) {
    long nextHeight = chain.tip().height() + 1;
    List<BroadcastResult> results = new ArrayList<>();
    for (PayeeChannel c : store.payeeChannels(ChannelState.OPEN)) {
      long expiry = c.terms().expiryLockTime();
      boolean heightLock = expiry < 500_000_000L;
      if (heightLock && c.sequence() > 0 && expiry - nextHeight <= marginBlocks) {
        ChannelResult<BroadcastResult> r = closeBuyerChannel(c.channelId());
        if (r.isOk()) {
          results.add(r.value());
        }
      }
    }
    return results;
  }

  /** Marks closing buyer channels closed once their closing transaction is mined; returns how many. */
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
