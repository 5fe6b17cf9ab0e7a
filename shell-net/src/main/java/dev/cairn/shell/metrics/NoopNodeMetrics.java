package dev.cairn.shell.metrics;

import dev.cairn.core.NodeId;
import dev.cairn.core.Outcome;
import dev.cairn.core.peer.DisconnectReason;
import java.net.InetSocketAddress;
import java.util.Optional;

/** Metrics turned off ({@code prometheus = false}): no registry, no port, every call returns at once. */
enum NoopNodeMetrics implements NodeMetrics {
  INSTANCE;

  @Override
  public Optional<InetSocketAddress> endpoint() {
    return Optional.empty();
  }

  @Override
  public void peerConnected(NodeId peer) {}

  @Override
  public void peerDisconnected(NodeId peer) {}

  @Override
  public void messageReceived(NodeId peer, int channelId, String messageType, long bytes) {}

  @Override
  public void messageSent(NodeId peer, int channelId, String messageType, long bytes) {}

  @Override
  public void messageDropped(int channelId, String cause) {}

  @Override
  public void peerErrored(int channelId, String kind) {}

  @Override
  public void pendingSendBytes(NodeId peer, long bytes) {}

  @Override
  public void coreStep(String eventType, Outcome outcome, long nanos) {}

  @Override
  public void dial(DialOutcome outcome) {}

  @Override
  public void peerBanned() {}

  @Override
  public void peerEvicted(DisconnectReason reason) {}

  @Override
  public void pexDisconnected(String reason) {}

  @Override
  public void pexAddressesDropped(String reason, long count) {}

  @Override
  public void inboundRefused(InboundRefusal reason) {}

  @Override
  public void addressBook(int newAddresses, int oldAddresses, int bannedPeers) {}

  @Override
  public void close() {}
}
