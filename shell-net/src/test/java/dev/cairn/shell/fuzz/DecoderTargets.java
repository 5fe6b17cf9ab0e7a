package dev.cairn.shell.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.cairn.core.Core;
import dev.cairn.core.CoreConfig;
import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.CoreState;
import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.Step;
import dev.cairn.core.WallTime;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.BookConfig;
import dev.cairn.core.book.BookKey;
import dev.cairn.core.peer.Feedback;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.core.pex.PexEvent;
import dev.cairn.proto.trace.Event;
import dev.cairn.shell.SharedExamples;
import dev.cairn.shell.config.ConfigException;
import dev.cairn.shell.config.ConfigLoader;
import dev.cairn.shell.config.ConfigWriter;
import dev.cairn.shell.config.NodeConfig;
import dev.cairn.shell.crypto.ChaCha20Poly1305;
import dev.cairn.shell.crypto.CryptoPrimitives;
import dev.cairn.shell.crypto.NodeKey;
import dev.cairn.shell.crypto.NodeKeyException;
import dev.cairn.shell.mconn.MConnConfig;
import dev.cairn.shell.mconn.MConnException;
import dev.cairn.shell.mconn.MConnection;
import dev.cairn.shell.mconn.PacketCodec;
import dev.cairn.shell.mconn.StandardChannels;
import dev.cairn.shell.node.CoreConfigs;
import dev.cairn.shell.node.PexMessages;
import dev.cairn.shell.p2p.HandshakeException;
import dev.cairn.shell.p2p.HostResolver;
import dev.cairn.shell.p2p.NetAddressException;
import dev.cairn.shell.p2p.NetAddresses;
import dev.cairn.shell.p2p.NodeInfo;
import dev.cairn.shell.p2p.NodeInfoExchange;
import dev.cairn.shell.proto.DelimitedDecoder;
import dev.cairn.shell.proto.FramingException;
import dev.cairn.shell.proto.Uvarint;
import dev.cairn.shell.secret.FrameOpener;
import dev.cairn.shell.secret.FrameSealer;
import dev.cairn.shell.secret.Frames;
import dev.cairn.shell.secret.SecretConnectionException;
import dev.cairn.shell.secret.SecretHandshake;
import dev.cairn.shell.secret.SecretKeys;
import dev.cairn.shell.secret.SecretReader;
import dev.cairn.shell.store.AddrBookDocument;
import dev.cairn.shell.store.AddrBookFile;
import dev.cairn.shell.store.AddrBookMapping;
import dev.cairn.shell.store.StoreException;
import dev.cairn.shell.trace.CanonicalCodec;
import dev.cairn.shell.trace.EventCodec;
import dev.cairn.shell.trace.Replay;
import dev.cairn.shell.trace.TraceFormatException;
import dev.cairn.shell.trace.TraceWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Every decoder that reads bytes from a peer or an operator file, with its entry point, its
 * documented error type, seeds built by the project's own encoders and the bound on what one
 * input may allocate. Stream decoders get their input in chunks whose sizes are derived from the
 * input itself, so a hex dump replays the same calls.
 */
final class DecoderTargets {

  private DecoderTargets() {}

  private static final HexFormat HEX = HexFormat.of();
  private static final ObjectMapper JSON = new ObjectMapper();

  static final NodeKey KEY_A = NodeKey.fromSeed(filled(32, 0x11));
  static final NodeKey KEY_B = NodeKey.fromSeed(filled(32, 0x22));
  static final byte[] EPH_A = filled(32, 0x33);
  static final byte[] EPH_B = filled(32, 0x44);
  static final NodeId PEER = KEY_B.id();
  static final String NETWORK = "cairn-fuzz";

  private static final List<byte[]> JSON_TOKENS = Mutator.tokens("{", "}", "[", "]", "\"", ":", ",", "null",
      "true", "false", "0", "-0", "1e999999", "-1", "18446744073709551616", "9223372036854775807",
      "0.5", "\"\\u0000\"", "\"\\ud800\"", "\\", "\"priv_key\"", "\"type\"", "\"value\"", "\"key\"", "\"addrs\"",
      "\"addr\"", "\"src\"", "\"buckets\"", "\"bucket_type\"", "\"attempts\"", "\"last_attempt\"",
      "\"last_success\"", "\"last_ban_time\"", "\"cairn_banned\"", "\"cairn_banned_ids\"", "\"until\"",
      "\"id\"", "\"ip\"", "\"port\"", "\"0001-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59.999999999Z\"",
      "\"2024-02-30T25:61:61Z\"", "\"::ffff:1.2.3.4\"", "\"tendermint/PrivKeyEd25519\"", "65535", "65536",
      "[[[[[[[[[[[[[[[[", "{\"a\":{\"a\":{\"a\":", "\"AAAA\"", "\"====\"");

