package dev.cairn.shell.cli;

import dev.cairn.shell.node.FailureReasons;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.shell.config.HostPort;
import dev.cairn.shell.node.EventLoops;
import dev.cairn.shell.node.PeerListener;
import dev.cairn.shell.node.PeerPipeline;
import dev.cairn.shell.node.PeerSession;
import dev.cairn.shell.node.PexMessages;
import dev.cairn.shell.node.PexRequestRateLimit;
import dev.cairn.shell.p2p.HostResolver;
import dev.cairn.shell.p2p.NetAddress;
import dev.cairn.shell.p2p.NetAddressException;
import dev.cairn.shell.p2p.NetAddresses;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cairn listen --laddr tcp://127.0.0.1:PORT --network CHAIN_ID}: accept connections,
 * handshake, answer PexRequests with the given addresses (CometBFT's rate rule applies: two free
 * requests, then at most one per 10 s, else disconnect and ban), answer pings, and print one JSON
 * line per event. Stops on SIGINT/SIGTERM/SIGHUP or after {@code --duration}.
 */
@Command(name = "listen", mixinStandardHelpOptions = true,
    description = "Accept CometBFT peers, answer PEX and log every received message as a JSON line.")
final class ListenCommand implements java.util.concurrent.Callable<Integer> {

  /** CometBFT's {@code defaultBanTime} for PEX abuse. */
  static final Duration BAN_TIME = Duration.ofHours(24);

  @Spec CommandSpec spec;

  @Mixin WireOptions wire;

  @Option(names = "--laddr", defaultValue = "tcp://127.0.0.1:26656", paramLabel = "tcp://HOST:PORT",
      description = "listen address (port 0 picks a free port; default: ${DEFAULT-VALUE})")
  String laddr;

  @Option(names = "--addrs", split = ",", paramLabel = "ID@IP:PORT",
      description = "addresses to answer PexRequests with (at most 250)")
  List<String> addrs = new ArrayList<>();

  @Option(names = "--duration", paramLabel = "DURATION", description = "stop after this long (default: run until signalled)")
  String duration;

  @Option(names = "--pex-min-interval", defaultValue = "10s", paramLabel = "DURATION",
      description = "least gap between a peer's PexRequests after its two free ones (default: ${DEFAULT-VALUE}, as CometBFT)")
  String pexMinInterval;

  /** Bans this listener remembers at most; past it the oldest ban is forgotten. */
  static final int BANS_MAX = 4096;

