package dev.cairn.shell.crypto;

import static dev.cairn.shell.crypto.Vectors.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeccakStrobeMerlinTest {

  @Test
  void keccakZeroStateOneAndTwoPermutations() throws IOException {
    Map<String, String> kv = new HashMap<>();
    for (String line : Files.readAllLines(Vectors.file("keccak_f1600_zero_state.txt"))) {
      if (!line.startsWith("#") && line.contains("=")) {
        kv.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1).trim());
      }
    }
    byte[] s = new byte[200];
    Keccak1600.permute(s);
    assertEquals(kv.get("after_1_permutation"), hex(s));
    Keccak1600.permute(s);
    assertEquals(kv.get("after_2_permutations"), hex(s));
  }

  @Test
  void keccakRejectsWrongStateSize() {
    assertThrows(IllegalArgumentException.class, () -> Keccak1600.permute(new byte[199]));
  }

  @Test
  void allStrobeVectorsReplay() {
    JsonNode root = Vectors.json("strobe_test_vectors.json");
    int ops = 0;
    for (JsonNode suite : root.get("test_vectors")) {
      Strobe128 s = null;
      int i = 0;
      for (JsonNode op : suite.get("operations")) {
        String name = op.get("name").asText();
        String where = suite.get("name").asText() + " op #" + i++ + " " + name;
        boolean meta = op.get("meta").asBoolean();
        boolean more = op.get("stream").asBoolean();
        byte[] out;
        if (name.equals("init")) {
          assertEquals(128, op.get("security").asInt(), where);
          s = new Strobe128(op.get("custom_string").asText().getBytes(StandardCharsets.UTF_8));
          out = new byte[0];
        } else {
          Strobe128.Op kind = Strobe128.Op.valueOf(name.toUpperCase());
          byte[] in = op.has("input_data") ? hex(op.get("input_data").asText()) : new byte[op.get("input_length").asInt()];
          out = s.operate(kind, meta, in, more);
        }
        assertEquals(op.get("state_after").asText(), hex(s.state()), where + " state_after");
        if (op.has("output")) {
          assertEquals(op.get("output").asText(), hex(out), where + " output");
        }
        ops++;
      }
    }
    assertEquals(199, ops, "number of STROBE operations replayed");
  }

  @Test
  void strobeMacRoundTripAndTamper() {
    Strobe128 a = new Strobe128("mac test");
    Strobe128 b = new Strobe128("mac test");
    a.key("k".getBytes(StandardCharsets.US_ASCII), false);
    b.key("k".getBytes(StandardCharsets.US_ASCII), false);
    byte[] ct = a.operate(Strobe128.Op.SEND_ENC, false, "hello".getBytes(StandardCharsets.US_ASCII), false);
    byte[] pt = b.operate(Strobe128.Op.RECV_ENC, false, ct, false);
    assertEquals("hello", new String(pt, StandardCharsets.US_ASCII));
    byte[] mac = a.sendMac(16);
    Strobe128 bad = b.copy();
    assertTrue(b.recvMac(mac));
    mac[3] ^= 1;
    assertFalse(bad.recvMac(mac));
  }

  @Test
  void strobeRefusesContinuingWithDifferentFlags() {
    Strobe128 s = new Strobe128("x");
    s.ad(new byte[] {1}, false, false);
    assertThrows(IllegalStateException.class, () -> s.ad(new byte[] {1}, true, true));
  }

  @Test
  void merlinPublishedVectors() {
    JsonNode root = Vectors.json("merlin_published_vectors.json");
    Map<String, String> expected = new HashMap<>();
    for (JsonNode v : root.get("vectors")) {
      expected.put(v.get("name").asText(), v.get("expected_challenge").asText());
    }
    MerlinTranscript simple = new MerlinTranscript("test protocol");
    simple.appendMessage("some label", ascii("some data"));
    assertEquals(expected.get("simple"), hex(simple.challengeBytes("challenge", 32)));

    MerlinTranscript complex = new MerlinTranscript("test protocol");
    complex.appendMessage("step1", ascii("some data"));
    byte[] data = new byte[1024];
    Arrays.fill(data, (byte) 99);
    byte[] c = null;
    for (int i = 0; i < 32; i++) {
      c = complex.challengeBytes("challenge", 32);
      complex.appendMessage("bigdata", data);
      complex.appendMessage("challengedata", c);
    }
    assertEquals(expected.get("complex"), hex(c));
  }

  @Test
  void merlinHandshakeTraceStepByStep() {
    JsonNode root = Vectors.json("merlin_handshake_trace.json");
    JsonNode afterLabel = root.get("strobe_init_states").get(1);
    Strobe128 s = new Strobe128("Merlin v1.0");
    assertStep(afterLabel, hex(s.state()), s.pos(), s.posBegin());

    JsonNode in = root.get("inputs");
    JsonNode trace = root.get("trace");
    MerlinTranscript t = new MerlinTranscript("TENDERMINT_SECRET_CONNECTION_TRANSCRIPT_HASH");
    assertStep(trace.get(0), hex(t.strobeState()), t.strobePos(), t.strobePosBegin());
    t.appendMessage("EPHEMERAL_LOWER_PUBLIC_KEY", hex(in.get("lo_eph_pub").asText()));
    assertStep(trace.get(1), hex(t.strobeState()), t.strobePos(), t.strobePosBegin());
    t.appendMessage("EPHEMERAL_UPPER_PUBLIC_KEY", hex(in.get("hi_eph_pub").asText()));
    assertStep(trace.get(2), hex(t.strobeState()), t.strobePos(), t.strobePosBegin());
    t.appendMessage("DH_SECRET", hex(in.get("dh_secret").asText()));
    assertStep(trace.get(3), hex(t.strobeState()), t.strobePos(), t.strobePosBegin());
    byte[] challenge = t.challengeBytes("SECRET_CONNECTION_MAC", 32);
    assertStep(trace.get(4), hex(t.strobeState()), t.strobePos(), t.strobePosBegin());
    assertEquals(root.get("challenge").asText(), hex(challenge));
  }

  private static void assertStep(JsonNode step, String state, int pos, int posBegin) {
    String name = step.get("step").asText();
    assertEquals(step.get("state").asText(), state, name + ": state");
    assertEquals(step.get("pos").asInt(), pos, name + ": pos");
    assertEquals(step.get("pos_begin").asInt(), posBegin, name + ": pos_begin");
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