  private static final List<byte[]> TOML_TOKENS = Mutator.tokens("[", "]", "[[", "]]", "=", "\"", "'", "\"\"\"",
      "'''", "\n", "#", ".", ",", "{", "}", "true", "false", "inf", "-inf", "nan", "0x7fffffffffffffff",
      "0o777", "0b101", "1e999", "-0", "9223372036854775808", "99999999999999999999999", "1979-05-27T07:32:00Z",
      "07:32:00", "\"1h\"", "\"-1s\"", "\"9999999999h\"", "\"1.5us\"", "\"\"", "[p2p]", "[cairn]", "[mempool]",
      "laddr", "persistent_peers", "seeds", "max_num_inbound_peers", "max_num_outbound_peers", "pex",
      "addr_book_strict", "handshake_timeout", "dial_timeout", "max_packet_msg_payload_size", "send_rate",
      "recv_rate", "network", "moniker", "\"tcp://0.0.0.0:26656\"", "\"\\u0000\"", "\"\\ud800\"",
      "a.b.c", "[a.b]\n", "x = [[[[[[[[");

  private static final List<byte[]> ADDRESS_TOKENS = Mutator.tokens("@", ":", "[", "]", "tcp://", "://", "::",
      "::ffff:", "%eth0", "%", "0x", "-1", "0", "65535", "65536", "99999999999999999999", "localhost",
      "255.255.255.255", "0.0.0.0", "1.2.3.4", "01.02.03.04", "2001:db8::1", "fe80::1", "[::1]",
      "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef", "DEADBEEFDEADBEEFDEADBEEFDEADBEEFDEADBEEF", " ", "\u0000",
      "\u00e9", "\uffff");

  private static final List<byte[]> NO_TOKENS = List.of();

  static List<FuzzTarget> all() {
    return List.of(
        ephemeral(), authSig(), frames(), packet(), mconnReceive(), delimited(), nodeInfo(), netAddress(),
        pex(), nodeKey(), addrBook(), config(), traceFile(), traceEvent(), traceConfig(), traceState());
  }

  // ------------------------------------------------------------------ SecretConnection

  /** A SecureRandom that always hands out the same bytes (the ephemeral key of one side). */
  static SecureRandom fixed(byte[] bytes) {
    return new SecureRandom() {
      private static final long serialVersionUID = 1L;

      @Override
      public void nextBytes(byte[] out) {
        for (int i = 0; i < out.length; i++) {
          out[i] = bytes[i % bytes.length];
        }
      }
    };
  }

  /** B's half of a handshake with A: its ephemeral key message and the key it seals with. */
  record RemoteSide(byte[] ephemeralMessage, byte[] sendKey, byte[] challenge, byte[] validAuthSigStream) {}

  static final RemoteSide REMOTE = remoteSide();

  private static RemoteSide remoteSide() {
    byte[] aPub = CryptoPrimitives.x25519PublicKey(EPH_A);
    byte[] bPub = CryptoPrimitives.x25519PublicKey(EPH_B);
    byte[] dh = CryptoPrimitives.x25519(EPH_B, aPub);
    boolean bIsLeast = SecretKeys.isLeast(bPub, aPub);
    SecretKeys keys = SecretKeys.derive(dh, bIsLeast);
    byte[] challenge = SecretKeys.challenge(bIsLeast ? bPub : aPub, bIsLeast ? aPub : bPub, dh);
    byte[] sealed;
    try {
      SecretHandshake b = new SecretHandshake(KEY_B, fixed(EPH_B));
      b.takeOutbound();
      b.receive(SecretHandshake.ephemeralMessage(aPub));
      byte[] out = b.takeOutbound();
      sealed = out;
    } catch (SecretConnectionException e) {
      throw new IllegalStateException(e);
    }
    return new RemoteSide(SecretHandshake.ephemeralMessage(bPub), keys.sendKey(), challenge, sealed);
  }

