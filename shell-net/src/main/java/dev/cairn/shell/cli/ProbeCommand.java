package dev.cairn.shell.cli;

import dev.cairn.shell.node.FailureReasons;
import dev.cairn.core.NodeId;
import dev.cairn.shell.node.EventLoops;
import dev.cairn.shell.node.PeerListener;
import dev.cairn.shell.node.PeerPipeline;
import dev.cairn.shell.node.PeerSession;
import dev.cairn.shell.node.PexMessages;
import dev.cairn.shell.p2p.HostResolver;
import dev.cairn.shell.p2p.NetAddress;
import dev.cairn.shell.p2p.NetAddressException;
import dev.cairn.shell.p2p.NetAddresses;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code cairn probe ID@HOST:PORT --network CHAIN_ID}: dial a node, complete both handshakes,
 * print its NodeInfo as one JSON line, ask it for addresses, print them as one JSON line, exit
 * 0. Any failure prints one line naming the reason and exits non-zero.
 */
@Command(name = "probe", mixinStandardHelpOptions = true,
    description = "Dial a CometBFT node, print its NodeInfo and the addresses it returns to a PexRequest.")
final class ProbeCommand implements java.util.concurrent.Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin WireOptions wire;

  @Parameters(index = "0", paramLabel = "ID@HOST:PORT", description = "the node to probe")
  String target;

  @Option(names = "--dial-timeout", defaultValue = "3s", paramLabel = "DURATION",
      description = "TCP connect deadline (default: ${DEFAULT-VALUE})")
  String dialTimeout;

  @Option(names = "--timeout", defaultValue = "20s", paramLabel = "DURATION",
      description = "overall deadline, from dialing to the PexAddrs answer (default: ${DEFAULT-VALUE})")
  String timeout;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    wire.check();
    NetAddress addr;
    try {
      addr = NetAddresses.parse(target, HostResolver.system());
    } catch (NetAddressException e) {
      err.println("cairn probe: " + e.getMessage());
      return 2;
    }
    if (addr.port() == 0) {
      err.println("cairn probe: '" + target + "' has port 0, which cannot be dialed");
      return 2;
    }
    if (addr.ip().isAnyLocalAddress()) { // a dial of it reaches this machine, not the node named
      err.println("cairn probe: '" + target + "' has the unspecified address " + addr.ipText()
          + ", which names no host to dial");
      return 2;
    }
    NodeId dialed;
    try {
      dialed = NodeId.of(addr.id());
    } catch (IllegalArgumentException e) {
      err.println("cairn probe: invalid node ID in '" + target + "': " + e.getMessage());
      return 2;
    }
    SecureRandom random = new SecureRandom();
    var key = wire.loadKey(random);
    Duration overall = wire.duration("--timeout", timeout);
    int connectMillis = (int) Math.min(Integer.MAX_VALUE, wire.duration("--dial-timeout", dialTimeout).toMillis());
    PeerPipeline.Settings settings = wire.settings(key, "tcp://0.0.0.0:0", random);

    CompletableFuture<Integer> result = new CompletableFuture<>();
    PeerListener listener = new PeerListener() {
      @Override
      public void onPeerReady(PeerSession session) {
        out.println(Json.line(Json.object().set("node_info", Json.nodeInfo(session.remoteInfo()))));
        out.flush();
        if (!session.remoteInfo().hasChannel(PexMessages.CHANNEL)) {
          err.println("cairn probe: peer " + session.remoteId() + " does not advertise the PEX channel");
          result.complete(1);
          session.close();
          return;
        }
        session.send(PexMessages.CHANNEL, PexMessages.encodeRequest());
      }

      @Override
      public void onMessage(PeerSession session, int channelId, byte[] message) {
        if (channelId != PexMessages.CHANNEL) {
          return;
        }
        try {
          if (PexMessages.decode(message) instanceof PexMessages.Addrs addrs) {
            out.println(Json.line(Json.object().set("addresses", Json.addresses(addrs.addresses()))));
            out.flush();
            result.complete(0);
            session.close();
          }
        } catch (PexMessages.PexProtocolException e) {
          err.println("cairn probe: peer sent a bad PEX message: " + e.getMessage());
          result.complete(1);
          session.close();
        }
      }

      @Override
      public void onPeerClosed(Channel channel, PeerSession session, Throwable cause) {
        if (result.complete(1)) {
          err.println("cairn probe: " + (cause == null
              ? (session == null ? "peer closed the connection during the handshake"
                  : "peer closed the connection before answering the PexRequest")
              : (session == null ? "the handshake failed: " : "no PexAddrs answer: ")
                  + FailureReasons.describe(cause)));
        }
      }
    };

    EventLoopGroup group = EventLoops.newGroup(1);
    try {
      Bootstrap b = new Bootstrap()
          .group(group)
          .channel(EventLoops.socketChannel())
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(PeerPipeline.initializer(settings, dialed, listener));
      ChannelFuture connect = b.connect(new InetSocketAddress(addr.ip(), addr.port()));
      connect.addListener(f -> {
        if (!f.isSuccess() && result.complete(1)) { // the first end is the one said
          err.println("cairn probe: cannot connect to " + addr.ipText() + ":" + addr.port() + ": "
              + FailureReasons.describe(f.cause()));
        }
      });
      try {
        return result.get(overall.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        if (!result.complete(1)) {
          return result.join(); // it ended just now: its own line is printed
        }
        // done: a failure the closing connection reports now is not printed after this line
        err.println("cairn probe: no PexAddrs answer within " + timeout);
        connect.channel().close();
        return 1;
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly(); // its last line is printed
      err.flush();
      out.flush();
    }
  }
}
