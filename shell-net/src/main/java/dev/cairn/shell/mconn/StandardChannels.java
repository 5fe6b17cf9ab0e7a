package dev.cairn.shell.mconn;

import java.util.List;

/**
 * The channels of CometBFT's reactors (v0.38.25; identical in v0.34.35, v0.37.18 and v1.0.1),
 * with the capacities their reactors declare and Go's defaults where they declare none.
 */
public final class StandardChannels {

  private StandardChannels() {}

  /** PEX: {@code 256 * 250} bytes, enough for the largest address list. */
  public static final ChannelDescriptor PEX = new ChannelDescriptor(0x00, 1, 10, 4096, 64000);
  public static final ChannelDescriptor CONSENSUS_STATE = new ChannelDescriptor(0x20, 6, 100, 4096, 1048576);
  public static final ChannelDescriptor CONSENSUS_DATA = new ChannelDescriptor(0x21, 10, 100, 204800, 1048576);
  public static final ChannelDescriptor CONSENSUS_VOTE = new ChannelDescriptor(0x22, 7, 100, 10000, 1048576);
  public static final ChannelDescriptor CONSENSUS_VOTE_SET_BITS =
      new ChannelDescriptor(0x23, 1, 2, 1024, 1048576);
  /** Mempool: {@code Message{Txs{[max_tx_bytes]}}} with the default 1 MiB max_tx_bytes. */
  public static final ChannelDescriptor MEMPOOL = new ChannelDescriptor(0x30, 5, 1, 4096, 1048584);
  public static final ChannelDescriptor EVIDENCE = new ChannelDescriptor(0x38, 6, 1, 4096, 1048576);
  /** Blocksync (v0.34 "blockchain", same ID): 100 MiB block plus 5 bytes of framing. */
  public static final ChannelDescriptor BLOCKSYNC = new ChannelDescriptor(0x40, 5, 1000, 204800, 104857605);
  public static final ChannelDescriptor STATESYNC_SNAPSHOT = new ChannelDescriptor(0x60, 5, 10, 4096, 4000000);
  public static final ChannelDescriptor STATESYNC_CHUNK = new ChannelDescriptor(0x61, 3, 10, 4096, 16000000);

  /**
   * All of them in the Switch's registration order (mempool, blocksync, consensus, evidence,
   * statesync, PEX), which is the order that breaks scheduling ties.
   */
  public static final List<ChannelDescriptor> ALL = List.of(
      MEMPOOL, BLOCKSYNC, CONSENSUS_STATE, CONSENSUS_DATA, CONSENSUS_VOTE, CONSENSUS_VOTE_SET_BITS,
      EVIDENCE, STATESYNC_SNAPSHOT, STATESYNC_CHUNK, PEX);
}
