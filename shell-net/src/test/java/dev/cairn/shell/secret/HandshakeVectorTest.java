package dev.cairn.shell.secret;

import static dev.cairn.shell.crypto.Vectors.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.NodeId;
import dev.cairn.shell.crypto.NodeKey;
import dev.cairn.shell.crypto.Vectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Replays secret_connection_handshake_vector.json end to end, for side A and for side B. */
class HandshakeVectorTest {

  @ParameterizedTest
  @ValueSource(strings = {"A", "B"})
  void sideProducesExactWireBytes(String side) throws Exception {
    JsonNode v = Vectors.json("secret_connection_handshake_vector.json");
    JsonNode me = v.get("sides").get(side);
    JsonNode peer = v.get("sides").get(side.equals("A") ? "B" : "A");

    NodeKey key = NodeKey.parse(me.get("node_key_json").asText());
    assertEquals(me.get("ed25519_pub").asText(), hex(key.publicKey()));
    SecretHandshake hs = new SecretHandshake(key, TestKeys.fixed(hex(me.get("x25519_eph_priv").asText())));

    // write first: the ephemeral message exists before anything is received
    assertEquals(me.get("wire_eph_msg").asText(), hex(hs.takeOutbound()));
    assertEquals(0, hs.takeOutbound().length, "outbound bytes are handed out once");

    assertEquals(0, hs.receive(hex(peer.get("wire_eph_msg").asText())).length);
    assertEquals(SecretHandshake.State.AWAIT_AUTH_SIG, hs.state());
    assertEquals(v.get("merlin_challenge").asText(), hex(hs.challenge()));
    JsonNode authFrame = me.get("frames_auth_sig").get(0);
    assertEquals(authFrame.get("sealed_frame").asText(), hex(hs.takeOutbound()), "AuthSig sealed frame (nonce 0)");

    byte[] leftover = hs.receive(hex(peer.get("frames_auth_sig").get(0).get("sealed_frame").asText()));
    assertEquals(0, leftover.length);
    assertTrue(hs.isDone());
    HandshakeResult r = hs.result();
    assertEquals(NodeId.of(peer.get("node_id").asText()), r.remoteId());
    assertEquals(peer.get("ed25519_pub").asText(), hex(r.remotePubKey()));
    assertEquals(0, r.leftoverPlaintext().length);

    FrameSealer sealer = r.sealer();
    assertEquals(me.get("frames_node_info").get(0).get("sealed_frame").asText(),
        hex(sealer.seal(hex(me.get("node_info_delimited").asText()))), "NodeInfo frame (nonce 1)");
    assertEquals(me.get("frames_ping").get(0).get("sealed_frame").asText(),
        hex(sealer.seal(hex(me.get("mconn_first_write_ping_delimited").asText()))), "ping frame (nonce 2)");

    SecretReader reader = r.newReader();
    reader.feed(hex(peer.get("frames_node_info").get(0).get("sealed_frame").asText()));
    assertEquals(peer.get("node_info_delimited").asText(), hex(reader.readAll()));
    reader.feed(hex(peer.get("frames_ping").get(0).get("sealed_frame").asText()));
    assertEquals(peer.get("mconn_first_write_ping_delimited").asText(), hex(reader.readAll()));
    assertEquals(3, reader.opener().nextCounter());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 35, 36, 1000})
  void peerBytesInArbitraryPiecesWithDataPhaseBytesHandedOn(int piece) throws Exception {
    JsonNode v = Vectors.json("secret_connection_handshake_vector.json");
    JsonNode me = v.get("sides").get("A");
    JsonNode peer = v.get("sides").get("B");
    SecretHandshake hs = new SecretHandshake(NodeKey.parse(me.get("node_key_json").asText()),
        TestKeys.fixed(hex(me.get("x25519_eph_priv").asText())));
    byte[] stream = concat(hex(peer.get("wire_eph_msg").asText()),
        hex(peer.get("frames_auth_sig").get(0).get("sealed_frame").asText()),
        hex(peer.get("frames_node_info").get(0).get("sealed_frame").asText()));
    byte[] rest = new byte[0];
    for (int p = 0; p < stream.length; p += piece) {
      int n = Math.min(piece, stream.length - p);
      if (hs.isDone()) {
        rest = concat(rest, java.util.Arrays.copyOfRange(stream, p, p + n));
      } else {
        int used = hs.receive(stream, p, n);
        rest = concat(rest, java.util.Arrays.copyOfRange(stream, p + used, p + n));
      }
    }
    assertTrue(hs.isDone());
    assertEquals(1044, rest.length, "exactly the NodeInfo frame is left for the data phase");
    SecretReader reader = hs.result().newReader();
    reader.feed(rest);
    assertEquals(peer.get("node_info_delimited").asText(), hex(reader.readAll()));
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int o = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }
}