  private static FuzzTarget ephemeral() {
    return new FuzzTarget("secret.ephemeral",
        "SecretHandshake.receive (the 35-byte ephemeral key message, then sealed AuthSig frames)",
        List.of(SecretConnectionException.class),
        () -> {
          List<byte[]> s = new ArrayList<>();
          s.add(REMOTE.ephemeralMessage());
          s.add(concat(REMOTE.ephemeralMessage(), REMOTE.validAuthSigStream()));
          s.add(SecretHandshake.ephemeralMessage(new byte[32]));
          return s;
        },
        NO_TOKENS, 3 * Frames.SEALED_BYTES, 256 << 10, 8,
        () -> {
          SecretHandshake a = new SecretHandshake(KEY_A, fixed(EPH_A));
          return input -> {
            for (int[] c : chunks(input)) {
              int used = a.receive(input, c[0], c[1]);
              if (a.isDone() || used < c[1]) {
                return;
              }
            }
          };
        });
  }

  /**
   * The AuthSig message behind a real key exchange: the input is the plaintext B sends (a
   * delimited AuthSigMessage and whatever follows); it is sealed with B's key, so A's decoder
   * gets past the AEAD and parses it.
   */
  private static FuzzTarget authSig() {
    return new FuzzTarget("secret.authsig",
        "SecretHandshake.receive (the sealed, delimited AuthSigMessage: length varint, protobuf, key type, signature)",
        List.of(SecretConnectionException.class),
        () -> {
          byte[] valid = SecretHandshake.authSigMessage(KEY_B.publicKey(), KEY_B.sign(REMOTE.challenge()));
          return List.of(valid, concat(valid, new byte[] {0x01, 0x02, 0x03}),
              SecretHandshake.authSigMessage(KEY_B.publicKey(), new byte[64]));
        },
        NO_TOKENS, 2 * Frames.DATA_MAX + 64, 256 << 10, 8,
        () -> {
          SecretHandshake a = new SecretHandshake(KEY_A, fixed(EPH_A));
          return input -> {
            FrameSealer b = new FrameSealer(REMOTE.sendKey());
            byte[] wire = concat(REMOTE.ephemeralMessage(), input.length == 0 ? new byte[0] : b.seal(input));
            for (int[] c : chunks(wire)) {
              int used = a.receive(wire, c[0], c[1]);
              if (a.isDone() || used < c[1]) {
                return;
              }
            }
          };
        });
  }

  static final byte[] FRAME_KEY = filled(32, 0x55);

  /**
   * Sealed data frames: the input is the plaintext of consecutive frames (4-byte little-endian
   * length, then data and padding to 1028 bytes); each complete one is sealed with the receive
   * key, a trailing partial one is appended as raw ciphertext.
   */
  private static FuzzTarget frames() {
    return new FuzzTarget("secret.frames",
        "SecretReader.feed / FrameOpener.openFrame (1044-byte sealed frames, the data length inside)",
        List.of(SecretConnectionException.class),
        () -> List.of(plainFrame(0), plainFrame(1), plainFrame(1024), concat(plainFrame(100), plainFrame(1024)),
            concat(plainFrame(7), plainFrame(0), plainFrame(3))),
        NO_TOKENS, 4 * Frames.PLAINTEXT_BYTES + 64, 64 << 10, 3,
        () -> {
          SecretReader reader = new SecretReader(new FrameOpener(FRAME_KEY));
          return input -> {
            ChaCha20Poly1305 aead = new ChaCha20Poly1305(FRAME_KEY);
            int whole = input.length / Frames.PLAINTEXT_BYTES;
            int rest = input.length % Frames.PLAINTEXT_BYTES;
            byte[] wire = new byte[whole * Frames.SEALED_BYTES + rest];
            for (int i = 0; i < whole; i++) {
              aead.seal(i, input, i * Frames.PLAINTEXT_BYTES, Frames.PLAINTEXT_BYTES, wire, i * Frames.SEALED_BYTES);
            }
            System.arraycopy(input, whole * Frames.PLAINTEXT_BYTES, wire, whole * Frames.SEALED_BYTES, rest);
            byte[] sink = new byte[Frames.DATA_MAX];
            for (int[] c : chunks(wire)) {
              reader.feed(wire, c[0], c[1]);
              while (reader.available() > 0) {
                reader.read(sink, 0, Math.min(sink.length, reader.available()));
              }
            }
          };
        });
  }