  /** Peers banned in this run, oldest first, bounded so a flood of fresh keys cannot grow it. */
  private final Map<NodeId, Long> bannedUntil = java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<NodeId, Long> eldest) {
          return size() > BANS_MAX;
        }
      });

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    wire.check();
    if (laddr.contains("://") && !laddr.startsWith("tcp://")) {
      err.println("cairn listen: invalid --laddr '" + laddr + "': only tcp:// addresses are served");
      return 2;
    }
    List<NodeAddress> answer = parseAddrs(err);
    if (answer == null) {
      return 2;
    }
    HostPort bindTo;
    try {
      bindTo = HostPort.parse(NetAddresses.removeProtocol(laddr));
    } catch (RuntimeException e) {
      err.println("cairn listen: invalid --laddr '" + laddr + "': " + e.getMessage());
      return 2;
    }
    Duration stopAfter = duration == null ? null : wire.duration("--duration", duration);
    Duration minInterval = wire.duration("--pex-min-interval", pexMinInterval);
    SecureRandom random = new SecureRandom();
    var key = wire.loadKey(random);
    CountDownLatch stop = Signals.stopLatch();

    AtomicReference<PeerPipeline.Settings> settings = new AtomicReference<>();
    EventLoopGroup boss = EventLoops.newGroup(1);
    EventLoopGroup workers = EventLoops.newGroup(Math.max(1, Runtime.getRuntime().availableProcessors()));
    try {
      ServerBootstrap sb = new ServerBootstrap()
          .group(boss, workers)
          .channel(EventLoops.serverChannel())
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              PeerPipeline.install(ch.pipeline(), settings.get(), null,
                  new Session(out, answer, minInterval));
            }
          });
      Channel server;
      try {
        server = sb.bind(bindTo.host(), bindTo.port()).sync().channel();
      } catch (Exception e) {
        err.println("cairn listen: cannot listen on " + laddr + ": " + FailureReasons.describe(e));
        return 1;
      }
      InetSocketAddress bound = (InetSocketAddress) server.localAddress();
      String listenAddr = NetAddresses.hostPort(bound);
      settings.set(wire.settings(key, listenAddr, random));
      ObjectNode ready = Json.object();
      ready.put("event", "listening");
      ready.put("node_id", key.id().hex());
      ready.put("listen_addr", listenAddr);
      ready.put("network", wire.network);
      emit(out, ready);
      if (stopAfter == null) {
        stop.await();
      } else {
        stop.await(stopAfter.toMillis(), TimeUnit.MILLISECONDS);
      }
      server.close().syncUninterruptibly();
      // the connections close (each says so) before the last line
      workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      ObjectNode done = Json.object();
      done.put("event", "stopped");
      emit(out, done);
      return 0;
    } finally {
      workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private List<NodeAddress> parseAddrs(PrintWriter err) {
    List<NodeAddress> out = new ArrayList<>();
    for (String s : addrs) {
      String t = s.trim();
      if (t.isEmpty()) {
        continue;
      }
      try {
        NetAddress a = NetAddresses.parse(t, HostResolver.none());
        out.add(new NodeAddress(NodeId.of(a.id()), a.ipText(), a.port()));
      } catch (NetAddressException | IllegalArgumentException e) {
        err.println("cairn listen: invalid --addrs entry '" + t + "' (an ID@IP:PORT with an IP literal): "
            + e.getMessage());
        return null;
      }
    }
    // served as given (a test peer may want to send odd answers), but said
    java.util.Set<NodeAddress> seen = new java.util.HashSet<>();
    for (NodeAddress a : out) {
      if (!seen.add(a)) {
        err.println("cairn listen: warning: --addrs lists " + a + " more than once; served as given");
      }
      if (a.port() == 0) {
        err.println("cairn listen: warning: --addrs entry " + a + " has port 0, which cannot be dialed; served as given");
      }
      if (a.ip().equals("0.0.0.0") || a.ip().equals("::")) {
        err.println("cairn listen: warning: --addrs entry " + a + " has the unspecified address, which names no host"
            + " to dial; served as given");
      }
    }
    if (out.size() > PexMessages.MAX_ADDRESSES) {
      err.println("cairn listen: --addrs lists " + out.size() + " addresses; a PexAddrs carries at most "
          + PexMessages.MAX_ADDRESSES);
      return null;
    }
    return List.copyOf(out);
  }

  static void emit(PrintWriter out, ObjectNode line) {
    synchronized (out) {
      out.println(Json.line(line));
      out.flush();
    }
  }

  /** One inbound connection: its PEX rate record and its log lines. */
  private final class Session implements PeerListener {
    private final PrintWriter out;
    private final List<NodeAddress> answer;
    private final PexRequestRateLimit rate;

    Session(PrintWriter out, List<NodeAddress> answer, Duration minInterval) {
      this.out = out;
      this.answer = answer;
      this.rate = new PexRequestRateLimit(minInterval);
    }

    private ObjectNode event(String name, PeerSession s) {
      ObjectNode o = Json.object();
      o.put("event", name);
      o.put("peer", s.remoteId().hex());
      o.put("remote", Json.address(s.remoteAddress()));
      return o;
    }

    @Override
    public void onPeerReady(PeerSession s) {
      Long until = bannedUntil.get(s.remoteId());
      if (until != null && until - System.nanoTime() > 0) {
        ObjectNode o = event("peer_refused", s);
        o.put("reason", "banned");
        emit(out, o);
        s.close();
        return;
      }
      ObjectNode o = event("peer_connected", s);
      o.put("direction", s.outbound() ? "out" : "in");
      o.set("node_info", Json.nodeInfo(s.remoteInfo()));
      emit(out, o);
    }

    @Override
    public void onMessage(PeerSession s, int channelId, byte[] message) {
      ObjectNode o = event("message", s);
      o.put("channel", channelId);
      o.put("bytes", message.length);
      if (channelId != PexMessages.CHANNEL) {
        o.put("type", "unknown");
        o.put("hex_prefix", HexFormat.of().formatHex(message, 0, Math.min(64, message.length)));
        emit(out, o);
        return;
      }
      PexMessages.Pex pex;
      try {
        pex = PexMessages.decode(message);
      } catch (PexMessages.PexProtocolException e) {
        o.put("type", "invalid");
        o.put("error", e.getMessage());
        emit(out, o);
        ban(s, "bad PEX message: " + e.getMessage());
        return;
      }
      switch (pex) {
        case PexMessages.Request r -> {
          o.put("type", "PexRequest");
          emit(out, o);
          if (!rate.tryAccept(System.nanoTime())) {
            ban(s, "PexRequest less than " + pexMinInterval + " after the previous one");
            return;
          }
          s.send(PexMessages.CHANNEL, PexMessages.encodeAddrs(answer));
          ObjectNode a = event("pex_answered", s);
          a.put("count", answer.size());
          emit(out, a);
        }
        case PexMessages.Addrs a -> {
          o.put("type", "PexAddrs");
          o.set("addresses", Json.addresses(a.addresses()));
          emit(out, o);
          // We never ask in listen mode, so any PexAddrs is unsolicited.
          ban(s, "unsolicited PexAddrs");
        }
      }
    }

    private void ban(PeerSession s, String reason) {
      bannedUntil.put(s.remoteId(), System.nanoTime() + BAN_TIME.toNanos());
      ObjectNode b = event("peer_banned", s);
      b.put("reason", reason);
      b.put("ban_seconds", BAN_TIME.toSeconds());
      emit(out, b);
      s.close();
    }

    @Override
    public void onPeerClosed(Channel channel, PeerSession s, Throwable cause) {
      ObjectNode o = Json.object();
      o.put("event", s == null ? "handshake_failed" : "peer_disconnected");
      if (s != null) {
        o.put("peer", s.remoteId().hex());
      }
      o.put("remote", Json.address(channel.remoteAddress()));
      o.put("reason", cause == null ? "closed" : FailureReasons.describe(cause));
      emit(out, o);
    }
  }
}