  private static byte[] plainFrame(int len) {
    byte[] p = new byte[Frames.PLAINTEXT_BYTES];
    p[0] = (byte) len;
    p[1] = (byte) (len >>> 8);
    for (int i = 0; i < len; i++) {
      p[Frames.LENGTH_BYTES + i] = (byte) (i * 7);
    }
    return p;
  }

  // ------------------------------------------------------------------ MConnection

  private static List<byte[]> delimitedPackets() {
    List<byte[]> s = new ArrayList<>();
    s.add(PacketCodec.pingDelimited());
    s.add(PacketCodec.pongDelimited());
    s.add(PacketCodec.packetMsgDelimited(0x00, true, PexMessages.encodeRequest()));
    s.add(PacketCodec.packetMsgDelimited(0x20, false, filled(1024, 0x61)));
    s.add(concat(PacketCodec.packetMsgDelimited(0x30, false, filled(10, 1)),
        PacketCodec.packetMsgDelimited(0x30, true, filled(5, 2)), PacketCodec.pingDelimited()));
    s.add(PacketCodec.packetMsgDelimited(0x40, true, new byte[0]));
    return s;
  }

  private static byte[] stripPrefix(byte[] delimited) {
    try {
      Uvarint.Decoded d = Uvarint.decode(delimited, 0, delimited.length);
      return Arrays.copyOfRange(delimited, d.length(), delimited.length);
    } catch (FramingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static FuzzTarget packet() {
    return new FuzzTarget("mconn.packet", "PacketCodec.decode (one Packet body: ping, pong, PacketMsg)",
        List.of(MConnException.class),
        () -> {
          List<byte[]> s = new ArrayList<>();
          for (byte[] d : delimitedPackets()) {
            s.add(stripPrefix(d));
          }
          s.addAll(Vectors.hexValues());
          return s;
        },
        NO_TOKENS, 4096, 16 << 10, 16,
        () -> input -> PacketCodec.decode(input, 0, input.length, (ch, eof, data, off, len) -> { }));
  }

  private static FuzzTarget mconnReceive() {
    return new FuzzTarget("mconn.receive",
        "MConnection.receive (delimited Packets on the decrypted stream, channel reassembly)",
        List.of(MConnException.class),
        () -> {
          List<byte[]> s = new ArrayList<>(delimitedPackets());
          for (byte[] v : Vectors.hexValues()) {
            s.add(concat(Uvarint.encode(v.length), v));
          }
          return s;
        },
        NO_TOKENS, 8192, 512 << 10, 128,
        () -> {
          List<Integer> ids = StandardChannels.ALL.stream().map(c -> c.id()).toList();
          MConnection m = new MConnection(MConnConfig.defaults(), StandardChannels.ALL, ids, MonoTime.ZERO);
          return input -> {
            for (int[] c : chunks(input)) {
              m.receive(input, c[0], c[1], MonoTime.ZERO);
              while (m.pollMessage() != null) {
                // drained
              }
            }
          };
        });
  }

  private static FuzzTarget delimited() {
    return new FuzzTarget("proto.delimited", "DelimitedDecoder.feed/next (uvarint length prefixes, 10 KiB limit)",
        List.of(FramingException.class),
        () -> {
          List<byte[]> s = new ArrayList<>(delimitedPackets());
          s.add(peerInfo().encodeDelimited());
          return s;
        },
        NO_TOKENS, 16 << 10, 32 << 10, 128,
        () -> {
          DelimitedDecoder d = new DelimitedDecoder(NodeInfo.MAX_SIZE);
          return input -> {
            for (int[] c : chunks(input)) {
              d.feed(input, c[0], c[1]);
              while (d.next() != null) {
                // body consumed
              }
            }
          };
        });
  }

  // ------------------------------------------------------------------ NodeInfo, addresses, PEX

  static NodeInfo ours() {
    return new NodeInfo(new NodeInfo.ProtocolVersion(8, 11, 0), KEY_A.id().hex(), "tcp://0.0.0.0:26656", NETWORK,
        "0.38.0", List.of(0x00, 0x20, 0x21, 0x22, 0x23, 0x30, 0x38, 0x40), "ours", new NodeInfo.Other("on", ""));
  }

  static NodeInfo peerInfo() {
    return new NodeInfo(new NodeInfo.ProtocolVersion(8, 11, 1), PEER.hex(), "tcp://203.0.113.7:26656", NETWORK,
        "0.38.17", List.of(0x00, 0x20, 0x30), "peer-b", new NodeInfo.Other("off", "tcp://127.0.0.1:26657"));
  }

  private static FuzzTarget nodeInfo() {
    return new FuzzTarget("p2p.nodeinfo",
        "NodeInfoExchange.receive (delimited DefaultNodeInfo, ProtoMapping.decodeNodeInfo, NodeInfo.validate,"
            + " compatibleWith)",
        List.of(HandshakeException.class),
        () -> {
          List<byte[]> s = new ArrayList<>();
          s.add(peerInfo().encodeDelimited());
          s.add(concat(peerInfo().encodeDelimited(), PacketCodec.pingDelimited()));
          s.add(new NodeInfo(new NodeInfo.ProtocolVersion(8, 11, 0), PEER.hex(), "[2001:db8::7]:26656", NETWORK,
              "", List.of(0x00), "x", new NodeInfo.Other("", "")).encodeDelimited());
          for (byte[] v : Vectors.hexValues()) {
            s.add(concat(Uvarint.encode(v.length), v));
          }
          return s;
        },
        Mutator.tokens("tcp://", "@", ":", "::ffff:", "0.0.0.0", "on", "off", NETWORK, PEER.hex()),
        16 << 10, 64 << 10, 128,
        () -> {
          NodeInfoExchange x = new NodeInfoExchange(ours(), PEER, HostResolver.none());
          return input -> {
            for (int[] c : chunks(input)) {
              if (x.receive(input, c[0], c[1]) != null) {
                return;
              }
            }
          };
        });
  }

  private static FuzzTarget netAddress() {
    return new FuzzTarget("p2p.netaddress", "NetAddresses.parse (id@host:port text, no DNS)",
        List.of(NetAddressException.class),
        () -> {
          List<byte[]> s = new ArrayList<>();
          for (String t : List.of(PEER.hex() + "@203.0.113.7:26656", "tcp://" + PEER.hex() + "@[2001:db8::1]:1",
              PEER.hex() + "@[::ffff:1.2.3.4]:65535", PEER.hex() + "@0.0.0.0:0", "127.0.0.1:8080")) {
            s.add(t.getBytes(StandardCharsets.UTF_8));
          }
          s.addAll(Vectors.strings());
          return s;
        },
        ADDRESS_TOKENS, 1024, 16 << 10, 64,
        () -> input -> NetAddresses.parse(new String(input, StandardCharsets.UTF_8), HostResolver.none()));
  }

  static List<NodeAddress> someAddresses(int n) {
    List<NodeAddress> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      NodeId id = NodeKey.fromSeed(filled(32, 0x60 + i)).id();
      out.add(new NodeAddress(id, i % 2 == 0 ? "198.51.100." + (i + 1) : "2001:db8::" + Integer.toHexString(i + 1),
          26656 + i));
    }
    return out;
  }

  private static FuzzTarget pex() {
    return new FuzzTarget("node.pex", "PexMessages.decode (PexRequest, PexAddrs with up to 250 addresses)",
        List.of(PexMessages.PexProtocolException.class),
        () -> {
          List<byte[]> s = new ArrayList<>();
          s.add(PexMessages.encodeRequest());
          s.add(PexMessages.encodeAddrs(someAddresses(1)));
          s.add(PexMessages.encodeAddrs(someAddresses(6)));
          s.add(PexMessages.encodeAddrs(List.of()));
          s.addAll(Vectors.hexValues());
          return s;
        },
        Mutator.tokens("::ffff:", "1.2.3.4", "2001:db8::1", "fe80::1%eth0", PEER.hex()),
        16 << 10, 32 << 10, 128,
        () -> input -> PexMessages.decode(input));
  }

  // ------------------------------------------------------------------ operator files

  private static FuzzTarget nodeKey() {
    return new FuzzTarget("crypto.nodekey", "NodeKey.parse (node_key.json)", List.of(NodeKeyException.class),
        () -> List.of(KEY_A.toJson().getBytes(StandardCharsets.UTF_8), KEY_B.toJson().getBytes(StandardCharsets.UTF_8),
            "{\"priv_key\":{\"type\":\"tendermint/PrivKeyEd25519\",\"value\":\"\"}}".getBytes(StandardCharsets.UTF_8)),
        JSON_TOKENS, 4096, 64 << 10, 96,
        () -> input -> NodeKey.parse(new String(input, StandardCharsets.UTF_8)));
  }

  static final Path BOOK_FILE = Path.of("addrbook.json");
  static final BookConfig LAX_BOOK = BookConfig.defaults(KEY_A.id()).withStrict(false);

  private static FuzzTarget addrBook() {
    return new FuzzTarget("store.addrbook",
        "AddrBookFile.parse, AddrBookMapping.toCore and bannedIds (addrbook.json as `cairn start` loads it)",
        List.of(StoreException.class),
        () -> {
          List<byte[]> s = new ArrayList<>();
          // CometBFT's example book when it is there (beside the vectors), else a book of two entries
          byte[] example = SharedExamples.ifPresent("addrbook.example.json").orElseGet(DecoderTargets::twoEntryBook);
          s.add(example);
          try {
            AddrBookDocument doc = AddrBookFile.parse(BOOK_FILE, example);
            OffsetDateTime until = OffsetDateTime.of(2031, 1, 2, 3, 4, 5, 6, ZoneOffset.UTC);
            AddrBookDocument banned = new AddrBookDocument(doc.key(), doc.addrs(), doc.addrs().subList(0, 1),
                List.of(new AddrBookDocument.BannedId(PEER.hex(), until)));
            s.add(AddrBookFile.renderBytes(banned));
          } catch (StoreException e) {
            throw new IllegalStateException(e);
          }
          s.add(AddrBookFile.renderBytes(AddrBookMapping.fromCore(AddressBook.empty(BookKey.of("00112233445566778899aabb")))));
          return s;
        },
        JSON_TOKENS, 16 << 10, 256 << 10, 128,
        () -> input -> {
          AddrBookDocument doc = AddrBookFile.parse(BOOK_FILE, input);
          AddrBookMapping.toCore(BOOK_FILE, LAX_BOOK, doc);
          AddrBookMapping.bannedIds(doc);
        });
  }

  private static FuzzTarget config() {
    return new FuzzTarget("config.toml", "ConfigLoader.parse (config.toml: [p2p], [cairn], validation)",
        List.of(ConfigException.class),
        () -> {
          List<byte[]> s = new ArrayList<>();
          SharedExamples.ifPresent("config_p2p_defaults_v0.38.toml").ifPresent(s::add);
          s.add(resource("/dev/cairn/shell/config/full_cometbft_config.toml"));
          try {
            NodeConfig c = ConfigLoader.parse("[p2p]\npersistent_peers = \"" + PEER.hex() + "@203.0.113.7:26656\"\n"
                + "[cairn]\nnetwork = \"" + NETWORK + "\"\n", "config.toml", Optional.empty());
            s.add(ConfigWriter.render(c).getBytes(StandardCharsets.UTF_8));
          } catch (ConfigException e) {
            throw new IllegalStateException(e);
          }
          return s;
        },
        TOML_TOKENS, 16 << 10, 1 << 20, 256,
        () -> input -> ConfigLoader.parse(new String(input, StandardCharsets.UTF_8), "config.toml", Optional.empty()));
  }

  // ------------------------------------------------------------------ traces

  /** A small recorded run: the config, the states and the events the trace seeds are made of. */
  record TraceRun(CoreConfig config, CoreState initial, CoreState last, List<CoreEvent> events, byte[] file) {}

  static final class TraceSeeds {
    static final TraceRun RUN = record();

    private static TraceRun record() {
      try {
        NodeConfig cfg = ConfigLoader.parse("[p2p]\nladdr = \"tcp://10.0.0.1:26656\"\naddr_book_strict = false\n"
            + "[cairn]\nnetwork = \"" + NETWORK + "\"\n", "config.toml", Optional.empty());
        NodeId self = KEY_A.id();
        CoreConfig core = CoreConfigs.from(cfg, self, List.of(new NodeAddress(self, "10.0.0.1", 26656)),
            HostResolver.none());
        CoreState initial = CoreState.initial(AddressBook.empty(BookKey.of("00112233445566778899aabb")), 7);
        List<NodeAddress> addrs = someAddresses(4);
        List<CoreEvent> events = List.of(
            new CoreEvent.Peer(new PeerEvent.Started()),
            new CoreEvent.Peer(new PeerEvent.AddressesLearned(addrs, addrs.get(0))),
            new CoreEvent.Peer(new PeerEvent.DialSucceeded(addrs.get(1))),
            new CoreEvent.PeerReady(addrs.get(1).id(), addrs.get(1)),
            new CoreEvent.PexMessage(new PexEvent.PexAddrsReceived(addrs.get(1).id(), addrs.subList(2, 4))),
            new CoreEvent.Peer(new PeerEvent.PeerReported(addrs.get(1).id(), Feedback.BAD)),
            new CoreEvent.Peer(new PeerEvent.PeerBanned(addrs.get(2).id(), Duration.ofMinutes(5))),
            new CoreEvent.Peer(new PeerEvent.DialFailed(addrs.get(3))),
            new CoreEvent.TimerFired());
        Path dir = Files.createTempDirectory("cairn-fuzz-trace");
        Path file = dir.resolve("seed.trace");
        CoreState s = initial;
        try (TraceWriter w = new TraceWriter(TraceWriter.Options.defaults(file), core, initial, 7)) {
          long t = 1_000_000_000L;
          for (CoreEvent e : events) {
            t += 250_000_000L;
            Step<CoreState, CoreEffect> st = Core.step(core, s, new MonoTime(t), new WallTime(1_700_000_000_000L + t / 1_000_000), e);
            w.onStep(new MonoTime(t), new WallTime(1_700_000_000_000L + t / 1_000_000), e, st, 0);
            s = st.state();
          }
        }
        byte[] bytes = Files.readAllBytes(file);
        Files.delete(file);
        Files.delete(dir);
        return new TraceRun(core, initial, s, events, bytes);
      } catch (ConfigException | IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static FuzzTarget traceFile() {
    Path[] scratch = new Path[1];
    return new FuzzTarget("trace.file",
        "Replay.open and Replay.next (a trace file as `cairn trace replay` reads it: magic, header, records,"
            + " events, canonical config and state)",
        List.of(TraceFormatException.class),
        () -> List.of(TraceSeeds.RUN.file()),
        NO_TOKENS, 32 << 10, 1 << 20, 64,
        () -> {
          if (scratch[0] == null) {
            Path dir = Files.createTempDirectory("cairn-fuzz");
            dir.toFile().deleteOnExit();
            scratch[0] = dir.resolve("input.trace");
            scratch[0].toFile().deleteOnExit();
          }
          Path file = scratch[0];
          return input -> {
            Files.write(file, input);
            try (Replay r = Replay.open(file)) {
              for (Optional<Replay.Stepped> s = r.next(); s.isPresent(); s = r.next()) {
                if (s.get().step() == null) {
                  return; // the core refused the event: the replay reports it and stops
                }
              }
            }
          };
        });
  }

  private static FuzzTarget traceEvent() {
    return new FuzzTarget("trace.event", "Event.parseFrom, EventCodec.decode (one recorded core event)",
        List.of(InvalidProtocolBufferException.class, EventCodec.InvalidEventException.class),
        () -> {
          List<byte[]> s = new ArrayList<>();
          for (CoreEvent e : TraceSeeds.RUN.events()) {
            s.add(EventCodec.encode(e).toByteArray());
          }
          return s;
        },
        NO_TOKENS, 4096, 16 << 10, 128,
        () -> input -> EventCodec.decode(Event.parseFrom(input)));
  }

  private static FuzzTarget traceConfig() {
    return new FuzzTarget("trace.config", "CanonicalCodec.decodeConfig (the core config in a trace header)",
        List.of(CanonicalCodec.DecodeException.class),
        () -> List.of(CanonicalCodec.encodeConfig(TraceSeeds.RUN.config())),
        NO_TOKENS, 4096, 64 << 10, 16,
        () -> input -> CanonicalCodec.decodeConfig(input));
  }

  private static FuzzTarget traceState() {
    return new FuzzTarget("trace.state", "CanonicalCodec.decodeState (the core state in a trace header)",
        List.of(CanonicalCodec.DecodeException.class),
        () -> List.of(CanonicalCodec.encodeState(TraceSeeds.RUN.initial()), CanonicalCodec.encodeState(TraceSeeds.RUN.last())),
        NO_TOKENS, 16 << 10, 256 << 10, 64,
        () -> input -> CanonicalCodec.decodeState(input, TraceSeeds.RUN.config()));
  }

  // ------------------------------------------------------------------ helpers

  /**
   * How a stream decoder receives {@code input}: {@code [offset, length]} pieces whose sizes come
   * from the input's CRC, so the same bytes always arrive in the same pieces (one piece in four
   * inputs is the whole input).
   */
  static List<int[]> chunks(byte[] input) {
    CRC32 crc = new CRC32();
    crc.update(input);
    long h = crc.getValue() * 0x9E3779B97F4A7C15L;
    List<int[]> out = new ArrayList<>();
    if ((h & 3) == 0 || input.length == 0) {
      out.add(new int[] {0, input.length});
      return out;
    }
    int p = 0;
    while (p < input.length) {
      h = h * 6364136223846793005L + 1442695040888963407L;
      int n = (int) ((h >>> 33) % 64) + 1;
      if (((h >>> 20) & 7) == 0) {
        n = (int) ((h >>> 40) % 2048) + 1;
      }
      n = Math.min(n, input.length - p);
      out.add(new int[] {p, n});
      p += n;
    }
    return out;
  }

  static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int w = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, w, p.length);
      w += p.length;
    }
    return out;
  }

  /** A book in CometBFT's format with a new entry in two buckets and an old one. */
  private static byte[] twoEntryBook() {
    String a = "{\"id\":\"7e5700000000000000000000000000000000a11c\",\"ip\":\"192.0.2.44\",\"port\":26656}";
    String b = "{\"id\":\"" + PEER.hex() + "\",\"ip\":\"198.51.100.90\",\"port\":26656}";
    String never = "\"0001-01-01T00:00:00Z\"";
    return ("{\"key\":\"00112233445566778899aabb\",\"addrs\":["
        + "{\"addr\":" + a + ",\"src\":" + b + ",\"buckets\":[3,250],\"attempts\":2,\"bucket_type\":1,"
        + "\"last_attempt\":\"2025-03-04T05:06:07.25Z\",\"last_success\":" + never + ",\"last_ban_time\":" + never + "},"
        + "{\"addr\":" + b + ",\"src\":" + b + ",\"buckets\":[9],\"attempts\":0,\"bucket_type\":2,"
        + "\"last_attempt\":\"2025-03-04T05:06:07+01:00\",\"last_success\":\"2025-03-04T05:06:07+01:00\","
        + "\"last_ban_time\":" + never + "}]}").getBytes(StandardCharsets.UTF_8);
  }

  static byte[] resource(String name) {
    try (InputStream in = DecoderTargets.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Seeds from the golden vectors (system property cairn.vectors); none when the folder is absent. */
  static final class Vectors {
    private static List<JsonNode> docs;

    private static synchronized List<JsonNode> docs() {
      if (docs == null) {
        docs = new ArrayList<>();
        Path dir = Path.of(System.getProperty("cairn.vectors", "../shared/vectors"));
        if (!Files.isDirectory(dir)) {
          System.out.println("fuzz: golden vectors not found at " + dir + " (set -Dcairn.vectors=DIR);"
              + " seeding from the project's encoders only");
          return docs;
        }
        try (var files = Files.list(dir)) {
          for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
            docs.add(JSON.readTree(f.toFile()));
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return docs;
    }

    /** Every even-length hex string value of at least 2 bytes in the vectors, decoded (at most 4 KiB each). */
    static List<byte[]> hexValues() {
      List<byte[]> out = new ArrayList<>();
      for (String s : texts()) {
        if (s.length() >= 4 && s.length() % 2 == 0 && s.length() <= 8192 && s.matches("[0-9a-fA-F]+")) {
          out.add(HEX.parseHex(s));
        }
      }
      return out;
    }

    /** Every short string value in the vectors, as UTF-8. */
    static List<byte[]> strings() {
      List<byte[]> out = new ArrayList<>();
      for (String s : texts()) {
        if (s.length() <= 200) {
          out.add(s.getBytes(StandardCharsets.UTF_8));
        }
      }
      return out;
    }

    private static List<String> texts() {
      List<String> out = new ArrayList<>();
      for (JsonNode d : docs()) {
        collect(d, out);
      }
      return out.stream().distinct().limit(2000).toList();
    }

    private static void collect(JsonNode n, List<String> out) {
      if (n.isTextual()) {
        out.add(n.asText());
      } else if (n.isContainerNode()) {
        n.forEach(c -> collect(c, out));
      }
    }
  }
}
